// An OpenAI-compatible completion read from a stream's events (docs/protocol.md §12.9): the text of each chunk, the
// usage chunk, the end marker (`data: [DONE]` for SSE, `"done": true` for Ollama's NDJSON) and an error chunk. A
// stream is complete only with its end marker: the relay's framing cannot tell a finished stream from a cut one.
import { NDJSON_MEDIA_TYPE, type StreamEvent, type StreamMediaType } from "../../pokt/stream/index.js";

export interface CompletionUsage {
  promptTokens: number | null;
  completionTokens: number | null;
}

const count = (n: unknown) => (typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : null);

export class CompletionStream {
  text = "";
  /** Chunks that carried text. */
  textChunks = 0;
  usage: CompletionUsage | undefined;
  done = false;
  /** The message of an error chunk (OpenAI ends a stream that failed part-way with one). */
  error: string | undefined;

  constructor(private readonly mediaType: StreamMediaType) {}

  /** Reads one event; true when it carried text. */
  event(event: StreamEvent): boolean {
    if (this.mediaType !== NDJSON_MEDIA_TYPE && event.data === "[DONE]") {
      this.done = true;
      return false;
    }
    let chunk: Record<string, any>;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      return false;
    }
    if (typeof chunk !== "object" || chunk === null) return false;
    if (chunk.error !== undefined && chunk.error !== null) {
      this.error = typeof chunk.error?.message === "string" ? chunk.error.message : JSON.stringify(chunk.error);
    }
    if (typeof chunk.usage === "object" && chunk.usage !== null) {
      this.usage = { promptTokens: count(chunk.usage.prompt_tokens), completionTokens: count(chunk.usage.completion_tokens) };
    }
    let piece = "";
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (typeof choice?.delta?.content === "string") piece = choice.delta.content;
    else if (typeof choice?.text === "string") piece = choice.text;
    // Ollama: {"message":{"content":…}} or {"response":…}, and a last line with "done": true and its counts.
    else if (typeof chunk.message?.content === "string") piece = chunk.message.content;
    else if (typeof chunk.response === "string") piece = chunk.response;
    if (this.mediaType === NDJSON_MEDIA_TYPE && chunk.done === true) {
      this.done = true;
      if (chunk.eval_count !== undefined) this.usage = { promptTokens: count(chunk.prompt_eval_count), completionTokens: count(chunk.eval_count) };
    }
    if (piece === "") return false;
    this.text += piece;
    this.textChunks += 1;
    return true;
  }
}
