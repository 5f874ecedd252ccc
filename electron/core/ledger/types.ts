/** Where a session stands, from its first relay to its settlement (or the reason it earned nothing). */
export type SessionState =
  /** Serving, or waiting for its claim window. */
  | "open"
  /** Claim on chain; waiting for the proof window. */
  | "claimed"
  /** Proof submitted, or not required; waiting for settlement. */
  | "proven"
  | "settled"
  /** Final without a reward: */
  | "expired"
  | "slashed"
  | "skipped"
  | "unclaimed"
  | "empty";

export const FINAL_SESSION_STATES: readonly SessionState[] = ["settled", "expired", "slashed", "skipped", "unclaimed", "empty"];

export interface SessionRecord {
  treeKey: string;
  sessionId: string;
  operatorAddress: string;
  serviceId: string;
  applicationAddress: string;
  startHeight: bigint;
  endHeight: bigint;
  claimOpenHeight: bigint;
  claimCloseHeight: bigint;
  proofOpenHeight: bigint;
  proofCloseHeight: bigint;
  computeUnitsPerRelay: bigint;
  targetHash: Uint8Array;
  computeUnitsToTokensMultiplier: bigint;
  computeUnitCostGranularity: bigint;
  createdAt: number;
}

export interface StoredSession extends SessionRecord {
  state: SessionState;
  updatedAt: number;
}

/** A relay that passed verification and reached the backend (refused requests are only counted in metrics). */
export interface RelayRecord {
  timeMs: number;
  serviceId: string;
  sessionId: string;
  treeKey: string;
  applicationAddress: string;
  latencyMs: number;
  tokensIn: number | null;
  tokensOut: number | null;
  /** `ok` (backend answered < 500), `backend_error` (≥ 500) or the RelayMinerError label it ended with. */
  status: string;
  httpStatus: number | null;
  error: string | null;
  mined: boolean;
}

export interface MinedRelayRecord {
  treeKey: string;
  relayHash: Uint8Array;
  relayBytes: Uint8Array;
  weight: bigint;
  timeMs: number;
}

export type ClaimStatus = "submitted" | "skipped" | "failed";

export interface ClaimRecord {
  treeKey: string;
  status: ClaimStatus;
  reason: string | null;
  rootHash: Uint8Array | null;
  relays: bigint;
  computeUnits: bigint;
  /** The claim's value at session-start prices (what the application is charged before caps). */
  claimedUpokt: bigint;
  /** What the supplier's revenue-share addresses should receive if it settles. */
  expectedRewardUpokt: bigint;
  txHash: string | null;
  height: bigint | null;
  attempts: number;
}

export type ProofStatus = "submitted" | "not_required" | "failed";

export interface ProofRecord {
  treeKey: string;
  status: ProofStatus;
  required: boolean;
  requirementReason: "NOT_REQUIRED" | "PROBABILISTIC" | "THRESHOLD";
  reason: string | null;
  txHash: string | null;
  height: bigint | null;
  attempts: number;
}

export type SettlementOutcomeKind = "settled" | "expired" | "slashed" | "skipped" | "unclaimed";

export interface SettlementRecord {
  treeKey: string;
  outcome: SettlementOutcomeKind;
  reason: string | null;
  claimedUpokt: bigint;
  settledUpokt: bigint;
  rewardUpokt: bigint;
  penaltyUpokt: bigint;
  /** False when the amounts are estimated from params (no settlement events on this network). */
  exact: boolean;
  height: bigint | null;
  timeMs: number;
}
