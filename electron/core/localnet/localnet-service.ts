// The localnet as the engine uses it: the embedded chain (started when the network is localnet), or a shared
// standalone one reached over RPC; the faucet for either; reset; and the traffic generator, whose stats are
// pushed as events.
import { join } from "node:path";
import type { ChainClient } from "../chain/client.js";
import type { EmbeddedLocalnet } from "../chain/chain-service.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";
import { startingFundsUpokt } from "../../../shared/economics.js";
import { GENESIS_SERVICE_ID, type LocalnetGenesis } from "./config.js";
import { Localnet } from "./localnet.js";
import { TrafficGenerator, loadOrCreateTrafficKeys } from "./traffic/generator.js";
import type { TrafficStats } from "./traffic/stats.js";

export class LocalnetUnavailableError extends Error {
  override readonly name = "LocalnetUnavailableError";
}

export interface LocalnetServiceOptions {
  /** <dataDir>/localnet */
  dataDir: string;
  logger: Logger;
  /** The chain client of the current network (the traffic generator signs and queries through it). */
  client(): ChainClient | undefined;
  onTraffic(stats: TrafficStats): void;
  blockTimeMs?: number;
  port?: number;
  genesis?: LocalnetGenesis;
  /** Minimum interval between traffic events. */
  trafficEventIntervalMs?: number;
}

type Attachment = { kind: "embedded" } | { kind: "shared"; rpcUrl: string } | { kind: "off" };

export class LocalnetService implements Service, EmbeddedLocalnet {
  private embedded: Localnet | undefined;
  private attachment: Attachment = { kind: "off" };
  private generator: TrafficGenerator | undefined;
  /** The service the traffic generator's application uses. */
  private trafficService: string = GENESIS_SERVICE_ID;
  /** The model its requests name; undefined: the generator's own default. */
  private trafficModel: string | undefined;
  private lastTrafficEvent = 0;
  private pendingTraffic: NodeJS.Timeout | undefined;

  constructor(private readonly options: LocalnetServiceOptions) {}

  /** The chain service starts the embedded localnet when the network is localnet. */
  async start(): Promise<void> {}

  async dispose(): Promise<void> {
    this.stopTraffic();
    await this.stopEmbedded();
  }

  get localnet(): Localnet | undefined {
    return this.embedded;
  }

  async startEmbedded(): Promise<{ rpcUrl: string; blockTimeMs: number }> {
    if (this.embedded === undefined) {
      const localnet = new Localnet({
        dataDir: this.options.dataDir,
        blockTimeMs: this.options.blockTimeMs,
        port: this.options.port,
        genesis: this.options.genesis,
        logger: this.options.logger,
      });
      await localnet.start();
      this.embedded = localnet;
    }
    return { rpcUrl: this.embedded.rpcUrl, blockTimeMs: this.embedded.blockTimeMs };
  }

  async stopEmbedded(): Promise<void> {
    if (this.attachment.kind === "embedded") this.stopTraffic();
    const embedded = this.embedded;
    this.embedded = undefined;
    await embedded?.dispose();
  }

  attach(attachment: Attachment): void {
    // Every connection brings a new chain client: a generator holding the old one is retired (start it again).
    this.stopTraffic();
    this.generator = undefined;
    this.attachment = attachment;
  }

  /**
   * Pays `amount` upokt (default: what starting as a supplier takes on this chain, its minimum stake plus an
   * add-service fee plus 1,000 POKT) from the faucet of the localnet in use; resolves with the amount and the paying
   * block's height.
   */
  async faucet(address: string, amount?: bigint): Promise<{ amount: bigint; height: bigint }> {
    const paid = amount ?? (await this.startingFunds());
    return { amount: paid, height: await this.pay(address, paid) };
  }

  /** What starting as a supplier takes on the localnet in use (its params: 64,000 POKT mainnet-like). */
  async startingFunds(): Promise<bigint> {
    const client = this.options.client();
    if (this.attachment.kind === "off" || client === undefined) {
      throw new LocalnetUnavailableError("The faucet exists only on the localnet. Switch the network to localnet first.");
    }
    const [supplier, service] = await Promise.all([client.pocket.supplierParams(), client.pocket.serviceParams()]);
    return startingFundsUpokt(BigInt(supplier.minStake?.amount ?? "0"), BigInt(service.addServiceFee?.amount ?? "0"));
  }

  private async pay(address: string, amount: bigint): Promise<bigint> {
    const attachment = this.attachment;
    if (attachment.kind === "embedded" && this.embedded) return this.embedded.faucet(address, amount);
    if (attachment.kind === "shared") return this.remoteFaucet(attachment.rpcUrl, address, amount);
    throw new LocalnetUnavailableError("The faucet exists only on the localnet. Switch the network to localnet first.");
  }

  /** Starts the embedded chain over from genesis (a shared localnet is reset from its own command line). */
  async reset(): Promise<void> {
    if (this.attachment.kind !== "embedded" || this.embedded === undefined) {
      throw new LocalnetUnavailableError(
        this.attachment.kind === "shared"
          ? "This engine uses a shared localnet; reset it where it runs (npm run localnet -- --reset)."
          : "The embedded localnet is not running. Switch the network to localnet first.",
      );
    }
    this.stopTraffic();
    this.generator = undefined;
    await this.embedded.reset();
  }

  /**
   * Starts sending relays; `serviceId` switches the application to that service (the one the user's supplier serves)
   * and `model` is the model its requests name (the one the supplier's backend serves).
   */
  async startTraffic(ratePerSecond?: number, serviceId?: string, model?: string): Promise<TrafficStats> {
    if ((serviceId !== undefined && serviceId !== this.trafficService) || (model !== undefined && model !== this.trafficModel)) {
      this.stopTraffic();
      this.generator = undefined;
      this.trafficService = serviceId ?? this.trafficService;
      this.trafficModel = model ?? this.trafficModel;
    }
    const generator = this.trafficGenerator();
    if (ratePerSecond !== undefined) generator.setRate(ratePerSecond);
    await generator.start();
    return generator.stats();
  }

  stopTraffic(): void {
    this.generator?.stop();
  }

  setTrafficRate(ratePerSecond: number): TrafficStats {
    const generator = this.trafficGenerator();
    generator.setRate(ratePerSecond);
    return generator.stats();
  }

  trafficStats(): TrafficStats {
    return this.generator?.stats() ?? {
      running: false,
      ratePerSecond: 1,
      serviceId: this.trafficService,
      applicationAddress: null,
      gatewayAddress: null,
      sent: 0,
      succeeded: 0,
      failed: 0,
      failuresByReason: {},
      latencyMsP50: null,
      latencyMsP95: null,
      streamed: 0,
      firstTokenMsP50: null,
      lastError: null,
      lastRelayAt: null,
      suppliers: [],
    };
  }

  private trafficGenerator(): TrafficGenerator {
    if (this.generator) return this.generator;
    const client = this.options.client();
    if (this.attachment.kind === "off" || client === undefined) {
      throw new LocalnetUnavailableError("The traffic generator runs only on a reachable localnet. Switch the network to localnet first.");
    }
    const keysFile = this.attachment.kind === "embedded" ? "traffic-keys.json" : "traffic-keys-shared.json";
    this.generator = new TrafficGenerator({
      client,
      faucet: (address, amount) => this.pay(address, amount),
      keys: loadOrCreateTrafficKeys(join(this.options.dataDir, keysFile)),
      serviceId: this.trafficService,
      ...(this.trafficModel !== undefined ? { model: this.trafficModel } : {}),
      logger: this.options.logger,
      onStats: (stats) => this.publishTraffic(stats),
    });
    return this.generator;
  }

  /** Pushes traffic stats at most every trafficEventIntervalMs, always delivering the latest. */
  private publishTraffic(stats: TrafficStats): void {
    const interval = this.options.trafficEventIntervalMs ?? 500;
    const now = Date.now();
    if (now - this.lastTrafficEvent >= interval) {
      this.lastTrafficEvent = now;
      this.options.onTraffic(stats);
      return;
    }
    if (this.pendingTraffic) return;
    this.pendingTraffic = setTimeout(() => {
      this.pendingTraffic = undefined;
      this.lastTrafficEvent = Date.now();
      this.options.onTraffic(this.generator?.stats() ?? stats);
    }, interval - (now - this.lastTrafficEvent));
    this.pendingTraffic.unref?.();
  }

  private async remoteFaucet(rpcUrl: string, address: string, amount: bigint): Promise<bigint> {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "faucet", params: { address, amount: amount.toString() } }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json()) as { result?: { height: string }; error?: { message: string; data?: string } };
    if (body.error) throw new LocalnetUnavailableError(`the shared localnet's faucet refused: ${body.error.data || body.error.message}`);
    return BigInt(body.result!.height);
  }
}
