import type { ChatMessage, GenerationStats, HardwareInfo, InferenceStatus, LoadedModel } from "../../../shared/api/index.js";

/**
 * What the engine needs to load a model. Every field but the path has a machine-aware default; the KV cache is
 * reserved by need (reservation.ts) unless contextSize and parallelSequences are given.
 */
export interface EngineLoadOptions {
  modelPath: string;
  /** Tokens per sequence. */
  contextSize?: number;
  parallelSequences?: number;
  gpuLayers?: "auto" | number;
  threads?: number;
  /** The largest request (prompt + reply tokens) to fit, when contextSize is not given. */
  requestTokens?: number;
  /** Requests that run at once, when parallelSequences is not given. */
  concurrency?: number;
  /** Memory the fit plan leaves for the KV cache; the reservation shrinks to fit it. */
  memoryBudgetBytes?: number;
}

export interface SamplingOptions {
  /** Upper bound on generated tokens; the room left in the sequence's context caps it further. */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
}

export type GenerationInput =
  | { kind: "chat"; messages: ChatMessage[] }
  | { kind: "completion"; prompt: string };

export interface GenerationRequest extends SamplingOptions {
  input: GenerationInput;
}

export interface GenerationResult {
  text: string;
  stats: GenerationStats;
}

export type FinishReason = GenerationStats["finishReason"];

/**
 * Sampling fields left out take the engine's defaults: no token limit beyond the context, temperature 0 (greedy).
 * The API contract and the OpenAI layer fill in their own documented defaults before calling.
 */
export interface ChatRequest extends SamplingOptions {
  requestId: string;
  messages: ChatMessage[];
}

export interface CompletionRequest extends SamplingOptions {
  requestId: string;
  prompt: string;
}

export interface RequestOptions {
  /** Aborting it has the same effect as cancel(requestId). */
  signal?: AbortSignal;
}

export type TokenListener = (delta: string) => void;
export type StatusListener = (status: InferenceStatus) => void;

export type { LoadedModel };

/** The backend node-llama-cpp picks on this machine and the devices it sees through it (the hardware room's facts). */
export type ComputeProbeResult = Omit<HardwareInfo["compute"], "advice">;
