// The application's events in a stream's joined body (docs/protocol.md §12.9). Batch boundaries follow lines, not
// events (an event's blank separator usually travels with the next batch), so both parsers keep their state from
// one piece of body to the next: server-sent events as the WHATWG EventSource parser reads them, and NDJSON lines.
import { NDJSON_MEDIA_TYPE, type StreamMediaType } from "./media-type.js";

/** One server-sent event (type "message" unless an `event:` field names it), or one NDJSON line (type "line"). */
export interface StreamEvent {
  type: string;
  data: string;
  id?: string;
}

export interface StreamEventParser {
  /** The events completed by this piece of body. */
  push(bytes: Uint8Array): StreamEvent[];
  /** The events the end of the body completes (an NDJSON line without newline; an SSE event without blank line is dropped, as EventSource drops it). */
  finish(): StreamEvent[];
}

/** Cuts text into lines at "\r\n", "\n" or "\r", across pieces (a "\r" at the end of one piece may pair with a "\n"). */
class LineReader {
  private readonly decoder = new TextDecoder("utf-8");
  private partial = "";
  private afterCr = false;

  lines(bytes: Uint8Array, final = false): string[] {
    let text = this.decoder.decode(bytes, { stream: !final });
    if (this.afterCr && text.startsWith("\n")) text = text.slice(1);
    this.afterCr = false;
    const out: string[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text.charCodeAt(i);
      if (char !== 0x0a && char !== 0x0d) continue;
      out.push(this.partial + text.slice(start, i));
      this.partial = "";
      if (char === 0x0d) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 0x0a) i++;
        } else {
          this.afterCr = true;
        }
      }
      start = i + 1;
    }
    this.partial += text.slice(start);
    if (final && this.partial !== "") {
      out.push(this.partial);
      this.partial = "";
    }
    return out;
  }
}

/** text/event-stream (WHATWG HTML "Interpreting an event stream"). */
export class SseParser implements StreamEventParser {
  private readonly reader = new LineReader();
  private data: string[] = [];
  private type = "";
  private id: string | undefined;

  push(bytes: Uint8Array): StreamEvent[] {
    return this.consume(this.reader.lines(bytes));
  }

  finish(): StreamEvent[] {
    // An event needs its blank line; what is left without one is discarded.
    this.consume(this.reader.lines(new Uint8Array(0), true));
    return [];
  }

  private consume(lines: string[]): StreamEvent[] {
    const events: StreamEvent[] = [];
    for (const line of lines) {
      if (line === "") {
        if (this.data.length > 0) events.push({ type: this.type || "message", data: this.data.join("\n"), ...(this.id !== undefined ? { id: this.id } : {}) });
        this.data = [];
        this.type = "";
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (name === "data") this.data.push(value);
      else if (name === "event") this.type = value;
      else if (name === "id" && !value.includes("\0")) this.id = value;
    }
    return events;
  }
}

/** application/x-ndjson: one JSON text per line; blank lines are skipped. */
export class NdjsonParser implements StreamEventParser {
  private readonly reader = new LineReader();

  push(bytes: Uint8Array): StreamEvent[] {
    return NdjsonParser.events(this.reader.lines(bytes));
  }

  finish(): StreamEvent[] {
    return NdjsonParser.events(this.reader.lines(new Uint8Array(0), true));
  }

  private static events(lines: string[]): StreamEvent[] {
    return lines.filter((line) => line.trim() !== "").map((data) => ({ type: "line", data }));
  }
}

export function streamEventParser(mediaType: StreamMediaType): StreamEventParser {
  return mediaType === NDJSON_MEDIA_TYPE ? new NdjsonParser() : new SseParser();
}
