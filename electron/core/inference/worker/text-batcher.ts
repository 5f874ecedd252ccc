/**
 * Gathers streamed text into fewer, larger messages. A small model on a fast machine makes a token every
 * millisecond; one IPC message (and one HTTP chunk) per token would cost more than the generation itself. The
 * first piece goes out at once (time to first token is unchanged), later ones at most every `intervalMs`, and a
 * slow model's tokens still go out one by one as they arrive.
 */
export class TextBatcher {
  private pending = "";
  private lastFlush = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deliver: (text: string) => void,
    private readonly intervalMs: number,
  ) {}

  push(delta: string): void {
    this.pending += delta;
    const sinceFlush = performance.now() - this.lastFlush;
    if (sinceFlush >= this.intervalMs) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.intervalMs - sinceFlush);
  }

  /** Delivers whatever is held back; call before announcing the end of the stream. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending) return;
    const text = this.pending;
    this.pending = "";
    this.lastFlush = performance.now();
    this.deliver(text);
  }
}
