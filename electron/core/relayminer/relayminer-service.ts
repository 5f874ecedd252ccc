// The relay miner as an engine service: on start it connects to the chain, rebuilds unfinished session trees
// from the ledger, opens the relay listener and /metrics, and hands every new block to the claim/proof
// scheduler; it reports its state, sessions and rolling metrics to the dashboard (earnings are the ledger's).
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, type EventPayload, type MinerMetrics, type MinerSession, type MinerStatus } from "../../../shared/api/index.js";
import { isByomService } from "../../../shared/services.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";
import type { Ledger } from "../ledger/ledger.js";
import { sessionBounds } from "../pokt/session.js";
import type { ServingControl, ServingState } from "../serving/serving-control.js";
import type { Backend } from "./backend/backend.js";
import { HttpBackend } from "./backend/http-backend.js";
import { InProcessBackend } from "./backend/inprocess-backend.js";
import type { MinerChainConnection } from "./chain-adapter.js";
import type { FollowedBlock } from "./chain.js";
import type { RelayMinerConfig } from "./config.js";
import { RelayMinerMetrics } from "./metrics.js";
import { MetricsServer } from "./metrics-server.js";
import { createRelayPipeline, type RelayPipeline } from "./pipeline.js";
import type { ServedRelayEvent, ServiceRoute } from "./relay-handler.js";
import { RelayServer } from "./relay-server.js";
import type { ResponseSigner } from "./response.js";
import { createRingChecker, type RingChecker } from "./ring-checker.js";
import { ClaimProofScheduler, type SessionChange } from "./scheduler.js";
import type { SessionTree } from "./session-trees.js";
import { sessionTreeKey } from "./verifier.js";

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export type RelayMinerEventName = "miner.relay" | "miner.session" | "miner.metrics" | "miner.status";

export interface RelayMinerServiceOptions {
  ledger: Ledger;
  logger: Logger;
  /** The settings at the time of each start. */
  config(): RelayMinerConfig;
  /** The operator's response signer; throws ApiError("locked") while the wallet is locked. */
  signer(): ResponseSigner;
  /**
   * The in-process inference engine's OpenAI handler (services with backend type "inference"); `byom`: answer any
   * model name with the served model (docs/protocol.md §13.5).
   */
  inferenceHandler(options: { byom: boolean }): NodeHandler;
  /** Connects to the configured network: chain queries, claim submission and followed blocks. */
  connect(metrics: RelayMinerMetrics): Promise<MinerChainConnection>;
  emit<E extends RelayMinerEventName>(event: E, payload: EventPayload<E>): void;
  /** bech32 prefix of addresses in relays (`pokt`). */
  addressPrefix?: string;
  /** How often miner.metrics is pushed while running. */
  metricsIntervalMs?: number;
  /** Most miner.relay events per second (the rest are counted, not pushed). */
  relayEventsPerSecond?: number;
}

interface Running {
  connection: MinerChainConnection;
  pipeline: RelayPipeline;
  scheduler: ClaimProofScheduler;
  server: RelayServer;
  metricsServer: MetricsServer | undefined;
  ringChecker: RingChecker;
  backends: Backend[];
  services: Array<{ serviceId: string; backend: string }>;
  operatorAddress: string;
  startedAt: number;
  unsubscribe: () => void;
  ticker: NodeJS.Timeout;
  lastSession: SessionTree | undefined;
}

export class RelayMinerService implements Service {
  readonly metrics = new RelayMinerMetrics();
  private state: MinerStatus["state"] = "stopped";
  private message: string | null = null;
  private running: Running | undefined;
  private transition: Promise<unknown> = Promise.resolve();
  private relayEventBudget = { second: 0, left: 0 };
  private pause: "none" | "draining" | "paused" = "none";
  private currentSessionEnd: bigint | undefined;
  private readonly servingListeners = new Set<() => void>();

  /** Pause/resume for availability, idle mode and updates: claims and proofs go on while relays are paused. */
  readonly serving: ServingControl = {
    state: (): ServingState => (!this.running ? "stopped" : this.pause === "none" ? "serving" : this.pause),
    inFlight: () => this.running?.server.inFlight ?? 0,
    nextSessionBoundary: () => {
      const latest = this.running?.connection.blocks.latest();
      if (!this.running || latest === undefined || this.currentSessionEnd === undefined) return null;
      return Date.now() + Number(this.currentSessionEnd - latest.height + 1n) * this.running.connection.blockTimeMs;
    },
    pause: (options) =>
      this.serialised(async () => {
        const running = this.running;
        if (!running || this.pause !== "none") return;
        this.pause = "draining";
        this.servingChanged();
        await running.server.stop({ drain: options.drain });
        this.pause = "paused";
        this.servingChanged();
        this.options.emit("miner.status", this.status());
      }),
    resume: () =>
      this.serialised(async () => {
        const running = this.running;
        if (!running || this.pause !== "paused") return;
        await running.server.start();
        this.pause = "none";
        this.servingChanged();
        this.options.emit("miner.status", this.status());
      }),
    onChange: (listener) => {
      this.servingListeners.add(listener);
      return () => this.servingListeners.delete(listener);
    },
  };

  constructor(private readonly options: RelayMinerServiceOptions) {}

  async start(): Promise<void> {
    if (!this.options.config().autoStart) return;
    await this.startMining().catch((error) => this.options.logger.warn("relay miner did not start", { error: (error as Error).message }));
  }

  async dispose(): Promise<void> {
    await this.stopMining();
  }

  /** Starts serving; resolves with the status once relays are accepted. */
  startMining(): Promise<MinerStatus> {
    return this.serialised(async () => {
      if (this.running) return this.status();
      this.setState("starting", null);
      try {
        this.running = await this.launch();
        this.setState("running", null);
        this.options.logger.info("relay miner running", { url: this.running.server.url, operator: this.running.operatorAddress });
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        this.setState("error", text);
        throw error instanceof ApiError ? error : new ApiError("unavailable", `The relay miner could not start: ${text}`);
      }
      return this.status();
    });
  }

  stopMining(): Promise<MinerStatus> {
    return this.serialised(async () => {
      const running = this.running;
      if (!running) return this.status();
      this.setState("stopping", null);
      this.running = undefined;
      this.pause = "none";
      clearInterval(running.ticker);
      running.unsubscribe();
      await running.server.stop();
      await running.metricsServer?.stop();
      await running.scheduler.stop();
      await running.ringChecker.close();
      for (const backend of running.backends) backend.close();
      this.options.ledger.flush();
      await running.connection.close().catch(() => undefined);
      this.setState("stopped", null);
      return this.status();
    });
  }

  /**
   * The chain service moved to another network (or a fresh localnet): a running miner's sessions, parameters and
   * blocks came from the old one, so it stops and starts again on the new one, paused again if it was. A network that
   * cannot be reached leaves the miner in `error` saying so, instead of serving nothing while reporting `running`.
   */
  async networkChanged(): Promise<void> {
    if (!this.running) return;
    const paused = this.pause !== "none";
    await this.stopMining();
    try {
      await this.startMining();
    } catch (error) {
      this.options.logger.warn("relay miner could not reconnect after the network changed", { error: (error as Error).message });
      return;
    }
    if (paused) await this.serving.pause({ drain: false });
  }

  /** Resolves once the claim/proof work triggered by the blocks seen so far is done (tests, shutdown). */
  async idle(): Promise<void> {
    await this.running?.scheduler.idle();
  }

  status(): MinerStatus {
    const running = this.running;
    const height = running?.connection.blocks.latest()?.height;
    return {
      state: this.state === "running" && this.pause !== "none" ? "paused" : this.state,
      message: this.message,
      listenUrl: running?.server.url ?? null,
      metricsUrl: running?.metricsServer?.url ?? null,
      operatorAddress: running?.operatorAddress ?? null,
      services: running?.services ?? [],
      height: height === undefined ? null : Number(height),
      startedAt: running?.startedAt ?? null,
      sessions: running ? [...running.pipeline.trees.values()].map((tree) => this.sessionOf(tree, height)) : [],
      pendingClaims: running?.scheduler.pendingClaims ?? 0,
    };
  }

  metricsSnapshot(): MinerMetrics {
    const rolling = this.metrics.rolling();
    const totals = this.options.ledger.earnings.totals();
    const running = this.running;
    const height = running?.connection.blocks.latest()?.height;
    const current = running?.lastSession && running.pipeline.trees.get(running.lastSession.key) ? running.lastSession : undefined;
    return {
      time: Date.now(),
      relaysPerMinute: rolling.relaysPerMinute,
      relaysTotal: sum(this.metrics.requestsSuccessTotal.entries()),
      minedTotal: sum(this.metrics.relaysMinedTotal.entries()),
      errorsPerMinute: rolling.errorsPerMinute,
      errorsByCode: this.metrics.errorsByCode.entries().map(({ labels, value }) => ({ codespace: labels[1], code: Number(labels[2]), count: value })),
      latencyMs: rolling.latencyMs,
      tokensPerSecond: rolling.tokensPerSecond,
      height: height === undefined ? null : Number(height),
      currentSession: current ? this.sessionOf(current, height) : null,
      pendingClaims: running?.scheduler.pendingClaims ?? 0,
      earnings: { settledUpokt: totals.settledUpokt.toString(), pendingUpokt: totals.pendingUpokt.toString() },
    };
  }

  // ---------------------------------------------------------------------------------------------------

  private async launch(): Promise<Running> {
    const config = this.options.config();
    if (config.services.length === 0) {
      throw new ApiError("conflict", "No service is configured for relays: add one (service id and backend) in the relay miner settings.");
    }
    const signer = this.options.signer();
    const connection = await this.options.connect(this.metrics);
    const cleanups: Array<() => unknown> = [() => connection.close()];
    try {
      const backends: Backend[] = [];
      const routes = new Map<string, ServiceRoute>();
      for (const service of config.services) {
        const backend =
          service.backend.type === "inference"
            ? new InProcessBackend(this.options.inferenceHandler({ byom: service.backend.byom ?? isByomService(service.serviceId) }))
            : new HttpBackend(new URL(service.backend.url));
        backends.push(backend);
        routes.set(service.serviceId, {
          serviceId: service.serviceId,
          backend,
          target:
            service.backend.type === "inference"
              ? { baseUrl: new URL("http://inference.invalid/") }
              : {
                  baseUrl: new URL(service.backend.url),
                  headers: service.backend.headers,
                  basicAuth: service.backend.basicAuth,
                  forwardPocketHeaders: service.backend.forwardPocketHeaders,
                },
          timeoutMs: service.requestTimeoutMs ?? config.requestTimeoutMs,
          streamTimeoutMs: service.streamTimeoutMs ?? config.streamTimeoutMs,
          maxBodyBytes: service.maxBodyBytes ?? config.maxBodyBytes,
        });
      }
      cleanups.push(() => backends.forEach((b) => b.close()));
      const ringChecker = createRingChecker(config.ringVerifierThreads);
      cleanups.push(() => ringChecker.close());

      let scheduler: ClaimProofScheduler | undefined;
      let running: Running | undefined;
      const pipeline = createRelayPipeline({
        chain: connection.relayChain,
        blocks: connection.blocks,
        signers: [signer],
        routes,
        ledger: this.options.ledger,
        metrics: this.metrics,
        ringChecker,
        enableOverServicing: config.enableOverServicing,
        addressPrefix: this.options.addressPrefix,
        onServed: (event) => {
          if (running) running.lastSession = pipeline.trees.get(sessionTreeKey(event.sessionId, event.operatorAddress, event.serviceId)) ?? running.lastSession;
          this.emitRelay(event);
        },
        onSessionOpened: (tree) => {
          scheduler?.track(tree);
          this.options.emit("miner.session", { sessionId: tree.header.sessionId, serviceId: tree.header.serviceId, stage: "open", reason: null });
        },
      });
      scheduler = new ClaimProofScheduler({
        trees: pipeline.trees,
        ledger: this.options.ledger,
        chain: connection.claimChain,
        metrics: this.metrics,
        logger: this.options.logger.child("claims"),
        onChange: (change: SessionChange) =>
          this.options.emit("miner.session", { sessionId: change.sessionId, serviceId: change.serviceId, stage: change.state, reason: change.reason }),
      });
      cleanups.push(() => scheduler!.stop());
      this.restoreSessions(pipeline, scheduler, signer.address);

      const server = new RelayServer({
        host: config.listen.host,
        port: config.listen.port,
        maxBodyBytes: config.maxRequestBytes,
        maxInFlightPerClient: config.maxInFlightPerClient,
        handler: pipeline.handler,
        metrics: this.metrics,
        logger: this.options.logger,
        onInFlightChange: () => this.servingChanged(),
      });
      await server.start();
      cleanups.push(() => server.stop());
      let metricsServer: MetricsServer | undefined;
      if (config.metrics.enabled) {
        metricsServer = new MetricsServer({ host: config.metrics.host, port: config.metrics.port, render: () => this.metrics.render(), logger: this.options.logger });
        await metricsServer.start();
        cleanups.push(() => metricsServer!.stop());
      }

      const onBlock = (block: FollowedBlock) => {
        this.metrics.blockHeightCurrent.set([], Number(block.height));
        scheduler!.onBlock(block);
        pipeline.cache.sharedParamsAt(block.height).then(
          (params) => {
            this.currentSessionEnd = sessionBounds(params, block.height).endHeight;
            this.servingChanged();
          },
          () => undefined,
        );
      };
      const unsubscribe = connection.blocks.onBlock(onBlock);
      const latest = connection.blocks.latest();
      if (latest) onBlock(latest);
      const ticker = setInterval(() => this.options.emit("miner.metrics", this.metricsSnapshot()), this.options.metricsIntervalMs ?? 2000);
      ticker.unref();
      running = {
        connection,
        pipeline,
        scheduler,
        server,
        metricsServer,
        ringChecker,
        backends,
        services: [...routes.values()].map((r) => ({ serviceId: r.serviceId, backend: r.backend.description })),
        operatorAddress: signer.address,
        startedAt: Date.now(),
        unsubscribe,
        ticker,
        lastSession: undefined,
      };
      return running;
    } catch (error) {
      for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
      throw error;
    }
  }

  /** Rebuilds the trees of sessions the ledger says are unfinished (mined relays replayed in order). */
  private restoreSessions(pipeline: RelayPipeline, scheduler: ClaimProofScheduler, operatorAddress: string): void {
    for (const stored of this.options.ledger.unfinishedSessions()) {
      if (stored.operatorAddress !== operatorAddress) continue;
      const tree = pipeline.trees.restore(stored, this.options.ledger.minedRelays(stored.treeKey));
      scheduler.track(tree, stored.state === "claimed" ? "claimed" : stored.state === "proven" ? "proven" : "open");
      this.options.logger.info("session tree rebuilt from the ledger", { session: stored.sessionId, relays: tree.minedRelays, state: stored.state });
    }
  }

  private sessionOf(tree: SessionTree, height: bigint | undefined): MinerSession {
    const { header } = tree;
    const length = Number(header.sessionEndBlockHeight - header.sessionStartBlockHeight + 1n);
    const done = height === undefined ? 0 : Number(height - header.sessionStartBlockHeight + 1n);
    const stored = this.options.ledger.session(tree.key);
    return {
      sessionId: header.sessionId,
      serviceId: header.serviceId,
      applicationAddress: header.applicationAddress,
      operatorAddress: tree.operatorAddress,
      startHeight: Number(header.sessionStartBlockHeight),
      endHeight: Number(header.sessionEndBlockHeight),
      claimOpenHeight: Number(tree.heights.claimWindowOpenHeight),
      proofCloseHeight: Number(tree.heights.proofWindowCloseHeight),
      progress: Math.min(1, Math.max(0, done / length)),
      minedRelays: tree.minedRelays,
      computeUnits: tree.trie.sum().toString(),
      stage: stored?.state ?? "open",
    };
  }

  private emitRelay(event: ServedRelayEvent): void {
    const second = Math.floor(event.time / 1000);
    if (this.relayEventBudget.second !== second) this.relayEventBudget = { second, left: this.options.relayEventsPerSecond ?? 50 };
    if (this.relayEventBudget.left <= 0) return;
    this.relayEventBudget.left -= 1;
    this.options.emit("miner.relay", event);
  }

  private setState(state: MinerStatus["state"], message: string | null): void {
    this.state = state;
    this.message = message;
    this.options.emit("miner.status", this.status());
    this.servingChanged();
  }

  private servingChanged(): void {
    for (const listener of this.servingListeners) listener();
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.transition.then(work, work);
    this.transition = next.catch(() => undefined);
    return next;
  }
}

function sum(entries: Array<{ value: number }>): number {
  return entries.reduce((total, e) => total + e.value, 0);
}
