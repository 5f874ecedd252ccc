import { z } from "zod";

// Request bodies as OpenAI documents them. Fields this engine does not use are accepted and ignored, as other
// OpenAI-compatible servers do, so existing clients work unchanged; fields whose meaning cannot be honoured
// (several choices, non-text content, tool messages) are refused rather than silently answered differently.

const Stop = z.union([z.string(), z.array(z.string()).max(4, "at most 4 stop sequences")]).nullish();

const TextPart = z.object({ type: z.literal("text"), text: z.string() });

const Message = z.object({
  role: z.enum(["system", "developer", "user", "assistant"], {
    error: "supported roles are system, developer, user and assistant",
  }),
  content: z.union([z.string(), z.array(TextPart, { error: "only text content parts are supported" }), z.null()]).optional(),
});
export type OpenAiMessage = z.infer<typeof Message>;

const Sampling = {
  model: z.string({ error: "model is required" }).min(1, "model is required"),
  max_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: Stop,
  seed: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.literal(1, { error: "only n=1 is supported" }).nullish(),
};

export const ChatCompletionBody = z.object({
  ...Sampling,
  messages: z.array(Message).min(1, "messages must hold at least one message"),
  max_completion_tokens: z.number().int().min(1).nullish(),
});
export type ChatCompletionBody = z.infer<typeof ChatCompletionBody>;

export const CompletionBody = z.object({
  ...Sampling,
  prompt: z.union([z.string(), z.array(z.string()).length(1, "only one prompt per request is supported")], {
    error: "prompt must be a string (token arrays are not supported)",
  }),
  echo: z.boolean().nullish(),
});
export type CompletionBody = z.infer<typeof CompletionBody>;

/** OpenAI's documented default for the legacy completions endpoint. */
export const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;
/** OpenAI's documented default sampling temperature. */
export const DEFAULT_TEMPERATURE = 1;

export function stopSequences(stop: string | string[] | null | undefined): string[] | undefined {
  if (stop == null) return undefined;
  const list = (Array.isArray(stop) ? stop : [stop]).filter((s) => s.length > 0);
  return list.length ? list : undefined;
}

/** OpenAI seeds are 64-bit integers; llama.cpp's sampler takes 32 bits, so the seed is folded into that range. */
export function samplerSeed(seed: number | null | undefined): number | undefined {
  if (seed == null) return undefined;
  return Number(BigInt.asUintN(32, BigInt(seed)));
}
