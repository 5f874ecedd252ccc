/** Speed over the last few seconds (not since the start, so a stall or a faster gateway shows quickly). */
const WINDOW_MS = 5_000;

export interface ProgressFigures {
  bytesDone: number;
  bytesTotal: number | null;
  bytesPerSecond: number;
  /** Seconds left at the current speed; null while the total or the speed is unknown. */
  etaSeconds: number | null;
}

export class ProgressMeter {
  private done = 0;
  private total: number | null = null;
  private readonly samples: Array<{ at: number; done: number }> = [];

  constructor(private readonly now: () => number) {}

  /** Bytes already present when this session started (resume): counted as done, not as speed. */
  setBaseline(bytesDone: number, bytesTotal: number | null): void {
    this.done = bytesDone;
    this.total = bytesTotal;
    this.samples.length = 0;
    this.samples.push({ at: this.now(), done: bytesDone });
  }

  setTotal(bytesTotal: number | null): void {
    this.total = bytesTotal;
  }

  add(bytes: number): void {
    this.done += bytes;
    const at = this.now();
    this.samples.push({ at, done: this.done });
    while (this.samples.length > 2 && at - this.samples[0].at > WINDOW_MS) this.samples.shift();
  }

  figures(): ProgressFigures {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const elapsed = first && last ? last.at - first.at : 0;
    const bytesPerSecond = elapsed > 0 ? ((last.done - first.done) * 1000) / elapsed : 0;
    const remaining = this.total === null ? null : Math.max(0, this.total - this.done);
    return {
      bytesDone: this.done,
      bytesTotal: this.total,
      bytesPerSecond: Math.round(bytesPerSecond),
      etaSeconds: remaining !== null && bytesPerSecond > 0 ? Math.ceil(remaining / bytesPerSecond) : null,
    };
  }
}
