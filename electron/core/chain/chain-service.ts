// The engine's connection to a network: builds the profile for the chosen network (starting the embedded
// localnet when that is the choice), connects the chain client, follows blocks and reports status. A node that
// cannot be reached does not stop the app: status says why, and the service keeps retrying.
import { checkNodeUrl } from "../runtime/outbound-url.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";
import { BlockFollower, type FollowedBlock } from "./block-follower.js";
import { ChainClient } from "./client.js";
import { NetworkSettingsStore } from "./network-settings.js";
import { customProfile, localnetProfile, publicProfile, type NetworkName, type NetworkProfile } from "./networks.js";

/** The in-process localnet as the chain service needs it (implemented in electron/core/localnet). */
export interface EmbeddedLocalnet {
  /** Starts it (if needed) and says where its RPC listens. */
  startEmbedded(): Promise<{ rpcUrl: string; blockTimeMs: number }>;
  stopEmbedded(): Promise<void>;
  /** Which localnet the chain client now talks to. */
  attach(mode: { kind: "embedded" } | { kind: "shared"; rpcUrl: string } | { kind: "off" }): void;
}

export interface ChainStatusSnapshot {
  network: NetworkName;
  chainId: string | null;
  height: number | null;
  latestBlockTime: string | null;
  reachable: boolean;
  rpcUrl: string | null;
  error: string | null;
  following: "websocket" | "polling" | "stopped";
  localnet: { mode: "embedded" | "shared" | "off" };
}

export interface ChainServiceOptions {
  dataDir: string;
  network: NetworkName;
  /** Persists the network choice (config.json). */
  saveNetwork(network: NetworkName): void;
  localnet: EmbeddedLocalnet;
  logger: Logger;
  onBlock(block: FollowedBlock & { network: NetworkName }): void;
  /** Retry interval while the node is unreachable. */
  retryMs?: number;
}

export class ChainService implements Service {
  private network: NetworkName;
  private readonly settings: NetworkSettingsStore;
  private current: { client: ChainClient; follower: BlockFollower; profile: NetworkProfile } | undefined;
  private lastError: string | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private switching: Promise<unknown> = Promise.resolve();
  private localnetMode: "embedded" | "shared" | "off" = "off";
  private disposed = false;

  constructor(private readonly options: ChainServiceOptions) {
    this.network = options.network;
    this.settings = new NetworkSettingsStore(options.dataDir, options.logger);
  }

  /** The client of the current network; undefined while it cannot be reached. */
  get client(): ChainClient | undefined {
    return this.current?.client;
  }

  get networkName(): NetworkName {
    return this.network;
  }

  /** The profile of the network in use (what the relay miner should connect with); throws while unreachable. */
  profile(): NetworkProfile {
    if (this.current === undefined) throw new Error(`the ${this.network} node is not reachable: ${this.lastError ?? "not connected"}`);
    return this.current.profile;
  }

  async start(): Promise<void> {
    await this.serialized(() => this.connect());
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.serialized(() => this.disconnect());
    await this.options.localnet.stopEmbedded();
  }

  /** Switches network (persisting the choice and endpoints) and reports the new status. */
  async setNetwork(params: { network: NetworkName; rpcUrl?: string; chainId?: string }): Promise<ChainStatusSnapshot> {
    if (params.rpcUrl !== undefined) await checkNodeUrl(params.rpcUrl, params.network === "localnet" ? "The shared localnet's RPC URL" : "The custom network's RPC URL");
    await this.serialized(async () => {
      const endpoints = this.settings.get();
      if (params.network === "custom") {
        endpoints.customRpcUrl = params.rpcUrl ?? endpoints.customRpcUrl;
        endpoints.customChainId = params.chainId ?? null;
      }
      if (params.network === "localnet") endpoints.sharedLocalnetRpcUrl = params.rpcUrl ?? null;
      // Validate before tearing anything down: a malformed URL must not leave the app without a network.
      this.profileFor(params.network, endpoints, "http://127.0.0.1:1");
      this.settings.set(endpoints);
      await this.disconnect();
      if (this.network === "localnet" && (params.network !== "localnet" || endpoints.sharedLocalnetRpcUrl !== null)) {
        await this.options.localnet.stopEmbedded();
      }
      this.network = params.network;
      this.options.saveNetwork(params.network);
      await this.connect();
    });
    return this.status();
  }

  /** Reconnects to the same network (after a localnet reset the heights start over). */
  async reconnect(): Promise<ChainStatusSnapshot> {
    await this.serialized(async () => {
      await this.disconnect();
      await this.connect();
    });
    return this.status();
  }

  async status(): Promise<ChainStatusSnapshot> {
    const base = {
      network: this.network,
      rpcUrl: this.current?.profile.rpcUrl ?? null,
      following: this.current?.follower.mode === "websocket" ? ("websocket" as const) : this.current ? ("polling" as const) : ("stopped" as const),
      localnet: { mode: this.network === "localnet" ? this.localnetMode : ("off" as const) },
    };
    const current = this.current;
    if (current === undefined) {
      return { ...base, chainId: null, height: null, latestBlockTime: null, reachable: false, error: this.lastError ?? "not connected" };
    }
    try {
      const status = await current.client.status();
      return { ...base, chainId: status.chainId, height: status.height, latestBlockTime: status.latestBlockTime, reachable: true, error: null };
    } catch (error) {
      const latest = current.follower.latest;
      return {
        ...base,
        chainId: current.client.chainId,
        height: latest?.height ?? null,
        latestBlockTime: latest?.time ?? null,
        reachable: false,
        error: `the node at ${current.profile.rpcUrl} does not answer: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async balance(address: string): Promise<bigint> {
    const client = this.current?.client;
    if (client === undefined) throw new Error(`the ${this.network} node is not reachable: ${this.lastError ?? "not connected"}`);
    return client.balance(address);
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const next = this.switching.then(task, task);
    this.switching = next.catch(() => undefined);
    return next;
  }

  private profileFor(network: NetworkName, endpoints: ReturnType<NetworkSettingsStore["get"]>, embeddedUrl: string, blockTimeMs?: number): NetworkProfile {
    switch (network) {
      case "beta":
      case "mainnet":
        return publicProfile(network);
      case "custom":
        if (endpoints.customRpcUrl === null) throw new Error("the custom network has no RPC URL; set one with chain.setNetwork");
        return customProfile({ rpcUrl: endpoints.customRpcUrl, chainId: endpoints.customChainId ?? undefined });
      case "localnet":
        return localnetProfile(endpoints.sharedLocalnetRpcUrl ?? embeddedUrl, blockTimeMs);
    }
  }

  private async connect(): Promise<void> {
    if (this.disposed) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const network = this.network;
    try {
      const endpoints = this.settings.get();
      let profile: NetworkProfile;
      if (network === "localnet" && endpoints.sharedLocalnetRpcUrl === null) {
        const embedded = await this.options.localnet.startEmbedded();
        profile = this.profileFor(network, endpoints, embedded.rpcUrl, embedded.blockTimeMs);
        this.localnetMode = "embedded";
        this.options.localnet.attach({ kind: "embedded" });
      } else {
        profile = this.profileFor(network, endpoints, "");
        this.localnetMode = network === "localnet" ? "shared" : "off";
        this.options.localnet.attach(
          network === "localnet" ? { kind: "shared", rpcUrl: profile.rpcUrl } : { kind: "off" },
        );
      }
      const client = await ChainClient.connect(profile);
      const follower = new BlockFollower({
        rpcUrl: profile.rpcUrl,
        wsUrl: profile.wsUrl,
        blockTimeMs: profile.blockTimeMs,
        logger: this.options.logger,
      });
      follower.onBlock((block) => this.options.onBlock({ ...block, network }));
      try {
        await follower.start();
      } catch (error) {
        client.disconnect();
        throw error;
      }
      this.current = { client, follower, profile };
      this.lastError = null;
      this.options.logger.info("connected to the network", { network, rpc: profile.rpcUrl, chainId: client.chainId });
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.options.logger.warn("cannot connect to the network; will retry", { network, error: this.lastError });
      this.retryTimer = setTimeout(() => void this.serialized(() => this.connect()), this.options.retryMs ?? 30_000);
      this.retryTimer.unref?.();
    }
  }

  private async disconnect(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const current = this.current;
    this.current = undefined;
    if (current === undefined) return;
    await current.follower.stop();
    current.client.disconnect();
  }
}
