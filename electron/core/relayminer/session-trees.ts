// One Sparse Merkle Sum Trie per (session, operator, service) (docs/protocol.md §6), with the prices that hold for
// that session (difficulty target and compute units per relay at its start height) and the over-servicing
// budget the application's stake allows this supplier. Trees are opened on a session's first verified relay
// and rebuilt from the ledger after a restart.
import type { StoredSession } from "../ledger/types.js";
import { isRelayVolumeApplicable, mineRelay } from "../pokt/relay.js";
import type { RelayRequest, RelayResponse } from "../pokt/proto/service.js";
import type { SessionHeader } from "../pokt/proto/session.js";
import { appStakePerSessionSupplier, relayCostUpokt } from "../pokt/rewards.js";
import { SparseMerkleSumTrie } from "../pokt/smst/trie.js";
import type { RelayChainCache } from "./chain-cache.js";
import type { VerifiedSession } from "./verifier.js";

export interface SessionPricing {
  computeUnitsPerRelay: bigint;
  /** RelayMiningDifficulty target at the session start. */
  targetHash: Uint8Array;
  computeUnitsToTokensMultiplier: bigint;
  computeUnitCostGranularity: bigint;
}

export interface SessionHeights {
  claimWindowOpenHeight: bigint;
  claimWindowCloseHeight: bigint;
  proofWindowOpenHeight: bigint;
  proofWindowCloseHeight: bigint;
}

export class SessionTree {
  readonly trie = new SparseMerkleSumTrie();
  /** upokt of relays served toward the over-servicing budget (reserved before serving, released on failure). */
  consumedUpokt = 0n;

  constructor(
    readonly key: string,
    readonly header: SessionHeader,
    readonly operatorAddress: string,
    readonly heights: SessionHeights,
    readonly pricing: SessionPricing,
    /** What one relay costs the application: floor(cupr × CUTTM / granularity). */
    readonly relayCostUpokt: bigint,
    /** Over-servicing budget; undefined until known (a tree rebuilt after a restart learns it on its next relay). */
    public budgetUpokt: bigint | undefined,
    readonly createdAt: number,
  ) {}

  /** Counts a relay against the budget; false when it would exceed it (the app is over-serviced). */
  reserve(): boolean {
    if (this.budgetUpokt !== undefined && this.consumedUpokt + this.relayCostUpokt > this.budgetUpokt) return false;
    this.consumedUpokt += this.relayCostUpokt;
    return true;
  }

  release(): void {
    this.consumedUpokt -= this.relayCostUpokt;
  }

  get minedRelays(): number {
    return this.trie.size;
  }

  /**
   * Hashes the relay and, when it is below the session's difficulty target, inserts it (key = relay hash,
   * value = relay bytes, weight = compute units per relay; the same relay twice replaces itself).
   */
  mine(request: RelayRequest, signedResponse: RelayResponse): { mined: boolean; hash: Uint8Array; bytes: Uint8Array } {
    const { hash, bytes } = mineRelay(request, signedResponse);
    if (!isRelayVolumeApplicable(hash, this.pricing.targetHash)) return { mined: false, hash, bytes };
    this.trie.update(hash, bytes, this.pricing.computeUnitsPerRelay);
    return { mined: true, hash, bytes };
  }

  /** Rebuilds a leaf from the ledger. */
  restoreLeaf(hash: Uint8Array, bytes: Uint8Array, weight: bigint): void {
    this.trie.update(hash, bytes, weight);
  }
}

export class SessionTrees {
  private readonly trees = new Map<string, SessionTree>();
  private readonly opening = new Map<string, Promise<SessionTree>>();

  constructor(
    private readonly cache: RelayChainCache,
    /** A new tree (not a restored one), e.g. to record its session in the ledger. */
    private readonly onOpened: (tree: SessionTree) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): SessionTree | undefined {
    return this.trees.get(key);
  }

  values(): IterableIterator<SessionTree> {
    return this.trees.values();
  }

  get size(): number {
    return this.trees.size;
  }

  delete(key: string): void {
    this.trees.delete(key);
  }

  /**
   * Rebuilds a session's tree after a restart from what the ledger stored: its prices and windows, and its mined
   * relays replayed in the order they were mined. The budget stays unknown until the session's next relay.
   */
  restore(stored: StoredSession, leaves: Iterable<{ relayHash: Uint8Array; relayBytes: Uint8Array; weight: bigint }>): SessionTree {
    const tree = treeFromLedger(stored);
    for (const leaf of leaves) tree.restoreLeaf(leaf.relayHash, leaf.relayBytes, leaf.weight);
    this.trees.set(tree.key, tree);
    return tree;
  }

  /** The session's tree, opened (prices and budget read from the chain, once) on its first relay. */
  async open(verified: VerifiedSession): Promise<SessionTree> {
    const existing = this.trees.get(verified.treeKey);
    if (existing !== undefined && existing.budgetUpokt !== undefined) return existing;
    let pending = this.opening.get(verified.treeKey);
    if (pending === undefined) {
      pending = (existing ? this.learnBudget(existing, verified) : this.create(verified)).finally(() => this.opening.delete(verified.treeKey));
      this.opening.set(verified.treeKey, pending);
    }
    return pending;
  }

  private async create(verified: VerifiedSession): Promise<SessionTree> {
    const { header } = verified;
    const start = header.sessionStartBlockHeight;
    const [targetHash, computeUnitsPerRelay, startParams, budgetUpokt] = await Promise.all([
      this.cache.relayDifficultyTarget(header.serviceId, start),
      this.cache.computeUnitsPerRelay(header.serviceId, start),
      this.cache.sharedParamsAt(start),
      this.budget(verified),
    ]);
    const pricing: SessionPricing = {
      computeUnitsPerRelay,
      targetHash,
      computeUnitsToTokensMultiplier: startParams.computeUnitsToTokensMultiplier,
      computeUnitCostGranularity: startParams.computeUnitCostGranularity,
    };
    const { windows } = verified;
    const tree = new SessionTree(
      verified.treeKey,
      header,
      verified.operatorAddress,
      {
        claimWindowOpenHeight: windows.claimWindowOpenHeight,
        claimWindowCloseHeight: windows.claimWindowCloseHeight,
        proofWindowOpenHeight: windows.proofWindowOpenHeight,
        proofWindowCloseHeight: windows.proofWindowCloseHeight,
      },
      pricing,
      relayCostUpokt(computeUnitsPerRelay, pricing),
      budgetUpokt,
      this.now(),
    );
    this.trees.set(tree.key, tree);
    this.onOpened(tree);
    return tree;
  }

  private async learnBudget(tree: SessionTree, verified: VerifiedSession): Promise<SessionTree> {
    tree.budgetUpokt = await this.budget(verified);
    return tree;
  }

  /** What the app's stake allows this supplier in the session (Go's relay meter, docs/protocol.md §6.5). */
  private async budget(verified: VerifiedSession): Promise<bigint> {
    const { header, sharedParams } = verified;
    const [application, suppliers] = await Promise.all([
      this.cache.applicationForSession(header.applicationAddress, header.sessionEndBlockHeight),
      this.cache.numSuppliersPerSession(header.sessionStartBlockHeight),
    ]);
    const stake = /^\d+$/.test(application?.stake?.amount ?? "") ? BigInt(application!.stake!.amount) : 0n;
    return appStakePerSessionSupplier(stake, sharedParams, suppliers > 0n ? suppliers : 1n);
  }
}

function treeFromLedger(stored: StoredSession): SessionTree {
  const pricing = {
    computeUnitsPerRelay: stored.computeUnitsPerRelay,
    targetHash: stored.targetHash,
    computeUnitsToTokensMultiplier: stored.computeUnitsToTokensMultiplier,
    computeUnitCostGranularity: stored.computeUnitCostGranularity,
  };
  return new SessionTree(
    stored.treeKey,
    {
      applicationAddress: stored.applicationAddress,
      serviceId: stored.serviceId,
      sessionId: stored.sessionId,
      sessionStartBlockHeight: stored.startHeight,
      sessionEndBlockHeight: stored.endHeight,
    },
    stored.operatorAddress,
    {
      claimWindowOpenHeight: stored.claimOpenHeight,
      claimWindowCloseHeight: stored.claimCloseHeight,
      proofWindowOpenHeight: stored.proofOpenHeight,
      proofWindowCloseHeight: stored.proofCloseHeight,
    },
    pricing,
    relayCostUpokt(stored.computeUnitsPerRelay, pricing),
    undefined,
    stored.createdAt,
  );
}
