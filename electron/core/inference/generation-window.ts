import type { GenerationStats, InferenceMetrics } from "../../../shared/api/inference.js";

interface Sample {
  at: number;
  ttftMs: number | null;
  tokensPerSecond: number | null;
  completionTokens: number;
}

/** The span the live tokens/s figure averages over. */
const RECENT_MS = 10_000;

/** Nearest-rank percentile of an ascending list (null when empty). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/**
 * The last few minutes of finished generations (relays and chats alike), so the dashboard can show time to first
 * token at p50/p95 and the tokens/s the engine really delivers. Bounded in time and in count.
 */
export class GenerationWindow {
  private samples: Sample[] = [];

  constructor(
    readonly windowMs = 5 * 60_000,
    private readonly maxSamples = 10_000,
  ) {}

  record(stats: GenerationStats, at: number): void {
    if (stats.finishReason === "cancelled" && stats.completionTokens === 0) return;
    this.samples.push({ at, ttftMs: stats.timeToFirstTokenMs, tokensPerSecond: stats.tokensPerSecond, completionTokens: stats.completionTokens });
    if (this.samples.length > this.maxSamples) this.samples.splice(0, this.samples.length - this.maxSamples);
  }

  snapshot(now: number): InferenceMetrics {
    this.samples = this.samples.filter((s) => s.at > now - this.windowMs);
    const ttft = this.samples.map((s) => s.ttftMs).filter((v): v is number => v != null).sort((a, b) => a - b);
    const speeds = this.samples.map((s) => s.tokensPerSecond).filter((v): v is number => v != null).sort((a, b) => a - b);
    const tokens = this.samples.reduce((sum, s) => sum + s.completionTokens, 0);
    // A request's tokens came out over its decode time (tokens ÷ its speed) before it finished: count the part of
    // that interval inside the last RECENT_MS, so one long reply does not show as a spike when it ends.
    let recentTokens = 0;
    for (const s of this.samples) {
      const decodeMs = s.tokensPerSecond && s.tokensPerSecond > 0 ? (s.completionTokens / s.tokensPerSecond) * 1000 : 0;
      const start = s.at - decodeMs;
      const overlap = Math.min(s.at, now) - Math.max(start, now - RECENT_MS);
      if (decodeMs === 0) recentTokens += s.at > now - RECENT_MS ? s.completionTokens : 0;
      else if (overlap > 0) recentTokens += (s.completionTokens * overlap) / decodeMs;
    }
    return {
      time: now,
      windowSeconds: this.windowMs / 1000,
      requests: this.samples.length,
      ttftMs: { p50: percentile(ttft, 50), p95: percentile(ttft, 95) },
      tokensPerSecondPerRequest: { p50: percentile(speeds, 50) },
      completionTokens: tokens,
      tokensPerSecond: recentTokens / (RECENT_MS / 1000),
    };
  }
}
