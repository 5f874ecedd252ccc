import type { EarningsSummary, SessionEarnings, SessionStage } from "../../../shared/api/index.js";
import { formatUpokt } from "../../../shared/format.js";

/** Earnings over the last `days` UTC days, today included: settled and still pending, in upokt. */
export interface EarningsWindow {
  days: number;
  settledUpokt: bigint;
  pendingUpokt: bigint;
}

/** YYYY-MM-DD of `time` in UTC, the ledger's day boundary. */
export function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export function earningsWindow(summary: EarningsSummary, days: number, now: number): EarningsWindow {
  const first = utcDay(now - (days - 1) * 86_400_000);
  let settled = 0n;
  let pending = 0n;
  for (const day of summary.days) {
    if (day.day < first) continue;
    settled += BigInt(day.settledUpokt);
    pending += BigInt(day.pendingUpokt);
  }
  return { days, settledUpokt: settled, pendingUpokt: pending };
}

/** upokt → POKT as a float, for fiat conversion and charts only (amounts shown in POKT use exact formatting). */
export function upoktToPokt(upokt: bigint | string): number {
  return Number(BigInt(upokt)) / 1_000_000;
}

/** Money in the user's currency, e.g. "12.34 EUR"; small amounts keep enough digits to be non-zero. */
export function formatFiat(amount: number | null, currency: string): string {
  if (amount == null || !Number.isFinite(amount)) return "—";
  const abs = Math.abs(amount);
  const digits = abs === 0 || abs >= 1 ? 2 : abs >= 0.01 ? 3 : 5;
  return `${amount.toFixed(digits)} ${currency}`;
}

/** POKT with at most `digits` decimals for tight stat boxes (formatUpokt is exact but can be long). */
export function formatPoktShort(upokt: bigint | string, digits = 2): string {
  const pokt = upoktToPokt(upokt);
  // Below a thousandth of a POKT, whole upokt read better than a run of zeros.
  if (pokt !== 0 && Math.abs(pokt) < 0.001) return `${BigInt(upokt).toLocaleString("en-US")} upokt`;
  if (pokt !== 0 && Math.abs(pokt) < 10 ** -digits) return formatUpokt(upokt);
  return `${pokt.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: digits })} POKT`;
}

export interface DailySeries {
  /** Seconds since the epoch at each UTC midnight, oldest first, one per day with no gaps. */
  times: number[];
  settled: number[];
  pending: number[];
}

/** The earnings chart's data: every day of the window, zero-filled, in POKT. */
export function dailySeries(summary: EarningsSummary, days: number, now: number): DailySeries {
  const byDay = new Map(summary.days.map((d) => [d.day, d]));
  const out: DailySeries = { times: [], settled: [], pending: [] };
  for (let i = days - 1; i >= 0; i--) {
    const day = utcDay(now - i * 86_400_000);
    const entry = byDay.get(day);
    out.times.push(Date.parse(`${day}T00:00:00Z`) / 1000);
    out.settled.push(entry ? upoktToPokt(entry.settledUpokt) : 0);
    out.pending.push(entry ? upoktToPokt(entry.pendingUpokt) : 0);
  }
  return out;
}

export interface StageView {
  label: string;
  tone: "neutral" | "info" | "ok" | "warn" | "error" | "accent";
  /** Where the session is in its life, as one sentence. */
  meaning: string;
}

const STAGES: Record<SessionStage, StageView> = {
  open: { label: "pending", tone: "info", meaning: "Serving relays, or waiting for the claim window." },
  claimed: { label: "claimed", tone: "accent", meaning: "The claim is on chain; a proof follows if the chain asks for one." },
  proven: { label: "proven", tone: "accent", meaning: "The proof is on chain; the reward arrives at settlement." },
  settled: { label: "settled", tone: "ok", meaning: "Paid: the reward is in the owner's balance." },
  expired: { label: "expired", tone: "warn", meaning: "A window was missed, so nothing was paid." },
  slashed: { label: "penalised", tone: "error", meaning: "A required proof was missing: part of the stake was taken." },
  skipped: { label: "skipped", tone: "warn", meaning: "Not claimed on purpose." },
  unclaimed: { label: "unclaimed", tone: "warn", meaning: "The claim could not be submitted in time." },
  empty: { label: "no relays", tone: "neutral", meaning: "No relays were mined in this session." },
};

export function stageView(stage: SessionStage): StageView {
  return STAGES[stage];
}

/** The reason a person reads in the sessions table: the engine's, made readable, or the stage's meaning. */
export function sessionReason(session: Pick<SessionEarnings, "stage" | "reason">): string {
  if (!session.reason) return stageView(session.stage).meaning;
  const colon = session.reason.indexOf(":");
  const category = colon === -1 ? session.reason : session.reason.slice(0, colon);
  const detail = colon === -1 ? "" : session.reason.slice(colon + 1).trim();
  const words = category.replace(/_/g, " ");
  return detail ? `${words.charAt(0).toUpperCase()}${words.slice(1)}: ${detail}` : `${words.charAt(0).toUpperCase()}${words.slice(1)}.`;
}

export interface EarningRate {
  /** POKT per day (settled + pending) at the pace of the covered period. */
  poktPerDay: number;
  /** How much time the rate is based on, in ms (up to 7 days). */
  coveredMs: number;
}

const WEEK_MS = 7 * 86_400_000;
/** Below this, a rate would extrapolate a few relays into a day's income: too noisy to show. */
export const MIN_RATE_COVERAGE_MS = 3_600_000;

/**
 * The earning pace the profit figures use: the last 7 days' earnings over the time actually served in them (since the
 * first relay, when that is more recent), so a machine that started an hour ago is not averaged over a week.
 * Null until an hour of serving has been recorded.
 */
export function earningRate(summary: EarningsSummary, sessions: SessionEarnings[], now: number): EarningRate | null {
  const first = sessions.reduce((min, s) => Math.min(min, s.createdAt), Number.POSITIVE_INFINITY);
  if (!Number.isFinite(first)) return null;
  const coveredMs = Math.min(WEEK_MS, now - first);
  if (coveredMs < MIN_RATE_COVERAGE_MS) return null;
  const week = earningsWindow(summary, 7, now);
  return { poktPerDay: (upoktToPokt(week.settledUpokt + week.pendingUpokt) * 86_400_000) / coveredMs, coveredMs };
}
