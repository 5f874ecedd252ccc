import { formatBytes, formatDuration } from "../../../shared/format.js";

/** Renderer-side display helpers; every result carries its unit, and unknown values read "—". */

export function formatRate(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond == null || !Number.isFinite(bytesPerSecond)) return "—";
  return `${formatBytes(bytesPerSecond)}/s`;
}

export function formatEta(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return "—";
  return formatDuration(seconds * 1000);
}

export function formatTokensPerSecond(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return "—";
  return `${value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(1)} tokens/s`;
}

/** Parameter counts as people say them: 0.5B, 8B, 70B, 260K. */
export function formatParameters(count: number): string {
  if (count >= 1e9) return `${trim(count / 1e9)}B`;
  if (count >= 1e6) return `${trim(count / 1e6)}M`;
  if (count >= 1e3) return `${trim(count / 1e3)}K`;
  return String(count);
}

function trim(value: number): string {
  return value >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
}

/** "12 s ago", "5 min ago", "3 h ago", else the date. `now` is a parameter so tests are deterministic. */
export function formatAgo(time: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - time) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(time).toISOString().slice(0, 10);
}

/** Shortens a bech32 address for tight spots (tables); the full address is always one click away. */
export function shortAddress(address: string): string {
  return address.length <= 20 ? address : `${address.slice(0, 10)}…${address.slice(-6)}`;
}

/** Durations that can run to months (a fee runway, an unbonding period): days beyond two days, "over a year" beyond that. */
export function formatLongDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return "—";
  const hours = ms / 3_600_000;
  if (hours < 48) return formatDuration(ms);
  const days = hours / 24;
  return days < 365 ? `${Math.round(days)} days` : "over a year";
}

/** How long something lasts, as a person says it: "about 5 days", "about 3 h", "more than a year". */
export function formatTimeLeft(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return "—";
  return ms >= 365 * 86_400_000 ? "more than a year" : `about ${formatLongDuration(ms)}`;
}

/** Big counts in a small box: 1,234 then 12.3K, 4.5M. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return "∞";
  if (Math.abs(value) < 10_000) return Math.round(value).toLocaleString("en-US");
  return new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(value);
}
