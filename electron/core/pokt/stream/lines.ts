// The miner's side of a stream's body (docs/protocol.md §12.5): lines as Go's bufio.Scanner with ScanLines and a
// 256 KiB buffer cuts them (one trailing "\r" dropped, "\n" re-appended, blank lines kept, a last unterminated
// line completed), and the batches they are sent in (100 ms since the previous flush, 100 KiB or 100 lines).

/** Longest line pocket-relay-miner's scanner accepts, counting a "\r" before the "\n" and not the "\n". */
export const STREAM_MAX_LINE_BYTES = 256 * 1024 - 1;
/** A batch is sent once this long has passed since the previous one (or since the stream began). */
export const STREAM_BATCH_MAX_AGE_MS = 100;
/** … or once it holds this many bytes, */
export const STREAM_BATCH_MAX_BYTES = 100 * 1024;
/** … or this many lines. */
export const STREAM_BATCH_MAX_LINES = 100;

const LF = 0x0a;
const CR = 0x0d;

/** A line longer than STREAM_MAX_LINE_BYTES: the stream ends there and is not mined. */
export class StreamLineTooLongError extends Error {
  override readonly name = "StreamLineTooLongError";
  constructor(readonly length: number) {
    super(`a line of the stream is longer than ${STREAM_MAX_LINE_BYTES} bytes (bufio.Scanner: token too long)`);
  }
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A finished line: the content without one trailing "\r", then "\n". */
function completeLine(parts: readonly Uint8Array[], size: number): Uint8Array {
  const raw = concat(parts, size);
  const length = raw.length > 0 && raw[raw.length - 1] === CR ? raw.length - 1 : raw.length;
  const line = new Uint8Array(length + 1);
  line.set(raw.subarray(0, length));
  line[length] = LF;
  return line;
}

/**
 * Cuts a body that arrives in arbitrary chunks into the lines the Go miner would send. Like Go's scanner, it hands
 * out every complete line before an over-long one, then stops: `tooLong` says so, and nothing more comes out.
 */
export class StreamLineSplitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private failure: StreamLineTooLongError | undefined;

  /** Set once a line passed STREAM_MAX_LINE_BYTES (Go fails as soon as its buffer is full). */
  get tooLong(): StreamLineTooLongError | undefined {
    return this.failure;
  }

  /** The lines completed by `chunk`, each ending in "\n". Bytes after the last newline wait for the next chunk. */
  push(chunk: Uint8Array): Uint8Array[] {
    const lines: Uint8Array[] = [];
    if (this.failure) return lines;
    let start = 0;
    for (let newline = chunk.indexOf(LF); newline >= 0; newline = chunk.indexOf(LF, start)) {
      const piece = chunk.subarray(start, newline);
      const size = this.pendingBytes + piece.length;
      if (size > STREAM_MAX_LINE_BYTES) return this.fail(lines, size);
      lines.push(completeLine([...this.pending, piece], size));
      this.pending = [];
      this.pendingBytes = 0;
      start = newline + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.slice(start);
      this.pending.push(rest);
      this.pendingBytes += rest.length;
      if (this.pendingBytes > STREAM_MAX_LINE_BYTES) return this.fail(lines, this.pendingBytes);
    }
    return lines;
  }

  /** The last line when the body did not end with a newline (completed with one), else undefined. */
  finish(): Uint8Array | undefined {
    if (this.failure || this.pendingBytes === 0) return undefined;
    const line = completeLine(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }

  private fail(lines: Uint8Array[], length: number): Uint8Array[] {
    this.failure = new StreamLineTooLongError(length);
    this.pending = [];
    this.pendingBytes = 0;
    return lines;
  }
}

/** The lines waiting to be sent as one batch. */
export class StreamBatch {
  private lines: Uint8Array[] = [];
  private size = 0;

  get lineCount(): number {
    return this.lines.length;
  }

  get byteCount(): number {
    return this.size;
  }

  get isEmpty(): boolean {
    return this.lines.length === 0;
  }

  add(line: Uint8Array): void {
    this.lines.push(line);
    this.size += line.length;
  }

  /**
   * pocket-relay-miner's shouldFlushBatch, checked after each line: never when empty; otherwise when
   * `msSinceLastFlush` (since the previous batch was sent, or the stream began) reached 100 ms, or the batch holds
   * 100 KiB or 100 lines.
   */
  isDue(msSinceLastFlush: number): boolean {
    if (this.isEmpty) return false;
    return msSinceLastFlush >= STREAM_BATCH_MAX_AGE_MS || this.size >= STREAM_BATCH_MAX_BYTES || this.lines.length >= STREAM_BATCH_MAX_LINES;
  }

  /** The batch's lines joined, and an empty batch left behind. */
  take(): Uint8Array {
    const body = concat(this.lines, this.size);
    this.lines = [];
    this.size = 0;
    return body;
  }
}
