// The embedded localnet as a service: the chain in <dataDir>/localnet.sqlite (WAL), its CometBFT RPC on
// 127.0.0.1, a block timer, the faucet, and reset. A restart continues the same chain from the file.
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Service } from "../runtime/service.js";
import type { LocalnetGenesis } from "./config.js";
import { defaultLocalnetGenesis } from "./config.js";
import { FaucetAllowance, SqliteFaucetLedger, type FaucetLimits } from "./faucet-allowance.js";
import { LocalChain, type CommittedBlock } from "./local-chain.js";
import { RpcServer } from "./rpc/server.js";
import { openLocalnetDatabase, type LocalnetDatabase } from "./state/db.js";

export const LOCALNET_DB_FILE = "localnet.sqlite";
export const DEFAULT_BLOCK_TIME_MS = 1000;

interface LocalnetLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LocalnetOptions {
  dataDir: string;
  /** RPC port on 127.0.0.1; 0 (default) picks a free one. A reset keeps the port it got. */
  port?: number;
  /** Block interval; 0 = blocks only when produceBlock() is called (tests). */
  blockTimeMs?: number;
  /** Used only when the data dir holds no chain yet (and after a reset). */
  genesis?: LocalnetGenesis;
  websocket?: boolean;
  maxTxsPerBlock?: number;
  logger?: LocalnetLogger;
  now?: () => number;
  /** Caps on faucet payments (per request, per address and in all, per window); DEFAULT_FAUCET_LIMITS by default. */
  faucetLimits?: Partial<FaucetLimits>;
}

export interface LocalnetBlock {
  height: number;
  hash: string;
  time: string;
  txCount: number;
}

const silent: LocalnetLogger = { info() {}, warn() {}, error() {} };

export class Localnet implements Service {
  private db: LocalnetDatabase | undefined;
  private localChain: LocalChain | undefined;
  private server: RpcServer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private paused = false;
  private port: number;
  private readonly logger: LocalnetLogger;
  private readonly blockListeners = new Set<(block: LocalnetBlock) => void>();
  private unsubscribe: (() => void) | undefined;
  private readonly faucetAllowance: FaucetAllowance;

  constructor(private readonly options: LocalnetOptions) {
    this.port = options.port ?? 0;
    this.logger = options.logger ?? silent;
    this.faucetAllowance = new FaucetAllowance(options.faucetLimits, options.now);
  }

  get blockTimeMs(): number {
    return this.options.blockTimeMs ?? DEFAULT_BLOCK_TIME_MS;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  get chain(): LocalChain {
    if (this.localChain === undefined) throw new Error("the localnet is not running");
    return this.localChain;
  }

  get rpcUrl(): string {
    if (this.server === undefined) throw new Error("the localnet is not running");
    return this.server.url;
  }

  get rpcServer(): RpcServer {
    if (this.server === undefined) throw new Error("the localnet is not running");
    return this.server;
  }

  get databasePath(): string {
    return join(this.options.dataDir, LOCALNET_DB_FILE);
  }

  onBlock(listener: (block: LocalnetBlock) => void): () => void {
    this.blockListeners.add(listener);
    return () => this.blockListeners.delete(listener);
  }

  private openChain(): LocalChain {
    this.db = openLocalnetDatabase(this.databasePath);
    this.faucetAllowance.useLedger(new SqliteFaucetLedger(this.db, this.faucetAllowance.limits.windowMs));
    this.localChain = new LocalChain(this.db, {
      genesis: this.options.genesis ?? defaultLocalnetGenesis(),
      maxTxsPerBlock: this.options.maxTxsPerBlock,
      now: this.options.now,
    });
    this.unsubscribe = this.localChain.onCommit((committed) => this.announce(committed));
    return this.localChain;
  }

  private closeChain(): void {
    this.faucetAllowance.useLedger(null);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.localChain?.close();
    this.localChain = undefined;
    this.db?.close();
    this.db = undefined;
  }

  async start(): Promise<void> {
    if (this.server !== undefined) return;
    this.openChain();
    const server = new RpcServer(this.localChain!, {
      port: this.port,
      websocket: this.options.websocket,
      faucet: (address, amount) => this.faucet(address, amount),
    });
    await server.start();
    this.server = server;
    this.port = Number(new URL(server.url).port);
    this.startTimer();
    this.logger.info("localnet running", { rpc: server.url, chainId: this.chain.chainId, height: Number(this.chain.height) });
  }

  private startTimer(): void {
    if (this.blockTimeMs > 0) this.timer = setInterval(() => this.tick(), this.blockTimeMs);
  }

  async dispose(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.server?.stop();
    this.server = undefined;
    this.closeChain();
  }

  /** Deletes the chain and starts a new one from genesis, served at the same address. */
  async reset(): Promise<void> {
    if (this.server === undefined) throw new Error("the localnet is not running");
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.closeChain();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${this.databasePath}${suffix}`, { force: true });
    this.server.replaceChain(this.openChain());
    this.startTimer();
    this.logger.info("localnet reset to genesis", { rpc: this.rpcUrl });
  }

  /** Test hook: the timer stops producing blocks until resumeBlocks() (produceBlock() still works). */
  pauseBlocks(): void {
    this.paused = true;
  }

  resumeBlocks(): void {
    this.paused = false;
  }

  /** Produces the next block now (manual mode, or to hurry a test). */
  produceBlock(): CommittedBlock {
    return this.chain.produceBlock();
  }

  /**
   * Pays `amount` upokt from the faucet in the next block; resolves with that block's height. Every door to the faucet
   * (the RPC listener, the API, the command line) comes through here and is capped by the faucet's limits.
   * @throws FaucetLimitError when the request is over a limit
   */
  async faucet(address: string, amount: bigint): Promise<bigint> {
    this.faucetAllowance.charge(address, amount);
    try {
      return await this.chain.faucet(address, amount);
    } catch (error) {
      this.faucetAllowance.refund(address, amount);
      throw error;
    }
  }

  /** Resolves once a block at or above `height` is committed. */
  waitForHeight(height: bigint | number, timeoutMs = 60_000): Promise<void> {
    const target = BigInt(height);
    if (this.chain.height >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`the localnet did not reach height ${target} within ${timeoutMs} ms (at ${this.localChain?.height})`));
      }, timeoutMs);
      const stop = this.chain.onCommit((committed) => {
        if (committed.block.height < target) return;
        clearTimeout(timer);
        stop();
        resolve();
      });
    });
  }

  private tick(): void {
    if (this.paused) return;
    try {
      this.chain.produceBlock();
    } catch (error) {
      this.logger.error("localnet block production failed", { error: error instanceof Error ? error.message : String(error) });
    }
  }

  private announce(committed: CommittedBlock): void {
    const block: LocalnetBlock = {
      height: Number(committed.block.height),
      hash: Buffer.from(committed.block.hash).toString("hex").toUpperCase(),
      time: String(committed.block.header.time),
      txCount: committed.txs.length,
    };
    for (const listener of this.blockListeners) {
      try {
        listener(block);
      } catch (error) {
        this.logger.warn("a localnet block listener failed", { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}
