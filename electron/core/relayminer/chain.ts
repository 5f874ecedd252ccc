// What the relay miner needs from the chain, as small interfaces: the relay path reads sessions, params,
// applications and keys (cached, see chain-cache.ts); the claim/proof scheduler reads block hashes and
// params, submits claims and proofs, and learns how its claims settled. chain-adapter.ts implements them
// with the cosmjs ChainClient; tests implement them in memory.
import type { Application } from "../pokt/proto/application.js";
import type { Params as ProofParams } from "../pokt/proto/proof.js";
import type { Session, SessionHeader } from "../pokt/proto/session.js";
import type { Params as SharedParams } from "../pokt/proto/shared.js";
import type { Params as TokenomicsParams } from "../pokt/proto/tokenomics.js";

/** The chain answered that the session does not exist for this application and service (not a transport error). */
export class SessionNotFoundError extends Error {
  override readonly name = "SessionNotFoundError";
}

export interface RelayChain {
  /** Shared params effective at `height` (ParamsAtHeight; the live params on chains that lack it). */
  sharedParamsAtHeight(height: bigint): Promise<SharedParams>;
  /** GetSession at `height`. @throws SessionNotFoundError when the chain refuses to hydrate it. */
  session(applicationAddress: string, serviceId: string, height: bigint): Promise<Session>;
  application(address: string): Promise<Application | undefined>;
  /** The account's on-chain secp256k1 key; undefined until the account has signed a transaction. */
  publicKey(address: string): Promise<Uint8Array | undefined>;
  /** RelayMiningDifficulty.target_hash of the service at `height` (32 × 0xff when it has none). */
  relayDifficultyTargetAtHeight(serviceId: string, height: bigint): Promise<Uint8Array>;
  computeUnitsPerRelayAtHeight(serviceId: string, height: bigint): Promise<bigint>;
  numSuppliersPerSession(): Promise<bigint>;
}

export interface ClaimToSubmit {
  header: SessionHeader;
  rootHash: Uint8Array;
}

export interface ProofToSubmit {
  header: SessionHeader;
  /** gob-encoded SparseCompactMerkleClosestProof. */
  proof: Uint8Array;
}

export interface TxReceipt {
  txHash: string;
  height: bigint;
}

/** A transaction the chain refused or that did not make it into a block; `retryable` says whether to try again. */
export class SubmissionError extends Error {
  override readonly name = "SubmissionError";
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export type SettlementOutcome =
  | {
      kind: "settled";
      sessionId: string;
      operatorAddress: string;
      /** The claim's value before the application's budget cap. */
      claimedUpokt: bigint;
      /** Burned from the application (after the cap). */
      settledUpokt: bigint;
      /** Paid to the supplier's revenue-share addresses for this claim. */
      rewardUpokt: bigint;
      /** False when the reward is estimated from params because the chain's events were not available. */
      exact: boolean;
    }
  | { kind: "expired"; sessionId: string; operatorAddress: string; reason: string }
  | { kind: "slashed"; sessionId: string; operatorAddress: string; penaltyUpokt: bigint; reason: string };

export interface ClaimChain {
  /** CometBFT header hash of the block at `height`. */
  blockHash(height: bigint): Promise<Uint8Array>;
  proofParams(): Promise<ProofParams>;
  tokenomicsParams(): Promise<TokenomicsParams>;
  balance(address: string): Promise<bigint>;
  /** Fee, in upokt, of a transaction carrying these claims (simulated gas at the network's gas price). */
  estimateClaimFee(operatorAddress: string, claims: readonly ClaimToSubmit[]): Promise<bigint>;
  /** Fee of one proof transaction, excluding the proof module's proof_submission_fee. */
  estimateProofFee(operatorAddress: string): Promise<bigint>;
  /** @throws SubmissionError */
  createClaims(operatorAddress: string, claims: readonly ClaimToSubmit[], timeoutHeight: bigint): Promise<TxReceipt>;
  /** @throws SubmissionError */
  submitProofs(operatorAddress: string, proofs: readonly ProofToSubmit[], timeoutHeight: bigint): Promise<TxReceipt>;
  /** Whether the chain holds a claim for the session by this operator. */
  hasClaim(sessionId: string, operatorAddress: string): Promise<boolean>;
  /**
   * How the claims of `operatorAddress` that settle in the EndBlock of `height` ended, or undefined while the
   * chain cannot tell yet (the block is not final or not reachable).
   */
  settlementOutcomes(height: bigint, operatorAddress: string, sessions: readonly SettlingSession[]): Promise<SettlementOutcome[] | undefined>;
}

/** What the scheduler knows about a claim it waits to see settled (lets an adapter without events estimate). */
export interface SettlingSession {
  header: SessionHeader;
  rootHash: Uint8Array;
  /** Estimated value of the claim at session-start prices. */
  claimedUpokt: bigint;
  proofRequired: boolean;
  proofSubmitted: boolean;
}

export interface FollowedBlock {
  height: bigint;
  hash: Uint8Array;
}

/** New blocks, each delivered once and in order. */
export interface BlockSource {
  latest(): FollowedBlock | undefined;
  onBlock(listener: (block: FollowedBlock) => void): () => void;
}
