// Token counts of an OpenAI-compatible reply, for the dashboard's tokens/s and the ledger: the `usage` object of
// a JSON completion, or of the last SSE chunk that carries one (streams answered whole, docs/protocol.md §3.3).

export interface TokenUsage {
  promptTokens: number | null;
  completionTokens: number | null;
}

const MAX_PARSED_BYTES = 4 * 1024 * 1024;
const decoder = new TextDecoder();

function usageFrom(value: unknown): TokenUsage | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const usage = (value as { usage?: unknown }).usage;
  if (typeof usage !== "object" || usage === null) return undefined;
  const { prompt_tokens: prompt, completion_tokens: completion } = usage as Record<string, unknown>;
  const count = (n: unknown) => (typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : null);
  return { promptTokens: count(prompt), completionTokens: count(completion) };
}

export function tokenUsage(headers: ReadonlyMap<string, readonly string[]>, body: Uint8Array): TokenUsage | undefined {
  if (body.length === 0 || body.length > MAX_PARSED_BYTES) return undefined;
  const contentType = (headers.get("Content-Type")?.[0] ?? "").toLowerCase();
  try {
    if (contentType.includes("json")) return usageFrom(JSON.parse(decoder.decode(body)));
    if (contentType.includes("text/event-stream")) {
      const events = decoder.decode(body).split("\n\n");
      for (let i = events.length - 1; i >= 0; i--) {
        const data = events[i].trim();
        if (!data.startsWith("data:") || !data.includes('"usage"')) continue;
        const usage = usageFrom(JSON.parse(data.slice(5)));
        if (usage !== undefined) return usage;
      }
    }
  } catch {
    // Not the JSON it claimed to be: no token counts, the relay is still served as is.
  }
  return undefined;
}
