import { z } from "zod";
import { method } from "./define.js";

/**
 * The relay miner's and the earnings' share of the API. upokt amounts are decimal strings (bigint-safe), heights
 * are numbers (safe far beyond any chain's lifetime).
 */

const Upokt = z.string().regex(/^-?\d+$/, "an integer amount of upokt");

export const MinerState = z.enum(["stopped", "starting", "running", "paused", "stopping", "error"]);
export type MinerState = z.infer<typeof MinerState>;

export const SessionStage = z.enum(["open", "claimed", "proven", "settled", "expired", "slashed", "skipped", "unclaimed", "empty"]);
export type SessionStage = z.infer<typeof SessionStage>;

export const MinerSession = z.object({
  sessionId: z.string(),
  serviceId: z.string(),
  applicationAddress: z.string(),
  operatorAddress: z.string(),
  startHeight: z.number().int(),
  endHeight: z.number().int(),
  claimOpenHeight: z.number().int(),
  proofCloseHeight: z.number().int(),
  /** 0..1: how far the chain is through the session's blocks. */
  progress: z.number().min(0).max(1),
  minedRelays: z.number().int(),
  computeUnits: z.string(),
  stage: SessionStage,
});
export type MinerSession = z.infer<typeof MinerSession>;

export const MinerStatus = z.object({
  state: MinerState,
  /** Why the miner is in `error` (or what it is waiting for). */
  message: z.string().nullable(),
  /** Where gateways send relays, e.g. http://127.0.0.1:8642 */
  listenUrl: z.string().nullable(),
  /** Prometheus endpoint, e.g. http://127.0.0.1:9464/metrics */
  metricsUrl: z.string().nullable(),
  operatorAddress: z.string().nullable(),
  services: z.array(z.object({ serviceId: z.string(), backend: z.string() })),
  height: z.number().int().nullable(),
  startedAt: z.number().nullable().describe("epoch milliseconds"),
  sessions: z.array(MinerSession),
  pendingClaims: z.number().int(),
});
export type MinerStatus = z.infer<typeof MinerStatus>;

export const MinerMetrics = z.object({
  time: z.number().describe("epoch milliseconds"),
  relaysPerMinute: z.number(),
  relaysTotal: z.number().int(),
  minedTotal: z.number().int(),
  errorsPerMinute: z.number(),
  errorsByCode: z.array(z.object({ codespace: z.string(), code: z.number().int(), count: z.number().int() })),
  latencyMs: z.object({ p50: z.number().nullable(), p90: z.number().nullable(), p99: z.number().nullable() }),
  tokensPerSecond: z.number(),
  height: z.number().int().nullable(),
  /** The session the miner serves most recently, with its progress. */
  currentSession: MinerSession.nullable(),
  pendingClaims: z.number().int(),
  earnings: z.object({ settledUpokt: Upokt, pendingUpokt: Upokt }),
});
export type MinerMetrics = z.infer<typeof MinerMetrics>;

export const LostEarnings = z.object({
  outcome: z.enum(["expired", "slashed", "skipped", "unclaimed"]),
  /** e.g. insufficient_balance, unprofitable, proof_missing */
  reason: z.string(),
  sessions: z.number().int(),
  upokt: Upokt,
});

export const DailyEarnings = z.object({
  day: z.string().describe("UTC day, YYYY-MM-DD"),
  settledUpokt: Upokt,
  pendingUpokt: Upokt,
  lostUpokt: Upokt,
  relays: z.number().int(),
});

export const EarningsSummary = z.object({
  settledUpokt: Upokt,
  pendingUpokt: Upokt,
  lostUpokt: Upokt,
  penaltiesUpokt: Upokt,
  settledSessions: z.number().int(),
  pendingSessions: z.number().int(),
  lost: z.array(LostEarnings),
  days: z.array(DailyEarnings),
});
export type EarningsSummary = z.infer<typeof EarningsSummary>;

export const SessionEarnings = z.object({
  sessionId: z.string(),
  serviceId: z.string(),
  applicationAddress: z.string(),
  operatorAddress: z.string(),
  startHeight: z.number().int(),
  endHeight: z.number().int(),
  stage: SessionStage,
  createdAt: z.number().describe("epoch milliseconds of the first relay"),
  relays: z.number().int(),
  minedRelays: z.number().int(),
  computeUnits: z.string(),
  claimStatus: z.string().nullable(),
  proofStatus: z.string().nullable(),
  expectedRewardUpokt: Upokt,
  rewardUpokt: Upokt,
  penaltyUpokt: Upokt,
  reason: z.string().nullable(),
});
export type SessionEarnings = z.infer<typeof SessionEarnings>;

/** One relay as the dashboard's live feed shows it. */
export const MinerRelayEvent = z.object({
  time: z.number(),
  serviceId: z.string(),
  sessionId: z.string(),
  applicationAddress: z.string(),
  latencyMs: z.number(),
  httpStatus: z.number().int().nullable(),
  tokensIn: z.number().int().nullable(),
  tokensOut: z.number().int().nullable(),
  mined: z.boolean(),
  error: z.string().nullable(),
});

export const MinerSessionEvent = z.object({
  sessionId: z.string(),
  serviceId: z.string(),
  stage: SessionStage,
  reason: z.string().nullable(),
});

export const relayMinerMethods = {
  "miner.status": method(z.object({}).strict(), MinerStatus, "What the relay miner is doing: state, addresses, current sessions"),
  "miner.start": method(
    z.object({}).strict(),
    MinerStatus,
    "Start serving relays (the wallet must be unlocked and at least one service configured)",
  ),
  "miner.stop": method(z.object({}).strict(), MinerStatus, "Stop serving relays; sessions already served are still claimed when the miner runs again"),
  "miner.metrics": method(z.object({}).strict(), MinerMetrics, "Relays per minute, mined relays, errors by code, latency, tokens/s, pending claims"),
  "earnings.summary": method(
    z.object({ days: z.number().int().min(1).max(366).default(30) }).strict(),
    EarningsSummary,
    "Settled, pending and lost upokt (with reasons), in total and per day",
  ),
  "earnings.sessions": method(
    z.object({ limit: z.number().int().min(1).max(500).default(50), offset: z.number().int().min(0).default(0) }).strict(),
    z.array(SessionEarnings),
    "Sessions newest first with their relays, claim, proof and outcome",
  ),
  "earnings.exportCsv": method(
    z.object({}).strict(),
    z.object({ filename: z.string(), csv: z.string() }),
    "Every settlement (and loss) as CSV for accounting",
  ),
};

export const relayMinerEvents = {
  "miner.relay": MinerRelayEvent,
  "miner.session": MinerSessionEvent,
  "miner.metrics": MinerMetrics,
  "miner.status": MinerStatus,
};
