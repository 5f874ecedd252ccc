// One chain client for every network: queries over ABCI (cosmos auth/bank/tx + the pocket extension), blocks
// and block hashes over CometBFT RPC, and SIGN_MODE_DIRECT transactions with simulated gas and a fee at the
// network's minimum gas price. Failures come back as ChainTxError with an actionable sentence.
import { fromBase64, toHex } from "@cosmjs/encoding";
import type { EncodeObject, OfflineDirectSigner } from "@cosmjs/proto-signing";
import {
  BroadcastTxError,
  GasPrice,
  QueryClient,
  SigningStargateClient,
  TimeoutError,
  accountFromAny,
  setupAuthExtension,
  setupBankExtension,
  setupTxExtension,
  type AuthExtension,
  type BankExtension,
  type DeliverTxResponse,
  type TxExtension,
} from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { createPocketRegistry } from "./registry.js";
import {
  ChainTxError,
  ChainUnavailableError,
  explainChainFailure,
  isNotFoundError,
  parseQueryFailure,
} from "./errors.js";
import { DEFAULT_GAS_MULTIPLIER, feeUpokt, gasLimitFor } from "./fees.js";
import type { NetworkProfile } from "./networks.js";
import { setupPocketExtension, type PocketExtension } from "./queries.js";

export interface AccountInfo {
  address: string;
  accountNumber: bigint;
  sequence: bigint;
  /** 33-byte compressed secp256k1 key; undefined until the account has signed a transaction. */
  publicKey: Uint8Array | undefined;
}

export interface BlockInfo {
  height: number;
  /** CometBFT block (header) hash, uppercase hex as the RPC reports it. */
  hash: string;
  time: string;
  txCount: number;
}

export interface ChainStatus {
  chainId: string;
  height: number;
  latestBlockHash: string;
  latestBlockTime: string;
  catchingUp: boolean;
}

export interface TxOutcome {
  txHash: string;
  height: number;
  gasUsed: bigint;
  gasWanted: bigint;
  events: DeliverTxResponse["events"];
}

export interface BroadcastOptions {
  memo?: string;
  /** Multiplies the simulated gas (default DEFAULT_GAS_MULTIPLIER). */
  gasMultiplier?: number;
  /** The tx is dropped if not included by this height (claims/proofs use their window's close). */
  timeoutHeight?: bigint;
}

export interface ChainEvent {
  type: string;
  /** Attribute values as the chain emitted them (typed events carry JSON). */
  attributes: Record<string, string>;
}

type Queries = QueryClient & AuthExtension & BankExtension & TxExtension & PocketExtension;

/** Serialises work per key: two transactions of one account must not race for the same sequence. */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

export class ChainClient {
  private readonly registry = createPocketRegistry();
  private readonly queue = new KeyedQueue();
  private readonly gasPrice: GasPrice;

  private constructor(
    readonly profile: NetworkProfile,
    readonly chainId: string,
    private readonly comet: Comet38Client,
    private readonly queries: Queries,
  ) {
    this.gasPrice = GasPrice.fromString(profile.minGasPrice);
  }

  /**
   * Connects over HTTP and checks the node reports a chain id the profile expects. A node that does not answer
   * within `timeoutMs` counts as unreachable (an unroutable host would otherwise hang for minutes).
   */
  static async connect(profile: NetworkProfile, timeoutMs = 15_000): Promise<ChainClient> {
    let comet: Comet38Client | undefined;
    let chainId: string;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      comet = await Promise.race([Comet38Client.connect(profile.rpcUrl), timeout]);
      chainId = (await Promise.race([comet.status(), timeout])).nodeInfo.network;
    } catch (error) {
      comet?.disconnect();
      throw new ChainUnavailableError(
        `Cannot reach the ${profile.name} node at ${profile.rpcUrl}: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      clearTimeout(timer);
    }
    if (profile.expectedChainIds.length > 0 && !profile.expectedChainIds.includes(chainId)) {
      comet.disconnect();
      throw new ChainUnavailableError(
        `The node at ${profile.rpcUrl} runs chain "${chainId}", not ${profile.name} (${profile.expectedChainIds.join(" or ")}). Check the network setting.`,
      );
    }
    const queries = QueryClient.withExtensions(
      comet,
      setupAuthExtension,
      setupBankExtension,
      setupTxExtension,
      setupPocketExtension,
    );
    return new ChainClient(profile, chainId, comet, queries);
  }

  /** Pocket module queries (sessions, suppliers, claims, params…). */
  get pocket(): PocketExtension["pocket"] {
    return this.queries.pocket;
  }

  disconnect(): void {
    this.comet.disconnect();
  }

  async status(): Promise<ChainStatus> {
    const status = await this.comet.status();
    return {
      chainId: status.nodeInfo.network,
      height: status.syncInfo.latestBlockHeight,
      latestBlockHash: toHex(status.syncInfo.latestBlockHash).toUpperCase(),
      latestBlockTime: status.syncInfo.latestBlockTime.toISOString(),
      catchingUp: status.syncInfo.catchingUp,
    };
  }

  async height(): Promise<number> {
    return (await this.comet.status()).syncInfo.latestBlockHeight;
  }

  async account(address: string): Promise<AccountInfo | undefined> {
    let any;
    try {
      any = await this.queries.auth.account(address);
    } catch (error) {
      if (isNotFoundError(error)) return undefined;
      throw error;
    }
    if (any === null) return undefined;
    const account = accountFromAny(any);
    return {
      address: account.address,
      accountNumber: account.accountNumber,
      sequence: BigInt(account.sequence),
      publicKey: account.pubkey ? fromBase64(account.pubkey.value as string) : undefined,
    };
  }

  async publicKey(address: string): Promise<Uint8Array | undefined> {
    return (await this.account(address))?.publicKey;
  }

  async balance(address: string, denom = this.profile.denom): Promise<bigint> {
    const coin = await this.queries.bank.balance(address, denom);
    return BigInt(coin.amount);
  }

  /** The block at `height` (latest when omitted). */
  async block(height?: number): Promise<BlockInfo> {
    const response = await this.comet.block(height);
    return {
      height: response.block.header.height,
      hash: toHex(response.blockId.hash).toUpperCase(),
      time: response.block.header.time.toISOString(),
      txCount: response.block.txs.length,
    };
  }

  /** Headers of [minHeight, maxHeight] (at most 20 per call, as CometBFT answers), ascending. */
  async blocks(minHeight: number, maxHeight: number): Promise<BlockInfo[]> {
    const found: BlockInfo[] = [];
    for (let low = minHeight; low <= maxHeight; ) {
      const high = Math.min(maxHeight, low + 19);
      const { blockMetas } = await this.comet.blockchain(low, high);
      const metas = blockMetas
        .map((meta) => ({
          height: meta.header.height,
          hash: toHex(meta.blockId.hash).toUpperCase(),
          time: meta.header.time.toISOString(),
          txCount: meta.numTxs,
        }))
        .sort((a, b) => a.height - b.height);
      found.push(...metas);
      if (metas.length === 0) break;
      low = metas[metas.length - 1].height + 1;
    }
    return found;
  }

  /** Raw 32-byte header hash of the block at `height` (seeds session ids and proof paths). */
  async blockHash(height: number): Promise<Uint8Array> {
    const [meta] = await this.blocks(height, height);
    if (meta === undefined || meta.height !== height) throw new ChainUnavailableError(`the node has no block ${height}`);
    return Uint8Array.from(Buffer.from(meta.hash, "hex"));
  }

  /**
   * Settlement events (claims settled, expired, suppliers slashed, overserviced apps) from the EndBlock of
   * `height`. Only where the profile allows /block_results: the embedded localnet.
   */
  async settlementEvents(height: number): Promise<ChainEvent[]> {
    if (!this.profile.allowsBlockResults) {
      throw new Error(
        "Settlement events come from /block_results, which PocketForge never fetches from a real network (one settlement block can be ~1 GB). Follow claims and balances instead.",
      );
    }
    const results = await this.comet.blockResults(height);
    return results.finalizeBlockEvents
      .filter((event) => event.type.startsWith("pocket."))
      .map((event) => ({
        type: event.type,
        attributes: Object.fromEntries(event.attributes.map((a) => [a.key, a.value])),
      }));
  }

  /** Simulated gas of `messages` signed by `signerAddress`. */
  async simulate(signer: OfflineDirectSigner, signerAddress: string, messages: readonly EncodeObject[], memo = ""): Promise<number> {
    const client = this.signingClient(signer);
    try {
      return await client.simulate(signerAddress, messages, memo);
    } catch (error) {
      throw this.translate(error, "simulate");
    }
  }

  /** The upokt a transaction with `gasLimit` pays at the network's minimum gas price. */
  feeForGasLimit(gasLimit: number | bigint): bigint {
    return feeUpokt(gasLimit, this.gasPrice);
  }

  /** What signAndBroadcast pays for a transaction whose simulation used `simulatedGas`. */
  feeForSimulatedGas(simulatedGas: number, gasMultiplier = DEFAULT_GAS_MULTIPLIER): bigint {
    return this.feeForGasLimit(gasLimitFor(simulatedGas, gasMultiplier));
  }

  /**
   * Simulates, signs (SIGN_MODE_DIRECT), broadcasts and waits for inclusion. Transactions of one address are
   * sent one after the other so each gets the right sequence.
   */
  signAndBroadcast(
    signer: OfflineDirectSigner,
    signerAddress: string,
    messages: readonly EncodeObject[],
    options: BroadcastOptions = {},
  ): Promise<TxOutcome> {
    return this.queue.run(signerAddress, async () => {
      const client = this.signingClient(signer);
      let response: DeliverTxResponse;
      try {
        // A numeric fee is cosmjs' "simulate, multiply the gas, price it at gasPrice".
        const gasMultiplier = options.gasMultiplier ?? DEFAULT_GAS_MULTIPLIER;
        response = await client.signAndBroadcast(signerAddress, messages, gasMultiplier, options.memo ?? "", options.timeoutHeight);
      } catch (error) {
        throw this.translate(error, error instanceof BroadcastTxError ? "check" : "simulate");
      }
      if (response.code !== 0) {
        const codespace = await this.codespaceOf(response.transactionHash);
        throw new ChainTxError(
          explainChainFailure({ code: response.code, codespace, log: response.rawLog ?? "" }),
          "deliver",
          response.transactionHash,
          response.height,
        );
      }
      return {
        txHash: response.transactionHash,
        height: response.height,
        gasUsed: response.gasUsed,
        gasWanted: response.gasWanted,
        events: response.events,
      };
    });
  }

  private signingClient(signer: OfflineDirectSigner): SigningStargateClient {
    const pollMs = Math.min(3000, Math.max(25, Math.floor(this.profile.blockTimeMs / 4)));
    return SigningStargateClient.createWithSigner(this.comet, signer, {
      registry: this.registry,
      gasPrice: this.gasPrice,
      broadcastPollIntervalMs: pollMs,
      broadcastTimeoutMs: Math.max(30_000, this.profile.blockTimeMs * 4),
    });
  }

  /** DeliverTxResponse carries no codespace; the tx endpoint does. */
  private async codespaceOf(txHash: string): Promise<string> {
    try {
      const tx = await this.comet.tx({ hash: Uint8Array.from(Buffer.from(txHash, "hex")) });
      return tx.result.codespace ?? "";
    } catch {
      return "";
    }
  }

  private translate(error: unknown, stage: "simulate" | "check"): Error {
    if (error instanceof BroadcastTxError) {
      return new ChainTxError(explainChainFailure({ code: error.code, codespace: error.codespace, log: error.log ?? "" }), "check");
    }
    if (error instanceof TimeoutError) {
      return new ChainUnavailableError(
        `Transaction ${error.txId} was sent but no block included it in time; it may still be included later.`,
      );
    }
    const failure = parseQueryFailure(error);
    if (failure !== undefined) return new ChainTxError(explainChainFailure(failure), stage);
    return error instanceof Error ? error : new Error(String(error));
  }
}
