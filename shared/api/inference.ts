import { z } from "zod";
import { method } from "./define.js";

export const LoadedModel = z.object({
  path: z.string(),
  name: z.string(),
  sizeBytes: z.number(),
  contextSize: z.number().int(),
  parallelSequences: z.number().int(),
  gpuLayers: z.number().int(),
  threads: z.number().int(),
  /** Memory the KV cache reserves: every sequence's context, K and V for every layer. */
  kvCacheBytes: z.number(),
});
export type LoadedModel = z.infer<typeof LoadedModel>;

export const InferenceState = z.enum(["idle", "loading", "ready", "error", "restarting"]);
export type InferenceState = z.infer<typeof InferenceState>;

export const InferenceStatus = z.object({
  state: InferenceState,
  model: LoadedModel.nullable(),
  /** Human-readable reason when state is error, or why the worker restarted. */
  message: z.string().nullable(),
  /** OpenAI-compatible endpoint base URL, e.g. http://127.0.0.1:8547/v1, when serving. */
  endpoint: z.string().nullable(),
  activeRequests: z.number().int(),
  queuedRequests: z.number().int(),
  workerRestarts: z.number().int(),
});
export type InferenceStatus = z.infer<typeof InferenceStatus>;

export const ChatMessage = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string().max(200_000),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const RequestId = z.string().min(1).max(100).regex(/^[\w.-]+$/, "letters, digits, '_', '.', '-' only");

export const GenerationStats = z.object({
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  timeToFirstTokenMs: z.number().nullable(),
  tokensPerSecond: z.number().nullable(),
  finishReason: z.enum(["stop", "length", "cancelled"]),
});
export type GenerationStats = z.infer<typeof GenerationStats>;

export const LoadParams = z.object({
  modelPath: z.string().min(1, "choose a .gguf file"),
  /** Tokens per sequence; each parallel sequence gets its own window of this size. */
  contextSize: z.number().int().min(256).max(1_048_576).optional(),
  parallelSequences: z.number().int().min(1).max(64).optional(),
  gpuLayers: z.union([z.literal("auto"), z.number().int().min(0)]).optional(),
  /** CPU threads for evaluation; the engine picks one that suits the machine when omitted. */
  threads: z.number().int().min(1).max(1024).optional(),
}).strict();
export type LoadParams = z.input<typeof LoadParams>;

export const ChatParams = z.object({
  requestId: RequestId,
  messages: z.array(ChatMessage).min(1, "send at least one message"),
  maxTokens: z.number().int().min(1).max(8192).default(256),
  temperature: z.number().min(0).max(2).default(0.7),
  /** Nucleus sampling; 1 turns it off. */
  topP: z.number().gt(0).max(1).optional(),
  /** Generation ends before any of these strings; they are not part of the reply. */
  stop: z.array(z.string().min(1).max(200)).max(8).optional(),
  /** Fixes the sampler's randomness so the same request gives the same reply (when temperature > 0). */
  seed: z.number().int().min(0).max(4_294_967_295).optional(),
}).strict();
export type ChatParams = z.input<typeof ChatParams>;

export const ChatResult = z.object({ requestId: z.string(), text: z.string(), stats: GenerationStats });
export type ChatResult = z.infer<typeof ChatResult>;

/** Finished generations over a recent window: what relays and chats actually experienced. */
export const InferenceMetrics = z.object({
  time: z.number().describe("epoch milliseconds"),
  windowSeconds: z.number(),
  requests: z.number().int(),
  /** Time to first token, queue wait included (what a gateway waits for). */
  ttftMs: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }),
  /** Decode speed of one request. */
  tokensPerSecondPerRequest: z.object({ p50: z.number().nullable() }),
  /** Tokens generated in the window, all requests together. */
  completionTokens: z.number().int(),
  /** Tokens per second generated over the last 10 s, every request together (each spread over its own decode time). */
  tokensPerSecond: z.number(),
});
export type InferenceMetrics = z.infer<typeof InferenceMetrics>;

export const inferenceMethods = {
  "inference.status": method(z.object({}).strict(), InferenceStatus, "What the inference engine is doing now"),
  "inference.load": method(
    LoadParams,
    InferenceStatus,
    "Load a GGUF model (replacing the current one) and start serving it",
  ),
  "inference.unload": method(z.object({}).strict(), InferenceStatus, "Unload the model and free its memory"),
  "inference.chat": method(
    ChatParams,
    ChatResult,
    "Chat with the loaded model; tokens stream as inference.token events with the same requestId",
  ),
  "inference.metrics": method(
    z.object({}).strict(),
    InferenceMetrics,
    "Time to first token (p50/p95) and tokens/s over the last few minutes of finished requests",
  ),
  "inference.cancel": method(
    z.object({ requestId: RequestId }).strict(),
    z.object({ cancelled: z.boolean() }),
    "Stop a running chat request",
  ),
};

export const inferenceEvents = {
  "inference.status": InferenceStatus,
  "inference.token": z.object({ requestId: z.string(), delta: z.string() }),
};
