// Token counts of an OpenAI-compatible reply, for the dashboard's tokens/s and the ledger: the `usage` object of
// a JSON completion, or of the last SSE chunk that carries one; StreamUsage reads them from a streamed relay as it passes.

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

const USAGE_KEY = Buffer.from('"usage"');
const EVAL_COUNT_KEY = Buffer.from('"eval_count"');

const isBlank = (byte: number | undefined) => byte === 0x20 || byte === 0x09;

/** Whether `"usage"` in `line` is followed by an object (OpenAI puts `"usage":null` on every chunk but the last). */
function hasUsageObject(line: Buffer): boolean {
  for (let at = line.indexOf(USAGE_KEY); at >= 0; at = line.indexOf(USAGE_KEY, at + 1)) {
    let i = at + USAGE_KEY.length;
    while (isBlank(line[i])) i++;
    if (line[i] !== 0x3a) continue; // ':'
    i++;
    while (isBlank(line[i])) i++;
    if (line[i] === 0x7b) return true; // '{'
  }
  return false;
}

/**
 * Token counts of a streamed reply (docs/protocol.md §12), read line by line as the stream passes, so nothing is kept
 * of the body: the last `usage` object of an OpenAI-style stream (SSE `data:` lines, or NDJSON lines), or Ollama's
 * `prompt_eval_count` / `eval_count` in its final NDJSON line.
 */
export class StreamUsage {
  private found: TokenUsage | undefined;

  constructor(private readonly mediaType: "text/event-stream" | "application/x-ndjson") {}

  get usage(): TokenUsage | undefined {
    return this.found;
  }

  /** One line of the stream, with its newline. */
  line(line: Uint8Array): void {
    const bytes = Buffer.from(line.buffer, line.byteOffset, line.length);
    const usage = hasUsageObject(bytes);
    const ollama = !usage && this.mediaType === "application/x-ndjson" && bytes.includes(EVAL_COUNT_KEY);
    if (!usage && !ollama) return;
    let text = decoder.decode(line).trim();
    if (this.mediaType === "text/event-stream") {
      if (!text.startsWith("data:")) return;
      text = text.slice(5);
    }
    try {
      const value: unknown = JSON.parse(text);
      const counted = usage ? usageFrom(value) : ollamaUsage(value);
      if (counted !== undefined) this.found = counted;
    } catch {
      // A line that is not the JSON it looks like carries no counts.
    }
  }
}

function ollamaUsage(value: unknown): TokenUsage | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { prompt_eval_count: prompt, eval_count: completion } = value as Record<string, unknown>;
  const count = (n: unknown) => (typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : null);
  if (count(prompt) === null && count(completion) === null) return undefined;
  return { promptTokens: count(prompt), completionTokens: count(completion) };
}
