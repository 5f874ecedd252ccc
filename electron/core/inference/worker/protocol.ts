import type { SerializedApiError } from "../../../../shared/api/index.js";
import type { ComputeProbeResult, EngineLoadOptions, GenerationRequest, GenerationResult, LoadedModel } from "../types.js";

/**
 * Messages between the service (host) and the engine worker. Both ends are our own code in processes started
 * together, so the shapes are trusted; `id` pairs a call with its reply and its streamed text.
 */
export type HostMessage =
  | { type: "load"; id: number; options: EngineLoadOptions }
  | { type: "unload"; id: number }
  /** `stream`: whether to send the text as it is generated, or only in the reply. */
  | { type: "generate"; id: number; request: GenerationRequest; stream: boolean }
  | { type: "cancel"; id: number }
  /** Which backend and devices llama.cpp finds here (the GPU check at start, in a worker of its own). */
  | { type: "probe"; id: number }
  | { type: "shutdown" };

export type WorkerMessage =
  | { type: "ready"; pid: number }
  | { type: "reply"; id: number; ok: true; value: ReplyValue }
  | { type: "reply"; id: number; ok: false; error: SerializedApiError }
  | { type: "text"; id: number; delta: string }
  | { type: "log"; level: "debug" | "info" | "warn" | "error"; message: string };

export type ReplyValue = LoadedModel | GenerationResult | ComputeProbeResult | null;

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}
