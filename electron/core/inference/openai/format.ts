import type { GenerationStats } from "../../../../shared/api/index.js";

// Response objects in the exact shapes of OpenAI's API reference, so any OpenAI client library parses them.

export type OpenAiFinishReason = "stop" | "length";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Identity shared by every object of one response (the whole response, or each chunk of its stream). */
export interface ResponseIdentity {
  id: string;
  created: number;
  model: string;
}

export function usageOf(stats: GenerationStats): Usage {
  return {
    prompt_tokens: stats.promptTokens,
    completion_tokens: stats.completionTokens,
    total_tokens: stats.promptTokens + stats.completionTokens,
  };
}

/** A request stopped on the server's side (cancel) ends like one that met a stop condition. */
export function finishReasonOf(stats: GenerationStats): OpenAiFinishReason {
  return stats.finishReason === "length" ? "length" : "stop";
}

export function chatCompletion(identity: ResponseIdentity, text: string, stats: GenerationStats) {
  return {
    ...identity,
    object: "chat.completion" as const,
    choices: [
      {
        index: 0,
        message: { role: "assistant" as const, content: text, refusal: null },
        logprobs: null,
        finish_reason: finishReasonOf(stats),
      },
    ],
    usage: usageOf(stats),
  };
}

type ChatDelta = { role?: "assistant"; content?: string };

export function chatChunk(
  identity: ResponseIdentity,
  delta: ChatDelta,
  finishReason: OpenAiFinishReason | null,
  includeUsage: boolean,
) {
  return {
    ...identity,
    object: "chat.completion.chunk" as const,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    // With stream_options.include_usage OpenAI puts `usage: null` on every chunk but the last.
    ...(includeUsage ? { usage: null } : {}),
  };
}

export function chatUsageChunk(identity: ResponseIdentity, stats: GenerationStats) {
  return { ...identity, object: "chat.completion.chunk" as const, choices: [], usage: usageOf(stats) };
}

export function textCompletion(identity: ResponseIdentity, text: string, stats: GenerationStats) {
  return {
    ...identity,
    object: "text_completion" as const,
    choices: [{ index: 0, text, logprobs: null, finish_reason: finishReasonOf(stats) }],
    usage: usageOf(stats),
  };
}

export function textChunk(identity: ResponseIdentity, text: string, finishReason: OpenAiFinishReason | null, includeUsage: boolean) {
  return {
    ...identity,
    object: "text_completion" as const,
    choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  };
}

export function textUsageChunk(identity: ResponseIdentity, stats: GenerationStats) {
  return { ...identity, object: "text_completion" as const, choices: [], usage: usageOf(stats) };
}

export function modelObject(id: string, created: number) {
  return { id, object: "model" as const, created, owned_by: "pocketforge" };
}
