// The relay miner's chain interfaces implemented with the cosmjs ChainClient and BlockFollower: queries for the
// relay path, fee estimates and signed claim/proof transactions for the scheduler, and settlement outcomes from
// the settlement block's events where the network allows /block_results (the embedded localnet), estimated from
// params elsewhere.
import type { OfflineDirectSigner } from "@cosmjs/proto-signing";
import { ClaimFeeEstimator } from "../chain/claim-fees.js";
import { ChainTxError, ChainUnavailableError, isNotFoundError, parseQueryFailure } from "../chain/errors.js";
import { DEFAULT_GAS_MULTIPLIER } from "../chain/fees.js";
import type { ChainClient, ChainEvent } from "../chain/client.js";
import type { BlockFollower } from "../chain/block-follower.js";
import { msgs } from "../chain/msgs.js";
import type { Application } from "../pokt/proto/application.js";
import type { Params as ProofParams } from "../pokt/proto/proof.js";
import type { Session } from "../pokt/proto/session.js";
import type { Params as SharedParams } from "../pokt/proto/shared.js";
import type { Params as TokenomicsParams } from "../pokt/proto/tokenomics.js";
import { baseRelayDifficultyTarget, RELAY_HASH_LENGTH } from "../pokt/relay.js";
import { globalMintSettlement, mintEqualsBurnSettlement } from "../pokt/rewards.js";
import {
  SessionNotFoundError,
  SubmissionError,
  type BlockSource,
  type ClaimChain,
  type ClaimToSubmit,
  type FollowedBlock,
  type ProofToSubmit,
  type RelayChain,
  type SettlementOutcome,
  type SettlingSession,
  type TxReceipt,
} from "./chain.js";
import type { RelayMinerMetrics } from "./metrics.js";

/** Times every call into `component` under relayminer_full_node_grpc_call_duration_seconds. */
function timed<T extends object>(target: T, component: string, metrics: RelayMinerMetrics): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await value.apply(object, args);
        } finally {
          metrics.fullNodeCallSeconds.observe([component, String(property)], (performance.now() - started) / 1000);
        }
      };
    },
  });
}

export class ChainRelayQueries implements RelayChain {
  private paramsAtHeightSupported = true;
  private cuprAtHeightSupported = true;

  constructor(private readonly client: ChainClient) {}

  async sharedParamsAtHeight(height: bigint): Promise<SharedParams> {
    if (this.paramsAtHeightSupported) {
      try {
        return await this.client.pocket.sharedParamsAtHeight(height);
      } catch (error) {
        // Chains before v0.1.34 have no ParamsAtHeight: their live params are all there is (docs/protocol.md §1.4).
        if (!isUnknownQuery(error)) throw error;
        this.paramsAtHeightSupported = false;
      }
    }
    return this.client.pocket.sharedParams();
  }

  async session(app: string, serviceId: string, height: bigint): Promise<Session> {
    try {
      return await this.client.pocket.session(app, serviceId, height);
    } catch (error) {
      // The chain answered (an ABCI error): the session does not exist for this app/service/height.
      if (parseQueryFailure(error) !== undefined || isNotFoundError(error)) {
        throw new SessionNotFoundError(`the chain has no session for ${app} / ${serviceId} at height ${height}: ${(error as Error).message}`);
      }
      throw error;
    }
  }

  application(address: string): Promise<Application | undefined> {
    return this.client.pocket.application(address);
  }

  publicKey(address: string): Promise<Uint8Array | undefined> {
    return this.client.publicKey(address);
  }

  async relayDifficultyTargetAtHeight(serviceId: string, height: bigint): Promise<Uint8Array> {
    try {
      const difficulty = await this.client.pocket.relayMiningDifficultyAtHeight(serviceId, height);
      return difficulty.targetHash.length === RELAY_HASH_LENGTH ? difficulty.targetHash : baseRelayDifficultyTarget();
    } catch (error) {
      if (isNotFoundError(error)) return baseRelayDifficultyTarget();
      throw error;
    }
  }

  async computeUnitsPerRelayAtHeight(serviceId: string, height: bigint): Promise<bigint> {
    if (this.cuprAtHeightSupported) {
      try {
        return await this.client.pocket.computeUnitsPerRelayAtHeight(serviceId, height);
      } catch (error) {
        if (!isUnknownQuery(error)) throw error;
        this.cuprAtHeightSupported = false; // before v0.1.35 the live value applies
      }
    }
    const service = await this.client.pocket.service(serviceId);
    if (service === undefined) throw new Error(`service ${serviceId} does not exist`);
    return service.computeUnitsPerRelay;
  }

  async numSuppliersPerSession(): Promise<bigint> {
    return (await this.client.pocket.sessionParams()).numSuppliersPerSession;
  }
}

function isUnknownQuery(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /unknown (query|method)|not implemented|no such route|Unimplemented/i.test(text);
}

export interface ClaimChainOptions {
  client: ChainClient;
  /** The operator's SIGN_MODE_DIRECT signer (the wallet's). */
  signerFor(operatorAddress: string): OfflineDirectSigner;
  /** The gas multiplier applied to simulated gas (default: ChainClient's). */
  gasMultiplier?: number;
}

export class ChainClaimSubmitter implements ClaimChain {
  private readonly gasMultiplier: number;
  private readonly fees: ClaimFeeEstimator;

  constructor(private readonly options: ClaimChainOptions) {
    this.gasMultiplier = options.gasMultiplier ?? DEFAULT_GAS_MULTIPLIER;
    this.fees = new ClaimFeeEstimator(options.client, options.signerFor, this.gasMultiplier);
  }

  async blockHash(height: bigint): Promise<Uint8Array> {
    return this.options.client.blockHash(Number(height));
  }

  proofParams(): Promise<ProofParams> {
    return this.options.client.pocket.proofParams();
  }

  tokenomicsParams(): Promise<TokenomicsParams> {
    return this.options.client.pocket.tokenomicsParams();
  }

  balance(address: string): Promise<bigint> {
    return this.options.client.balance(address);
  }

  estimateClaimFee(operatorAddress: string, claims: readonly ClaimToSubmit[]): Promise<bigint> {
    return this.fees.claimFee(operatorAddress, claims);
  }

  async estimateProofFee(): Promise<bigint> {
    return this.fees.proofFee();
  }

  async createClaims(operatorAddress: string, claims: readonly ClaimToSubmit[], timeoutHeight: bigint): Promise<TxReceipt> {
    const messages = claims.map((claim) =>
      msgs.createClaim({ supplierOperatorAddress: operatorAddress, sessionHeader: claim.header, rootHash: claim.rootHash }),
    );
    return this.broadcast(operatorAddress, messages, timeoutHeight);
  }

  async submitProofs(operatorAddress: string, proofs: readonly ProofToSubmit[], timeoutHeight: bigint): Promise<TxReceipt> {
    const messages = proofs.map((proof) =>
      msgs.submitProof({ supplierOperatorAddress: operatorAddress, sessionHeader: proof.header, proof: proof.proof }),
    );
    return this.broadcast(operatorAddress, messages, timeoutHeight);
  }

  async hasClaim(sessionId: string, operatorAddress: string): Promise<boolean> {
    return (await this.options.client.pocket.claim(sessionId, operatorAddress)) !== undefined;
  }

  async settlementOutcomes(height: bigint, operatorAddress: string, sessions: readonly SettlingSession[]): Promise<SettlementOutcome[] | undefined> {
    const client = this.options.client;
    if ((await client.height()) < Number(height)) return undefined;
    if (client.profile.allowsBlockResults) {
      const [events, tokenomics] = await Promise.all([client.settlementEvents(Number(height)), client.pocket.tokenomicsParams()]);
      return outcomesFromEvents(events, operatorAddress, tokenomics);
    }
    return this.estimatedOutcomes(operatorAddress, sessions);
  }

  /**
   * Without the settlement block's events: a claim the chain no longer holds has settled, unless it needed a
   * proof that was never accepted. Amounts are estimates from the claim's value and the tokenomics params.
   */
  private async estimatedOutcomes(operatorAddress: string, sessions: readonly SettlingSession[]): Promise<SettlementOutcome[]> {
    const tokenomics = await this.options.client.pocket.tokenomicsParams();
    const outcomes: SettlementOutcome[] = [];
    for (const session of sessions) {
      const sessionId = session.header.sessionId;
      if (await this.hasClaim(sessionId, operatorAddress)) continue;
      if (session.proofRequired && !session.proofSubmitted) {
        outcomes.push({ kind: "expired", sessionId, operatorAddress, reason: "proof_missing: the required proof was not accepted in time" });
        continue;
      }
      outcomes.push({
        kind: "settled",
        sessionId,
        operatorAddress,
        claimedUpokt: session.claimedUpokt,
        settledUpokt: session.claimedUpokt,
        rewardUpokt: supplierReward(session.claimedUpokt, tokenomics),
        exact: false,
      });
    }
    return outcomes;
  }

  private async broadcast(operatorAddress: string, messages: ReturnType<typeof msgs.createClaim>[], timeoutHeight: bigint): Promise<TxReceipt> {
    try {
      const outcome = await this.options.client.signAndBroadcast(this.options.signerFor(operatorAddress), operatorAddress, messages, {
        timeoutHeight,
        gasMultiplier: this.gasMultiplier,
      });
      return { txHash: outcome.txHash, height: BigInt(outcome.height) };
    } catch (error) {
      if (error instanceof ChainTxError) throw new SubmissionError(error.message, RETRYABLE.has(error.reason));
      if (error instanceof ChainUnavailableError) throw new SubmissionError(error.message, true);
      throw new SubmissionError(error instanceof Error ? error.message : String(error), true);
    }
  }
}

/** Refusals that another attempt (new sequence, more funds, more gas) can overcome. */
const RETRYABLE = new Set<string>(["sequence_mismatch", "tx_expired", "out_of_gas", "insufficient_fee", "insufficient_funds", "proof_fee_unpaid", "rejected"]);

function supplierReward(settledUpokt: bigint, tokenomics: TokenomicsParams): bigint {
  return mintEqualsBurnSettlement(settledUpokt, tokenomics).supplier + globalMintSettlement(settledUpokt, tokenomics).supplier;
}

/** Typed event attributes are JSON-encoded ("\"pokt1…\"", "\"123upokt\""); plain ones are not. */
function attribute(event: ChainEvent, key: string): string | undefined {
  const raw = event.attributes[key];
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw);
    return typeof value === "string" || typeof value === "number" ? String(value) : raw;
  } catch {
    return raw;
  }
}

function upoktOf(coin: string | undefined): bigint {
  const match = /^(\d+)(?:upokt)?$/.exec(coin ?? "");
  return match ? BigInt(match[1]) : 0n;
}

/** The operator's claims settled, expired or slashed in a settlement block, from its EndBlock events. */
export function outcomesFromEvents(events: readonly ChainEvent[], operatorAddress: string, tokenomics: TokenomicsParams): SettlementOutcome[] {
  const outcomes: SettlementOutcome[] = [];
  const slashed = new Map<string, bigint>();
  for (const event of events) {
    if (attribute(event, "supplier_operator_address") !== operatorAddress) continue;
    const sessionId = attribute(event, "session_id") ?? "";
    switch (event.type) {
      case "pocket.tokenomics.EventClaimSettled": {
        const settled = upoktOf(attribute(event, "settled_upokt") ?? attribute(event, "claimed_upokt"));
        outcomes.push({
          kind: "settled",
          sessionId,
          operatorAddress,
          claimedUpokt: upoktOf(attribute(event, "claimed_upokt")),
          settledUpokt: settled,
          // The chain pays the supplier share of both mints of the settled amount; same arithmetic, same params.
          rewardUpokt: supplierReward(settled, tokenomics),
          exact: true,
        });
        break;
      }
      case "pocket.tokenomics.EventClaimExpired":
        outcomes.push({
          kind: "expired",
          sessionId,
          operatorAddress,
          reason: `${(attribute(event, "expiration_reason") ?? "expired").toLowerCase()}: the chain expired the claim`,
        });
        break;
      case "pocket.tokenomics.EventClaimDiscarded":
        outcomes.push({ kind: "expired", sessionId, operatorAddress, reason: `discarded: ${attribute(event, "error") ?? "the chain discarded the claim"}` });
        break;
      case "pocket.tokenomics.EventSupplierSlashed":
        slashed.set(sessionId, upoktOf(attribute(event, "proof_missing_penalty")));
        break;
    }
  }
  // A slashed supplier's claim also expired: report it once, as slashed, with the penalty.
  return outcomes.map((outcome) =>
    outcome.kind === "expired" && slashed.has(outcome.sessionId)
      ? { kind: "slashed", sessionId: outcome.sessionId, operatorAddress, penaltyUpokt: slashed.get(outcome.sessionId)!, reason: outcome.reason }
      : outcome,
  );
}

/** The follower's blocks as the miner's BlockSource (heights as bigint, hashes as bytes). */
export class FollowerBlocks implements BlockSource {
  constructor(private readonly follower: BlockFollower) {}

  latest(): FollowedBlock | undefined {
    const block = this.follower.latest;
    return block ? { height: BigInt(block.height), hash: Uint8Array.from(Buffer.from(block.hash, "hex")) } : undefined;
  }

  onBlock(listener: (block: FollowedBlock) => void): () => void {
    return this.follower.onBlock((block) => listener({ height: BigInt(block.height), hash: Uint8Array.from(Buffer.from(block.hash, "hex")) }));
  }
}

export interface MinerChainConnection {
  relayChain: RelayChain;
  claimChain: ClaimChain;
  blocks: BlockSource;
  /** Typical block interval (to tell when the current session ends). */
  blockTimeMs: number;
  close(): Promise<void>;
}

/** Wraps a connected client and a started follower, with call timing. */
export function minerChainConnection(
  client: ChainClient,
  follower: BlockFollower,
  signerFor: (operatorAddress: string) => OfflineDirectSigner,
  metrics: RelayMinerMetrics,
  blockTimeMs: number,
  close: () => Promise<void>,
): MinerChainConnection {
  return {
    relayChain: timed(new ChainRelayQueries(client), "proxy", metrics),
    claimChain: timed(new ChainClaimSubmitter({ client, signerFor }), "miner", metrics),
    blocks: new FollowerBlocks(follower),
    blockTimeMs,
    close,
  };
}
