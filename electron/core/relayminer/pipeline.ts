// Assembles the relay path from its parts (used by RelayMinerService, the tests and the benchmark, so they all
// exercise the same wiring).
import type { Ledger } from "../ledger/ledger.js";
import { RelayChainCache, type RelayChainCacheOptions } from "./chain-cache.js";
import type { BlockSource, RelayChain } from "./chain.js";
import type { RelayMinerMetrics } from "./metrics.js";
import { RelayHandler, type ServedRelayEvent, type ServiceRoute } from "./relay-handler.js";
import type { ResponseSigner } from "./response.js";
import type { RingChecker } from "./ring-checker.js";
import { SessionTrees, type SessionTree } from "./session-trees.js";
import { RelayVerifier } from "./verifier.js";

export interface RelayPipelineOptions {
  chain: RelayChain;
  blocks: BlockSource;
  signers: readonly ResponseSigner[];
  routes: ReadonlyMap<string, ServiceRoute>;
  ledger: Pick<Ledger, "recordSession" | "recordRelay" | "recordMinedRelay">;
  metrics: RelayMinerMetrics;
  ringChecker: RingChecker;
  enableOverServicing: boolean;
  addressPrefix?: string;
  /** Bounds on session lookups per client (defaults: DEFAULT_SESSION_LOOKUP_LIMITS). */
  chainCache?: RelayChainCacheOptions;
  onServed?(event: ServedRelayEvent): void;
  onSessionOpened?(tree: SessionTree): void;
  /** Monotonic milliseconds for the age of a stream's batches (tests pin it). */
  streamClock?(): number;
}

export interface RelayPipeline {
  cache: RelayChainCache;
  verifier: RelayVerifier;
  trees: SessionTrees;
  handler: RelayHandler;
}

export function createRelayPipeline(options: RelayPipelineOptions): RelayPipeline {
  const signers = new Map(options.signers.map((signer) => [signer.address, signer]));
  const cache = new RelayChainCache(options.chain, options.chainCache);
  const verifier = new RelayVerifier({
    cache,
    ringChecker: options.ringChecker,
    isOperator: (address) => signers.has(address),
    isServiceConfigured: (serviceId) => options.routes.has(serviceId),
    addressPrefix: options.addressPrefix,
  });
  const trees = new SessionTrees(cache, (tree) => {
    options.ledger.recordSession({
      treeKey: tree.key,
      sessionId: tree.header.sessionId,
      operatorAddress: tree.operatorAddress,
      serviceId: tree.header.serviceId,
      applicationAddress: tree.header.applicationAddress,
      startHeight: tree.header.sessionStartBlockHeight,
      endHeight: tree.header.sessionEndBlockHeight,
      claimOpenHeight: tree.heights.claimWindowOpenHeight,
      claimCloseHeight: tree.heights.claimWindowCloseHeight,
      proofOpenHeight: tree.heights.proofWindowOpenHeight,
      proofCloseHeight: tree.heights.proofWindowCloseHeight,
      ...tree.pricing,
      createdAt: tree.createdAt,
    });
    options.onSessionOpened?.(tree);
  });
  const handler = new RelayHandler({
    verifier,
    trees,
    routes: options.routes,
    signerFor: (address) => signers.get(address),
    currentHeight: () => options.blocks.latest()?.height,
    ledger: options.ledger,
    metrics: options.metrics,
    enableOverServicing: options.enableOverServicing,
    onServed: options.onServed,
    streamClock: options.streamClock,
  });
  return { cache, verifier, trees, handler };
}
