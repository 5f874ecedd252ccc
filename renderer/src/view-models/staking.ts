/** Pure rules behind the Stake step and the Staking page: amounts, rev-share, endpoints, unbonding, fee runway. */

export const UPOKT_PER_POKT = 1_000_000n;

/** A POKT amount as typed ("1000", "1,000.5", "0.000001") → upokt; a message when it is not one. */
export function parsePokt(text: string): { upokt: bigint } | { error: string } {
  const cleaned = text.trim().replace(/[,_\s]/g, "");
  const match = /^(\d+)(?:\.(\d{0,6}))?$/.exec(cleaned);
  if (!match) {
    return /^\d*\.\d{7,}$/.test(cleaned) ? { error: "At most 6 decimals (1 upokt = 0.000001 POKT)." } : { error: "Enter an amount such as 1500 or 0.5." };
  }
  const whole = BigInt(match[1]);
  const fraction = BigInt((match[2] ?? "").padEnd(6, "0") || "0");
  return { upokt: whole * UPOKT_PER_POKT + fraction };
}

/** upokt → the plain decimal a person would type back ("1500.25"), without thousands separators. */
export function poktInput(upokt: bigint | string): string {
  const value = BigInt(upokt);
  const whole = value / UPOKT_PER_POKT;
  const fraction = (value % UPOKT_PER_POKT).toString().padStart(6, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

export interface RevShareRow {
  address: string;
  percent: number;
}

/** Shares must be whole percents that add up to exactly 100, one row per address. */
export function revShareProblem(rows: RevShareRow[]): string | null {
  if (rows.length === 0) return "At least one address receives the rewards.";
  if (rows.some((r) => !/^pokt1[02-9ac-hj-np-z]{38,58}$/.test(r.address.trim()))) return "Each share needs a pokt1… address.";
  if (rows.some((r) => !Number.isInteger(r.percent) || r.percent < 1 || r.percent > 100)) return "Each share is a whole percent from 1 to 100.";
  if (new Set(rows.map((r) => r.address.trim())).size !== rows.length) return "An address is listed twice.";
  const total = rows.reduce((sum, r) => sum + r.percent, 0);
  return total === 100 ? null : `The shares add up to ${total} %; they must add up to 100 %.`;
}

/** What a gateway needs from the public endpoint URL; a reason when it cannot work. */
export function endpointProblem(url: string, network: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return "Enter a full URL such as https://relay.example.org or http://203.0.113.7:8642.";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "The URL must start with http:// or https://.";
  if (network !== "localnet" && /^(127\.|localhost$|0\.0\.0\.0$|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(parsed.hostname)) {
    return "This address is only reachable inside your network; gateways on the internet need your public IP or domain.";
  }
  return null;
}

export interface Countdown {
  blocksLeft: number;
  /** Expected time left at the network's block time. */
  msLeft: number;
  done: boolean;
}

export function unbondingCountdown(endHeight: number, height: number, blockTimeMs: number): Countdown {
  const blocksLeft = Math.max(0, endHeight - height);
  return { blocksLeft, msLeft: blocksLeft * blockTimeMs, done: blocksLeft === 0 };
}

export interface FeeRunway {
  /** Sessions the operator balance pays claim and proof fees for. */
  sessions: number;
  /** The same in time, at the current pace of sessions. */
  msLeft: number | null;
  level: "ok" | "warn" | "critical";
}

/** Below this many sessions of fees the dashboard warns; at zero claims are skipped (and their rewards lost). */
export const RUNWAY_WARN_SESSIONS = 20;

export function feeRunway(balanceUpokt: bigint, feePerSessionUpokt: bigint, sessionMs: number | null): FeeRunway {
  const sessions = feePerSessionUpokt > 0n ? Number(balanceUpokt / feePerSessionUpokt) : Number.POSITIVE_INFINITY;
  return {
    sessions,
    msLeft: sessionMs == null || !Number.isFinite(sessions) ? null : sessions * sessionMs,
    level: sessions < 1 ? "critical" : sessions < RUNWAY_WARN_SESSIONS ? "warn" : "ok",
  };
}

/**
 * The rev-share list of an operator-only stake: the owner keeps what the operator's share leaves. 0 % pays the owner
 * alone, 100 % the operator alone (the chain wants 1..100 per entry, summing to 100).
 */
export function operatorOnlyShares(ownerAddress: string, operatorAddress: string, operatorPercent: number): Record<string, number> {
  if (!Number.isInteger(operatorPercent) || operatorPercent < 0 || operatorPercent > 100) throw new RangeError("a whole percent from 0 to 100");
  if (operatorPercent === 0) return { [ownerAddress]: 100 };
  if (operatorPercent === 100) return { [operatorAddress]: 100 };
  return { [ownerAddress]: 100 - operatorPercent, [operatorAddress]: operatorPercent };
}

/** Who holds the stake: this wallet (the operator or another account of it, or a hardware-wallet owner), or someone else. */
export type StakePath = "self" | "operator-only";
