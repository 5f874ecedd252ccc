/** Peers tracked at once; beyond this the least recently seen are forgotten (each forgotten peer starts full). */
const MAX_TRACKED_PEERS = 4096;

/**
 * Requests per second per peer (a token bucket as deep as one second's worth): a peer may burst, then is held to the
 * rate; over it, requests are refused (429) rather than queued, so a flood costs the gateway almost nothing.
 */
export class RequestLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  admit(peer: string): boolean {
    const now = this.now();
    let bucket = this.buckets.get(peer);
    if (bucket) this.buckets.delete(peer);
    else {
      bucket = { tokens: this.perSecond, at: now };
      if (this.buckets.size >= MAX_TRACKED_PEERS) this.buckets.delete(this.buckets.keys().next().value!);
    }
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    // Re-inserted so the map's order is least recently seen first.
    this.buckets.set(peer, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

/**
 * The upload cap over all peers: each write takes its bytes from a bucket refilled at `bytesPerSecond` (one second
 * deep); a write that overdraws it waits until the debt is paid, so concurrent responses share the cap in turn.
 */
export class ByteThrottle {
  private tokens: number;
  private at: number;
  private readonly timers = new Map<NodeJS.Timeout, () => void>();

  constructor(
    private readonly bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = bytesPerSecond;
    this.at = now();
  }

  take(bytes: number): Promise<void> | undefined {
    const now = this.now();
    this.tokens = Math.min(this.bytesPerSecond, this.tokens + ((now - this.at) / 1000) * this.bytesPerSecond);
    this.at = now;
    this.tokens -= bytes;
    if (this.tokens >= 0) return undefined;
    const waitMs = (-this.tokens / this.bytesPerSecond) * 1000;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, waitMs);
      timer.unref();
      this.timers.set(timer, resolve);
    });
  }

  /** Lets every waiting write go (the gateway is closing and its connections with it). */
  dispose(): void {
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
  }
}
