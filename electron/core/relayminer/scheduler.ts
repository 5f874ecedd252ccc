// Claims, proofs and settlements (docs/protocol.md §5.2, §5.5, §8): follows blocks and moves every session tree
// through its windows. In the claim window: submit MsgCreateClaim with the tree's root (one transaction per
// operator and window), unless the claim would not pay for its fees or the operator cannot fund claim and
// proof, which is recorded with its reason. At proof_open: decide whether the chain requires a proof (seeded by
// the hash of block proof_open − 1) and submit the closest proof if so. After proof_close: record how the
// claim settled. Failed submissions are retried with backoff while their window is open.
import { bytesEqual } from "../pokt/proto/bytes.js";
import { Claim } from "../pokt/proto/proof.js";
import { proofPath } from "../pokt/proof-path.js";
import { proofRequirement } from "../pokt/proof-requirement.js";
import {
  hasClaimWindowClosed,
  hasProofWindowClosed,
  isSettledAt,
  isWithinClaimWindow,
  isWithinProofWindow,
  proofSeedBlockHeightOf,
  settlementHeightOf,
} from "../pokt/session.js";
import type { Params as TokenomicsParams } from "../pokt/proto/tokenomics.js";
import { closestProofToGob } from "../pokt/smst/gob.js";
import type { Logger } from "../runtime/logger.js";
import type { Ledger } from "../ledger/ledger.js";
import type { ClaimRecord, ProofRecord, SessionState, SettlementRecord } from "../ledger/types.js";
import { SubmissionError, type ClaimChain, type ClaimToSubmit, type FollowedBlock, type SettlementOutcome, type SettlingSession } from "./chain.js";
import { claimValue, decideClaim, type ClaimValue } from "./claim-economics.js";
import type { RelayMinerMetrics } from "./metrics.js";
import type { SessionTree, SessionTrees } from "./session-trees.js";

export interface SessionChange {
  treeKey: string;
  sessionId: string;
  serviceId: string;
  state: SessionState;
  reason: string | null;
}

export interface SchedulerOptions {
  trees: SessionTrees;
  ledger: Ledger;
  chain: ClaimChain;
  metrics: RelayMinerMetrics;
  logger: Logger;
  onChange?(change: SessionChange): void;
  /** First retry delay; doubles per attempt up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Blocks after proof_close to wait for a settlement record before calling the claim lost. */
  settlementGraceBlocks?: bigint;
}

type Phase = "open" | "claimed" | "proven";

/** What the scheduler tracks per session tree between blocks. */
interface Job {
  tree: SessionTree;
  phase: Phase;
  claim: ClaimRecord | undefined;
  proof: ProofRecord | undefined;
  inFlight: boolean;
  attempts: number;
  /** Wall-clock time before which a failed submission is not retried. */
  retryAt: number;
  lastError: string | null;
}

export class ClaimProofScheduler {
  private readonly jobs = new Map<string, Job>();
  private latest: FollowedBlock | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private tokenomicsCache: { height: bigint; params: Promise<TokenomicsParams> } | undefined;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;

  constructor(private readonly options: SchedulerOptions) {
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  }

  /** Takes over a tree (new, or rebuilt from the ledger with its claim and proof records). */
  track(tree: SessionTree, phase: Phase = "open"): void {
    if (this.jobs.has(tree.key)) return;
    this.jobs.set(tree.key, {
      tree,
      phase,
      claim: this.options.ledger.claim(tree.key),
      proof: this.options.ledger.proof(tree.key),
      inFlight: false,
      attempts: 0,
      retryAt: 0,
      lastError: null,
    });
    this.updateGauges();
  }

  get pendingClaims(): number {
    let n = 0;
    for (const job of this.jobs.values()) if (job.phase !== "open" || job.claim?.status === "submitted") n++;
    return n;
  }

  /** Called for every new block (in order). Work is serialised; a burst of blocks is handled at the latest. */
  onBlock(block: FollowedBlock): void {
    this.latest = block;
    this.kick();
  }

  /** Resolves when the work triggered so far is done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.idle();
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const block = this.latest;
        if (block) await this.process(block.height).catch((error) => this.options.logger.error("claim/proof scheduling failed", { error: message(error) }));
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
  }

  /**
   * `height` is the latest committed block, so a transaction sent now lands at height + 1 at the earliest: a
   * claim (or proof) is sent while height + 1 is still inside its window, and called missed once it is not.
   * Like the Go miner, nothing is sent before the window opens, so relays still in flight at its last block
   * can reach the tree.
   */
  private async process(height: bigint): Promise<void> {
    for (const tree of this.options.trees.values()) if (!this.jobs.has(tree.key)) this.track(tree);
    const claimable: Job[] = [];
    const settling: Job[] = [];
    const now = Date.now();
    const landing = height + 1n;
    for (const job of [...this.jobs.values()]) {
      const { heights } = job.tree;
      const due = !job.inFlight && now >= job.retryAt;
      if (job.phase === "open") {
        if (hasClaimWindowClosed(heights, landing) && !job.inFlight) this.missedClaimWindow(job, height);
        else if (isWithinClaimWindow(heights, height) && due) claimable.push(job);
        continue;
      }
      if (job.phase === "claimed") {
        if (hasProofWindowClosed(heights, landing) && !job.inFlight) this.missedProofWindow(job);
        else if (isWithinProofWindow(heights, height) && due) this.startProof(job);
      }
      if (job.phase === "proven" && isSettledAt(heights, height)) settling.push(job);
    }
    if (claimable.length > 0) await this.claimRound(claimable);
    if (settling.length > 0) await this.settle(settling, height);
    this.scheduleRetry();
    this.updateGauges();
  }

  // -------------------------------------------------------------------------------------------------
  // Claims

  private async claimRound(jobs: Job[]): Promise<void> {
    const byOperatorAndWindow = new Map<string, Job[]>();
    for (const job of jobs) {
      if (job.tree.minedRelays === 0) {
        this.finish(job, "empty", "no relay of this session met the difficulty target");
        continue;
      }
      const key = `${job.tree.operatorAddress}/${job.tree.heights.claimWindowCloseHeight}`;
      byOperatorAndWindow.set(key, [...(byOperatorAndWindow.get(key) ?? []), job]);
    }
    for (const group of byOperatorAndWindow.values()) await this.claimGroup(group);
  }

  /** Prices the group's claims, keeps those worth submitting that the balance covers (largest first), sends them. */
  private async claimGroup(jobs: Job[]): Promise<void> {
    const { chain } = this.options;
    const operator = jobs[0].tree.operatorAddress;
    let tokenomics: TokenomicsParams;
    let balance: bigint;
    let proofCost: bigint;
    let claimFee: bigint;
    const candidates = jobs.map((job) => {
      const rootHash = job.tree.trie.root();
      return { job, rootHash, claim: { header: job.tree.header, rootHash } satisfies ClaimToSubmit };
    });
    try {
      claimFee = await chain.estimateClaimFee(operator, candidates.map((c) => c.claim));
      [tokenomics, balance, proofCost] = await Promise.all([
        this.tokenomics(),
        chain.balance(operator),
        Promise.all([chain.estimateProofFee(operator), chain.proofParams()]).then(
          ([fee, params]) => fee + BigInt(params.proofSubmissionFee?.amount ?? "0"),
        ),
      ]);
    } catch (error) {
      for (const { job } of candidates) this.failedAttempt(job, `cannot price the claim: ${message(error)}`);
      return;
    }
    const perClaimFee = ceilDiv(claimFee, BigInt(candidates.length));
    const priced = candidates
      .map((c) => ({ ...c, value: claimValue(c.rootHash, c.job.tree.pricing, tokenomics) }))
      .sort((a, b) => (b.value.claimedUpokt > a.value.claimedUpokt ? 1 : b.value.claimedUpokt < a.value.claimedUpokt ? -1 : 0));

    let available = balance;
    const accepted: typeof priced = [];
    for (const candidate of priced) {
      const decision = decideClaim(candidate.value, { claimFeeUpokt: perClaimFee, proofCostUpokt: proofCost }, available);
      if (!decision.submit) {
        this.skipClaim(candidate.job, candidate.rootHash, candidate.value, `${decision.reason}: ${decision.detail}`);
        continue;
      }
      available -= perClaimFee + proofCost;
      accepted.push(candidate);
    }
    if (accepted.length === 0) return;

    for (const { job } of accepted) job.inFlight = true;
    const timeoutHeight = jobs[0].tree.heights.claimWindowCloseHeight;
    try {
      const receipt = await chain.createClaims(operator, accepted.map((c) => c.claim), timeoutHeight);
      for (const { job, rootHash, value } of accepted) {
        job.inFlight = false;
        job.attempts = 0;
        job.lastError = null;
        this.saveClaim(job, { status: "submitted", reason: null, rootHash, value, txHash: receipt.txHash, height: receipt.height });
        job.phase = "claimed";
        this.options.metrics.claimsTotal.inc(["submitted"]);
        this.setState(job, "claimed", null);
      }
    } catch (error) {
      const retryable = !(error instanceof SubmissionError) || error.retryable;
      for (const { job, rootHash, value } of accepted) {
        job.inFlight = false;
        this.options.metrics.claimsTotal.inc(["failed"]);
        this.saveClaim(job, { status: "failed", reason: message(error), rootHash, value, txHash: null, height: null });
        // A transaction refused outright fails all its claims; retried one by one, a bad claim cannot block the others.
        this.failedAttempt(job, message(error), retryable || accepted.length > 1);
      }
    }
  }

  private skipClaim(job: Job, rootHash: Uint8Array, value: ClaimValue, reason: string): void {
    if (job.claim?.status === "skipped" && job.claim.reason === reason) return;
    this.options.metrics.claimsTotal.inc(["skipped"]);
    this.saveClaim(job, { status: "skipped", reason, rootHash, value, txHash: null, height: null });
    this.options.logger.warn("claim not submitted", { session: job.tree.header.sessionId, reason });
    this.emit(job, "open", reason);
  }

  private missedClaimWindow(job: Job, height: bigint): void {
    const skipped = job.claim?.status === "skipped";
    const reason = skipped
      ? job.claim!.reason
      : `the claim window closed at height ${job.tree.heights.claimWindowCloseHeight} (now ${height}) before a claim was accepted${job.lastError ? `: ${job.lastError}` : ""}`;
    const value = job.claim;
    this.options.ledger.saveSettlement({
      treeKey: job.tree.key,
      outcome: skipped ? "skipped" : "unclaimed",
      reason,
      claimedUpokt: value?.claimedUpokt ?? 0n,
      settledUpokt: 0n,
      rewardUpokt: 0n,
      penaltyUpokt: 0n,
      exact: true,
      height: null,
      timeMs: Date.now(),
    });
    this.options.metrics.settlementsTotal.inc([skipped ? "skipped" : "unclaimed"]);
    this.finish(job, skipped ? "skipped" : "unclaimed", reason);
  }

  private saveClaim(
    job: Job,
    claim: { status: ClaimRecord["status"]; reason: string | null; rootHash: Uint8Array; value: ClaimValue; txHash: string | null; height: bigint | null },
  ): void {
    const record: ClaimRecord = {
      treeKey: job.tree.key,
      status: claim.status,
      reason: claim.reason,
      rootHash: claim.rootHash,
      relays: BigInt(job.tree.minedRelays),
      computeUnits: claim.value.computeUnits,
      claimedUpokt: claim.value.claimedUpokt,
      expectedRewardUpokt: claim.value.expectedRewardUpokt,
      txHash: claim.txHash,
      height: claim.height,
      attempts: (job.claim?.attempts ?? 0) + (claim.status === "skipped" ? 0 : 1),
    };
    this.options.ledger.saveClaim(record);
    job.claim = record;
  }

  // -------------------------------------------------------------------------------------------------
  // Proofs

  private startProof(job: Job): void {
    job.inFlight = true;
    this.proveSession(job)
      .catch((error) => this.failedAttempt(job, message(error), !(error instanceof SubmissionError) || error.retryable))
      .finally(() => {
        job.inFlight = false;
        this.kick();
      });
  }

  private async proveSession(job: Job): Promise<void> {
    const { tree } = job;
    const claim = job.claim;
    if (claim?.rootHash == null) throw new Error("no claim root recorded for this session");
    if (!bytesEqual(tree.trie.root(), claim.rootHash)) {
      throw new SubmissionError("the session tree no longer matches its claimed root; its proof would be refused", false);
    }
    const seedHeight = proofSeedBlockHeightOf(tree.heights);
    let requirement = job.proof;
    let seedHash: Uint8Array | undefined;
    if (requirement === undefined) {
      const [hash, params] = await Promise.all([this.options.chain.blockHash(seedHeight), this.options.chain.proofParams()]);
      seedHash = hash;
      const claimBytes = Claim.toBytes({
        supplierOperatorAddress: tree.operatorAddress,
        sessionHeader: tree.header,
        rootHash: claim.rootHash,
        proofValidationStatus: 0,
      });
      const decided = proofRequirement({
        claimRootHash: claim.rootHash,
        claimBytes,
        proofRequirementSeedBlockHash: hash,
        pricing: {
          relayDifficultyTargetHash: tree.pricing.targetHash,
          computeUnitsToTokensMultiplier: tree.pricing.computeUnitsToTokensMultiplier,
          computeUnitCostGranularity: tree.pricing.computeUnitCostGranularity,
        },
        params: {
          proofRequirementThresholdUpokt: BigInt(params.proofRequirementThreshold?.amount ?? "0"),
          proofRequestProbability: params.proofRequestProbability,
        },
      });
      if (!decided.required) {
        // Submitting an unrequired proof fails the whole transaction (ErrProofNotRequired).
        this.saveProof(job, { status: "not_required", required: false, requirementReason: decided.reason, reason: null, txHash: null, height: null }, false);
        this.options.metrics.proofsTotal.inc(["not_required"]);
        job.phase = "proven";
        this.setState(job, "proven", "no proof required");
        return;
      }
      requirement = this.saveProof(
        job,
        { status: "failed", required: true, requirementReason: decided.reason, reason: "not submitted yet", txHash: null, height: null },
        false,
      );
    }
    seedHash ??= await this.options.chain.blockHash(seedHeight);
    const closest = tree.trie.proveClosest(proofPath(seedHash, tree.header.sessionId));
    try {
      const receipt = await this.options.chain.submitProofs(
        tree.operatorAddress,
        [{ header: tree.header, proof: closestProofToGob(closest) }],
        tree.heights.proofWindowCloseHeight,
      );
      this.saveProof(job, { ...requirement, status: "submitted", reason: null, txHash: receipt.txHash, height: receipt.height });
      this.options.metrics.proofsTotal.inc(["submitted"]);
      job.attempts = 0;
      job.lastError = null;
      job.phase = "proven";
      this.setState(job, "proven", null);
    } catch (error) {
      this.saveProof(job, { ...requirement, status: "failed", reason: message(error) });
      this.options.metrics.proofsTotal.inc(["failed"]);
      throw error;
    }
  }

  /** `attempt`: whether this record follows a submission (and counts as one). */
  private saveProof(job: Job, proof: Omit<ProofRecord, "treeKey" | "attempts">, attempt = true): ProofRecord {
    const record: ProofRecord = { ...proof, treeKey: job.tree.key, attempts: (job.proof?.attempts ?? 0) + (attempt ? 1 : 0) };
    this.options.ledger.saveProof(record);
    job.proof = record;
    return record;
  }

  private missedProofWindow(job: Job): void {
    // The proof (if one was required) never made it: the chain expires the claim at settlement; say why meanwhile.
    job.phase = "proven";
    const reason = `the proof window closed before a proof was accepted${job.lastError ? `: ${job.lastError}` : ""}`;
    this.saveProof(
      job,
      { status: "failed", required: job.proof?.required ?? true, requirementReason: job.proof?.requirementReason ?? "THRESHOLD", reason, txHash: null, height: null },
      false,
    );
    this.setState(job, "proven", reason);
  }

  // -------------------------------------------------------------------------------------------------
  // Settlement

  private async settle(jobs: Job[], height: bigint): Promise<void> {
    const groups = new Map<string, Job[]>();
    for (const job of jobs) {
      const key = `${job.tree.operatorAddress}/${settlementHeightOf(job.tree.heights)}`;
      groups.set(key, [...(groups.get(key) ?? []), job]);
    }
    for (const group of groups.values()) {
      const { operatorAddress, heights } = group[0].tree;
      const settlementHeight = settlementHeightOf(heights);
      const settling: SettlingSession[] = group.map((job) => ({
        header: job.tree.header,
        rootHash: job.claim?.rootHash ?? new Uint8Array(48),
        claimedUpokt: job.claim?.claimedUpokt ?? 0n,
        proofRequired: job.proof?.required ?? false,
        proofSubmitted: job.proof?.status === "submitted",
      }));
      let outcomes: SettlementOutcome[] | undefined;
      try {
        outcomes = await this.options.chain.settlementOutcomes(settlementHeight, operatorAddress, settling);
      } catch (error) {
        this.options.logger.warn("cannot read settlement results yet", { height: settlementHeight.toString(), error: message(error) });
        continue;
      }
      if (outcomes === undefined) continue;
      for (const job of group) {
        const outcome = outcomes.find((o) => o.sessionId === job.tree.header.sessionId && o.operatorAddress === operatorAddress);
        if (outcome) this.recordSettlement(job, outcome, settlementHeight);
        else if (height > settlementHeight + (this.options.settlementGraceBlocks ?? 5n)) {
          this.recordSettlement(
            job,
            { kind: "expired", sessionId: job.tree.header.sessionId, operatorAddress, reason: "the chain reported no settlement for this claim" },
            settlementHeight,
          );
        }
      }
    }
  }

  private recordSettlement(job: Job, outcome: SettlementOutcome, height: bigint): void {
    const base = {
      treeKey: job.tree.key,
      claimedUpokt: job.claim?.claimedUpokt ?? 0n,
      height,
      timeMs: Date.now(),
    };
    let record: SettlementRecord;
    if (outcome.kind === "settled") {
      record = {
        ...base,
        outcome: "settled",
        reason: null,
        claimedUpokt: outcome.claimedUpokt,
        settledUpokt: outcome.settledUpokt,
        rewardUpokt: outcome.rewardUpokt,
        penaltyUpokt: 0n,
        exact: outcome.exact,
      };
      this.options.metrics.rewardUpoktTotal.inc([], Number(outcome.rewardUpokt));
    } else if (outcome.kind === "expired") {
      record = { ...base, outcome: "expired", reason: outcome.reason, settledUpokt: 0n, rewardUpokt: 0n, penaltyUpokt: 0n, exact: true };
    } else {
      record = { ...base, outcome: "slashed", reason: outcome.reason, settledUpokt: 0n, rewardUpokt: 0n, penaltyUpokt: outcome.penaltyUpokt, exact: true };
    }
    this.options.ledger.saveSettlement(record);
    this.options.metrics.settlementsTotal.inc([record.outcome]);
    this.finish(job, record.outcome, record.reason);
  }

  // -------------------------------------------------------------------------------------------------

  private finish(job: Job, state: SessionState, reason: string | null): void {
    this.jobs.delete(job.tree.key);
    this.options.trees.delete(job.tree.key);
    this.setState(job, state, reason);
  }

  private setState(job: Job, state: SessionState, reason: string | null): void {
    this.options.ledger.setSessionState(job.tree.key, state);
    this.emit(job, state, reason);
  }

  private emit(job: Job, state: SessionState, reason: string | null): void {
    const { header } = job.tree;
    this.options.onChange?.({ treeKey: job.tree.key, sessionId: header.sessionId, serviceId: header.serviceId, state, reason });
  }

  private failedAttempt(job: Job, error: string, retryable = true): void {
    job.attempts += 1;
    job.lastError = error;
    job.retryAt = retryable ? Date.now() + Math.min(this.maxRetryDelayMs, this.retryDelayMs * 2 ** (job.attempts - 1)) : Number.POSITIVE_INFINITY;
    this.options.logger.warn("claim/proof submission failed", { session: job.tree.header.sessionId, attempt: job.attempts, retryable, error });
  }

  /** Retries are due between blocks too (blocks can be a minute apart). */
  private scheduleRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    let next = Number.POSITIVE_INFINITY;
    // A failed submission that came due while its round was still running (a slow round, a loaded machine) is due
    // now, not forgotten until the next block: the timer then fires at once.
    for (const job of this.jobs.values()) {
      const retrying = job.lastError !== null && (job.phase === "open" || job.phase === "claimed");
      if (!job.inFlight && retrying && Number.isFinite(job.retryAt)) next = Math.min(next, job.retryAt);
    }
    if (!Number.isFinite(next) || this.stopped) return;
    this.retryTimer = setTimeout(() => this.kick(), Math.max(1, next - Date.now()));
  }

  /** Tokenomics params, read once per block at most. */
  private tokenomics(): Promise<TokenomicsParams> {
    const height = this.latest?.height ?? 0n;
    if (this.tokenomicsCache?.height !== height) {
      const params = this.options.chain.tokenomicsParams();
      params.catch(() => (this.tokenomicsCache = undefined));
      this.tokenomicsCache = { height, params };
    }
    return this.tokenomicsCache.params;
  }

  private updateGauges(): void {
    this.options.metrics.pendingClaims.set([], this.pendingClaims);
    let open = 0;
    for (const job of this.jobs.values()) if (job.phase === "open") open++;
    this.options.metrics.openSessions.set([], open);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
