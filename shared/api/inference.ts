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

export const inferenceMethods = {
  "inference.status": method(z.object({}).strict(), InferenceStatus, "What the inference engine is doing now"),
  "inference.load": method(
    z.object({
      modelPath: z.string().min(1, "choose a .gguf file"),
      contextSize: z.number().int().min(256).max(1_048_576).optional(),
      parallelSequences: z.number().int().min(1).max(64).optional(),
      gpuLayers: z.union([z.literal("auto"), z.number().int().min(0)]).optional(),
    }).strict(),
    InferenceStatus,
    "Load a GGUF model (replacing the current one) and start serving it",
  ),
  "inference.unload": method(z.object({}).strict(), InferenceStatus, "Unload the model and free its memory"),
  "inference.chat": method(
    z.object({
      requestId: RequestId,
      messages: z.array(ChatMessage).min(1, "send at least one message"),
      maxTokens: z.number().int().min(1).max(8192).default(256),
      temperature: z.number().min(0).max(2).default(0.7),
    }).strict(),
    z.object({ requestId: z.string(), text: z.string(), stats: GenerationStats }),
    "Chat with the loaded model; tokens stream as inference.token events with the same requestId",
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
