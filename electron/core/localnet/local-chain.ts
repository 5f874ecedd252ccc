// The localnet chain: a mempool fed by CheckTx, blocks produced on demand (a timer or a test calls
// produceBlock), each executed in one SQLite transaction, with CometBFT headers and hashes, and the ABCI query
// and simulation entry points. Everything runs synchronously on the event loop, so a query never observes a
// half-executed block.
import { Decimal } from "@cosmjs/math";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { PocketApp, type TxExecution } from "./pocket-app.js";
import { BlockStore, blockIdJson, headerJson, txResultJson, type StoredBlock, type StoredTx } from "./block-store.js";
import { LOCALNET_ADDRESSES, type LocalnetGenesis } from "./config.js";
import { EventSink, type AbciEvent, type ChainContext } from "./context.js";
import { QueryError, TxError, sdkErrors } from "./errors.js";
import {
  EMPTY_BLOCK_ID,
  consensusParamsHash,
  dataHash,
  headerHash,
  merkleRoot,
  resultsHash,
  validatorsHash,
  type BlockId,
  type Header,
} from "./header.js";
import type { LocalnetDatabase } from "./state/db.js";
import { Store } from "./state/store.js";
import { decodeTx, type DecodedTx } from "./tx-verifier.js";

export const BLOCK_MAX_BYTES = 22_020_096n;
export const BLOCK_MAX_GAS = -1n;
const VOTING_POWER = 10n;

export interface LocalChainOptions {
  genesis: LocalnetGenesis;
  minGasPrice?: string;
  maxTxsPerBlock?: number;
  maxMempoolTxs?: number;
  /** Milliseconds since the epoch; tests may pin it. */
  now?: () => number;
}

export interface CommittedBlock {
  block: StoredBlock;
  txs: StoredTx[];
}

export interface CheckTxResult {
  code: number;
  codespace: string;
  log: string;
  hash: Uint8Array;
}

export interface AbciQueryResult {
  code: number;
  codespace: string;
  log: string;
  value: Uint8Array;
  height: bigint;
}

interface ChainMeta {
  chainId: string;
  height: bigint;
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
  lastBlockId: BlockId;
  lastTimeMs: number;
  validatorKey: Uint8Array;
}

interface PendingFaucet {
  address: string;
  amount: bigint;
  resolve(height: bigint): void;
  reject(error: Error): void;
}

type CommitListener = (committed: CommittedBlock) => void;

export class LocalChain {
  readonly store: Store;
  readonly blocks: BlockStore;
  readonly app: PocketApp;
  private meta: ChainMeta;
  private readonly minGasPrice: Decimal;
  private readonly maxTxsPerBlock: number;
  private readonly maxMempoolTxs: number;
  private readonly now: () => number;
  private mempool: DecodedTx[] = [];
  private readonly mempoolHashes = new Set<string>();
  private readonly expectedSequences = new Map<string, bigint>();
  private readonly reservedFees = new Map<string, bigint>();
  private readonly verifiedSignatures = new Set<string>();
  private faucetQueue: PendingFaucet[] = [];
  private readonly listeners = new Set<CommitListener>();
  readonly validatorPublicKey: Uint8Array;
  readonly validatorAddress: Uint8Array;

  constructor(
    private readonly db: LocalnetDatabase,
    options: LocalChainOptions,
  ) {
    this.store = new Store(db);
    this.blocks = new BlockStore(db);
    this.minGasPrice = Decimal.fromUserInput((options.minGasPrice ?? "0.000001upokt").replace(/upokt$/, ""), 18);
    this.maxTxsPerBlock = options.maxTxsPerBlock ?? 5000;
    this.maxMempoolTxs = options.maxMempoolTxs ?? 20_000;
    this.now = options.now ?? Date.now;
    const existing = this.loadMeta();
    this.meta = existing ?? this.initGenesis(options.genesis);
    this.app = new PocketApp(this.store, this.meta.chainId);
    this.validatorPublicKey = ed25519.getPublicKey(this.meta.validatorKey);
    this.validatorAddress = sha256(this.validatorPublicKey).subarray(0, 20);
    if (existing === undefined) this.produceBlock();
  }

  get chainId(): string {
    return this.meta.chainId;
  }

  get height(): bigint {
    return this.meta.height;
  }

  get appHash(): Uint8Array {
    return this.meta.appHash;
  }

  get pendingTxCount(): number {
    return this.mempool.length;
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  blockHash(height: bigint): Uint8Array | undefined {
    return this.blocks.blockHash(height);
  }

  // -------------------------------------------------------------------------------------------------
  // Genesis and persistence of the chain's own bookkeeping

  private loadMeta(): ChainMeta | undefined {
    const raw = this.db.prepare("SELECT value FROM kv WHERE bucket = 'chain_meta' AND key = 'state'").pluck().get() as Buffer | undefined;
    if (raw === undefined) return undefined;
    const json = JSON.parse(raw.toString("utf8"));
    return {
      chainId: json.chainId,
      height: BigInt(json.height),
      appHash: Buffer.from(json.appHash, "hex"),
      lastResultsHash: Buffer.from(json.lastResultsHash, "hex"),
      lastBlockId: {
        hash: Buffer.from(json.lastBlockId.hash, "hex"),
        parts: { total: json.lastBlockId.total, hash: Buffer.from(json.lastBlockId.partsHash, "hex") },
      },
      lastTimeMs: json.lastTimeMs,
      validatorKey: Buffer.from(json.validatorKey, "hex"),
    };
  }

  private saveMeta(meta: ChainMeta): void {
    const json = JSON.stringify({
      chainId: meta.chainId,
      height: meta.height.toString(),
      appHash: bytesToHex(meta.appHash),
      lastResultsHash: bytesToHex(meta.lastResultsHash),
      lastBlockId: { hash: bytesToHex(meta.lastBlockId.hash), total: meta.lastBlockId.parts.total, partsHash: bytesToHex(meta.lastBlockId.parts.hash) },
      lastTimeMs: meta.lastTimeMs,
      validatorKey: bytesToHex(meta.validatorKey),
    });
    // Written with plain SQL: chain bookkeeping is not application state and stays out of the app hash.
    this.db.prepare("INSERT OR REPLACE INTO kv (bucket, key, value) VALUES ('chain_meta', 'state', ?)").run(Buffer.from(json));
  }

  private initGenesis(genesis: LocalnetGenesis): ChainMeta {
    const meta: ChainMeta = {
      chainId: genesis.chainId,
      height: 0n,
      appHash: new Uint8Array(0),
      lastResultsHash: merkleRoot([]),
      lastBlockId: EMPTY_BLOCK_ID,
      lastTimeMs: 0,
      validatorKey: ed25519.utils.randomSecretKey(),
    };
    this.db.transaction(() => {
      this.store.beginBlock();
      new PocketApp(this.store, genesis.chainId).initGenesis(genesis);
      meta.appHash = this.store.endBlock(new Uint8Array(32));
      this.saveMeta(meta);
    })();
    return meta;
  }

  // -------------------------------------------------------------------------------------------------
  // Mempool

  /** CometBFT CheckTx: decode, ante checks against the mempool's view; accepted txs wait for the next block. */
  checkTx(raw: Uint8Array): CheckTxResult {
    const hash = sha256(raw);
    try {
      const key = bytesToHex(hash);
      // CometBFT's cache remembers txs it has seen, in the mempool or already committed.
      if (this.mempoolHashes.has(key) || this.blocks.tx(hash) !== undefined) throw sdkErrors.txInMempoolCache("tx already exists in cache");
      if (this.mempool.length >= this.maxMempoolTxs) throw sdkErrors.mempoolIsFull(`mempool holds ${this.mempool.length} txs`);
      const tx = decodeTx(raw, this.app.signersOf);
      this.app.runTx(this.context(this.meta.height + 1n), tx, "check", {
        minGasPrice: this.minGasPrice,
        expectedSequence: (address) => this.expectedSequences.get(address),
        reservedFees: (payer) => this.reservedFees.get(payer) ?? 0n,
      });
      this.admit(tx);
      this.verifiedSignatures.add(key);
      return { code: 0, codespace: "", log: "", hash };
    } catch (error) {
      if (!(error instanceof TxError)) throw error;
      return { code: error.code, codespace: error.codespace, log: error.message, hash };
    }
  }

  private admit(tx: DecodedTx): void {
    this.mempool.push(tx);
    this.mempoolHashes.add(bytesToHex(tx.hash));
    tx.signers.forEach((signer, index) => this.expectedSequences.set(signer, tx.sequences[index] + 1n));
    this.reservedFees.set(tx.feePayer, (this.reservedFees.get(tx.feePayer) ?? 0n) + tx.fee);
  }

  /** Rebuilds the mempool's view after a block: what is left waits on top of the new state. */
  private resetMempoolView(): void {
    this.expectedSequences.clear();
    this.reservedFees.clear();
    this.mempoolHashes.clear();
    const remaining = this.mempool;
    this.mempool = [];
    for (const tx of remaining) this.admit(tx);
  }

  /** Queues a faucet payment for the next block; resolves with the height that included it. */
  faucet(address: string, amount: bigint): Promise<bigint> {
    return new Promise((resolve, reject) => this.faucetQueue.push({ address, amount, resolve, reject }));
  }

  // -------------------------------------------------------------------------------------------------
  // Blocks

  private context(height: bigint, time = new Date(this.meta.lastTimeMs), events = new EventSink(), currentHash?: Uint8Array): ChainContext {
    return {
      store: this.store,
      chainId: this.meta.chainId,
      height,
      time,
      events,
      blockHash: (h) => (currentHash !== undefined && h === height ? currentHash : this.blocks.blockHash(h)),
    };
  }

  /** Executes the mempool (up to the block limit) and the faucet queue as the next block and commits it. */
  produceBlock(): CommittedBlock {
    const txs = this.mempool.splice(0, this.maxTxsPerBlock);
    const faucets = this.faucetQueue;
    this.faucetQueue = [];
    const height = this.meta.height + 1n;
    const timeMs = Math.max(this.now(), this.meta.lastTimeMs + 1);
    const header: Header = {
      version: { block: 11n, app: 0n },
      chainId: this.meta.chainId,
      height,
      time: { seconds: BigInt(Math.floor(timeMs / 1000)), nanos: (timeMs % 1000) * 1_000_000 },
      lastBlockId: this.meta.lastBlockId,
      lastCommitHash: merkleRoot([]),
      dataHash: dataHash(txs.map((tx) => tx.raw)),
      validatorsHash: validatorsHash(this.validatorPublicKey, VOTING_POWER),
      nextValidatorsHash: validatorsHash(this.validatorPublicKey, VOTING_POWER),
      consensusHash: consensusParamsHash(BLOCK_MAX_BYTES, BLOCK_MAX_GAS),
      appHash: this.meta.appHash,
      lastResultsHash: this.meta.lastResultsHash,
      evidenceHash: merkleRoot([]),
      proposerAddress: this.validatorAddress,
    };
    const hash = headerHash(header);
    const headerView = headerJson(header);
    const blockJsonSize = JSON.stringify({ header: headerView, txs: txs.map((t) => Buffer.from(t.raw).toString("base64")) }).length;
    const blockId: BlockId = { hash, parts: { total: 1, hash: merkleRoot([sha256(Buffer.from(JSON.stringify(headerView)))]) } };

    let committed: CommittedBlock | undefined;
    const faucetResults: Array<{ pending: PendingFaucet; error?: Error }> = [];
    this.db.transaction(() => {
      this.store.beginBlock();
      const ctx = this.context(height, new Date(timeMs), new EventSink(), hash);
      for (const pending of faucets) {
        try {
          this.store.atomically(() => this.app.bank.send(LOCALNET_ADDRESSES.faucet, pending.address, pending.amount, "upokt", ctx));
          faucetResults.push({ pending });
        } catch (error) {
          faucetResults.push({ pending, error: error instanceof Error ? error : new Error(String(error)) });
        }
      }
      const results = txs.map((tx) => this.deliver(height, timeMs, hash, tx));
      this.app.endBlock(ctx);
      const appHash = this.store.endBlock(this.meta.appHash);
      const storedTxs: StoredTx[] = txs.map((tx, index) => ({
        hash: tx.hash,
        height,
        index,
        tx: tx.raw,
        result: txResultJson(results[index]),
      }));
      const block: StoredBlock = {
        height,
        hash,
        partsHash: blockId.parts.hash,
        header: headerView,
        lastCommit: {
          height: (height - 1n).toString(),
          round: 0,
          block_id: blockIdJson(this.meta.lastBlockId),
          signatures: [],
        },
        txs: txs.map((tx) => tx.raw),
        size: blockJsonSize,
        finalizeEvents: ctx.events.events,
        appHash,
      };
      this.blocks.saveBlock(block, storedTxs);
      this.meta = {
        ...this.meta,
        height,
        appHash,
        lastResultsHash: resultsHash(results),
        lastBlockId: blockId,
        lastTimeMs: timeMs,
      };
      this.saveMeta(this.meta);
      committed = { block, txs: storedTxs };
    })();
    for (const tx of txs) this.verifiedSignatures.delete(bytesToHex(tx.hash));
    this.resetMempoolView();
    for (const { pending, error } of faucetResults) {
      if (error) pending.reject(error);
      else pending.resolve(height);
    }
    for (const listener of this.listeners) {
      try {
        listener(committed!);
      } catch {
        // a subscriber's failure must not stop the chain
      }
    }
    return committed!;
  }

  private deliver(height: bigint, timeMs: number, hash: Uint8Array, tx: DecodedTx): TxExecution {
    const ctx = this.context(height, new Date(timeMs), new EventSink(), hash);
    try {
      return this.app.runTx(ctx, tx, "deliver", {
        minGasPrice: this.minGasPrice,
        signaturesVerified: this.verifiedSignatures.has(bytesToHex(tx.hash)),
      });
    } catch (error) {
      if (!(error instanceof TxError)) throw error;
      return {
        code: error.code,
        codespace: error.codespace,
        log: error.message,
        data: new Uint8Array(0),
        gasWanted: tx.gasLimit,
        gasUsed: 0n,
        events: [],
      };
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Queries

  /** ABCI Query: gRPC paths (cosmos auth/bank/tx, pocket modules) at the latest height. */
  abciQuery(path: string, data: Uint8Array, height?: bigint): AbciQueryResult {
    const latest = this.meta.height;
    const answer = (value: Uint8Array): AbciQueryResult => ({ code: 0, codespace: "", log: "", value, height: latest });
    const fail = (code: number, codespace: string, log: string): AbciQueryResult => ({
      code,
      codespace,
      log,
      value: new Uint8Array(0),
      height: latest,
    });
    if (height !== undefined && height !== 0n && height !== latest) {
      return fail(
        sdkErrors.invalidRequest.code,
        "sdk",
        `the localnet answers queries at the latest height (${latest}) only, not at ${height}: invalid request`,
      );
    }
    try {
      if (path === "/cosmos.tx.v1beta1.Service/Simulate") return answer(this.simulate(data));
      return answer(this.app.query(path, data, { latestHeight: latest, blockHash: (h) => this.blocks.blockHash(h) }));
    } catch (error) {
      if (error instanceof QueryError) return fail(error.registered.code, error.registered.codespace, error.message);
      if (error instanceof TxError) return fail(error.code, error.codespace, error.message);
      return fail(1, "undefined", error instanceof Error ? error.message : String(error));
    }
  }

  /** cosmos.tx.v1beta1.Service/Simulate against the latest state, as the next block would see it. */
  private simulate(data: Uint8Array): Uint8Array {
    const request = SimulateRequest.decode(data);
    const tx = decodeTx(request.txBytes, this.app.signersOf);
    const result = this.store.discarding(() =>
      this.app.runTx(this.context(this.meta.height + 1n, new Date(this.now())), tx, "simulate", { minGasPrice: this.minGasPrice }),
    );
    if (result.code !== 0) throw new TxError({ code: result.code, codespace: result.codespace, description: "" }, result.log);
    return SimulateResponse.encode({
      gasInfo: { gasWanted: result.gasWanted, gasUsed: result.gasUsed },
      result: { data: result.data, log: "", events: result.events.map(toAbciEvent), msgResponses: [] },
    }).finish();
  }

  close(): void {
    for (const pending of this.faucetQueue) pending.reject(new Error("the localnet stopped before paying the faucet request"));
    this.faucetQueue = [];
  }
}

function toAbciEvent(event: AbciEvent) {
  return { type: event.type, attributes: event.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index })) };
}
