// Blocks, transactions and their results on SQLite, in the JSON shapes CometBFT's RPC returns (so the RPC
// layer only wraps them), plus the attribute index tx_search uses.
import { toBase64, toHex } from "@cosmjs/encoding";
import type { SqliteStatement } from "../runtime/sqlite.js";
import type { AbciEvent } from "./context.js";
import type { TxExecution } from "./pocket-app.js";
import { formatBlockTime, type BlockId, type Header } from "./header.js";
import type { LocalnetDatabase } from "./state/db.js";
import { matchesValue, parseTxQuery, TxQueryError, type Condition } from "./tx-query.js";

export interface TxResultJson {
  code: number;
  data: string;
  log: string;
  info: string;
  gas_wanted: string;
  gas_used: string;
  events: Array<{ type: string; attributes: Array<{ key: string; value: string; index: boolean }> }>;
  codespace: string;
}

export interface StoredTx {
  hash: Uint8Array;
  height: bigint;
  index: number;
  tx: Uint8Array;
  result: TxResultJson;
}

export interface StoredBlock {
  height: bigint;
  hash: Uint8Array;
  /** The block's part-set header hash (one part). */
  partsHash: Uint8Array;
  header: HeaderJson;
  lastCommit: CommitJson;
  txs: Uint8Array[];
  size: number;
  finalizeEvents: AbciEvent[];
  appHash: Uint8Array;
}

export type BlockIdJson = { hash: string; parts: { total: number; hash: string } };
export type HeaderJson = Record<string, unknown> & { height: string; time: string; last_block_id: BlockIdJson };
export type CommitJson = { height: string; round: number; block_id: BlockIdJson; signatures: unknown[] };

export function blockIdJson(id: BlockId): BlockIdJson {
  return { hash: toHex(id.hash).toUpperCase(), parts: { total: id.parts.total, hash: toHex(id.parts.hash).toUpperCase() } };
}

export function headerJson(header: Header): HeaderJson {
  const hex = (bytes: Uint8Array) => toHex(bytes).toUpperCase();
  return {
    version: { block: header.version.block.toString(), app: header.version.app.toString() },
    chain_id: header.chainId,
    height: header.height.toString(),
    time: formatBlockTime(header.time),
    last_block_id: blockIdJson(header.lastBlockId),
    last_commit_hash: hex(header.lastCommitHash),
    data_hash: hex(header.dataHash),
    validators_hash: hex(header.validatorsHash),
    next_validators_hash: hex(header.nextValidatorsHash),
    consensus_hash: hex(header.consensusHash),
    app_hash: hex(header.appHash),
    last_results_hash: hex(header.lastResultsHash),
    evidence_hash: hex(header.evidenceHash),
    proposer_address: hex(header.proposerAddress),
  };
}

export function txResultJson(result: TxExecution): TxResultJson {
  return {
    code: result.code,
    data: toBase64(result.data),
    log: result.log,
    info: "",
    gas_wanted: result.gasWanted.toString(),
    gas_used: result.gasUsed.toString(),
    events: result.events,
    codespace: result.codespace,
  };
}

export interface SearchPage {
  txs: StoredTx[];
  total: number;
}

const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 30;

export class BlockStore {
  private readonly insertBlock: SqliteStatement;
  private readonly insertTx: SqliteStatement;
  private readonly insertAttribute: SqliteStatement;
  private readonly blockByHeight: SqliteStatement;
  private readonly hashByHeight: SqliteStatement;
  private readonly txByHash: SqliteStatement;
  private readonly txsByHeight: SqliteStatement;

  constructor(private readonly db: LocalnetDatabase) {
    this.insertBlock = db.prepare(
      "INSERT INTO blocks (height, hash, parts_hash, header, last_commit, num_txs, size, finalize_events, app_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.insertTx = db.prepare("INSERT OR REPLACE INTO txs (hash, height, idx, tx, result) VALUES (?, ?, ?, ?, ?)");
    this.insertAttribute = db.prepare(
      "INSERT INTO tx_attributes (composite_key, value, height, idx, tx_hash) VALUES (?, ?, ?, ?, ?)",
    );
    this.blockByHeight = db.prepare("SELECT * FROM blocks WHERE height = ?");
    this.hashByHeight = db.prepare("SELECT hash FROM blocks WHERE height = ?").pluck();
    this.txByHash = db.prepare("SELECT * FROM txs WHERE hash = ?");
    this.txsByHeight = db.prepare("SELECT * FROM txs WHERE height = ? ORDER BY idx");
  }

  saveBlock(block: StoredBlock, txs: StoredTx[]): void {
    this.insertBlock.run(
      block.height,
      Buffer.from(block.hash),
      Buffer.from(block.partsHash),
      JSON.stringify(block.header),
      JSON.stringify(block.lastCommit),
      txs.length,
      block.size,
      JSON.stringify(block.finalizeEvents),
      Buffer.from(block.appHash),
    );
    for (const tx of txs) {
      const hash = Buffer.from(tx.hash);
      this.insertTx.run(hash, tx.height, tx.index, Buffer.from(tx.tx), JSON.stringify(tx.result));
      this.insertAttribute.run("tx.height", tx.height.toString(), tx.height, tx.index, hash);
      for (const event of tx.result.events) {
        for (const attribute of event.attributes) {
          if (!attribute.index) continue;
          this.insertAttribute.run(`${event.type}.${attribute.key}`, attribute.value, tx.height, tx.index, hash);
        }
      }
    }
  }

  blockHash(height: bigint): Uint8Array | undefined {
    const hash = this.hashByHeight.get(height) as Buffer | undefined;
    return hash === undefined ? undefined : new Uint8Array(hash);
  }

  block(height: bigint): StoredBlock | undefined {
    const row = this.blockByHeight.get(height) as
      | { height: number; hash: Buffer; parts_hash: Buffer; header: string; last_commit: string; size: number; finalize_events: string; app_hash: Buffer }
      | undefined;
    if (row === undefined) return undefined;
    return {
      height: BigInt(row.height),
      hash: new Uint8Array(row.hash),
      partsHash: new Uint8Array(row.parts_hash),
      header: JSON.parse(row.header),
      lastCommit: JSON.parse(row.last_commit),
      txs: this.txsAt(height).map((tx) => tx.tx),
      size: row.size,
      finalizeEvents: JSON.parse(row.finalize_events),
      appHash: new Uint8Array(row.app_hash),
    };
  }

  txsAt(height: bigint): StoredTx[] {
    return (this.txsByHeight.all(height) as TxRow[]).map(fromRow);
  }

  tx(hash: Uint8Array): StoredTx | undefined {
    const row = this.txByHash.get(Buffer.from(hash)) as TxRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** tx_search: every condition must hold; pages are 1-based. */
  search(query: string, page = 1, perPage = DEFAULT_PER_PAGE, order: "asc" | "desc" = "asc"): SearchPage {
    const conditions = parseTxQuery(query);
    const size = Math.min(MAX_PER_PAGE, Math.max(1, perPage));
    let candidates: Set<string> | undefined;
    for (const condition of conditions) {
      const hashes = this.hashesMatching(condition);
      candidates = candidates === undefined ? hashes : new Set([...candidates].filter((h) => hashes.has(h)));
      if (candidates.size === 0) break;
    }
    const all = [...(candidates ?? [])]
      .map((hex) => this.tx(Buffer.from(hex, "hex"))!)
      .sort((a, b) => (a.height === b.height ? a.index - b.index : a.height < b.height ? -1 : 1));
    if (order === "desc") all.reverse();
    const start = (Math.max(1, page) - 1) * size;
    if (all.length > 0 && start >= all.length) throw new TxQueryError(`page should be within [1, ${Math.ceil(all.length / size)}] range, given ${page}`);
    return { txs: all.slice(start, start + size), total: all.length };
  }

  private hashesMatching(condition: Condition): Set<string> {
    if (condition.key === "tx.hash") {
      const wanted = (condition.value ?? "").toLowerCase();
      const found = /^[0-9a-f]{64}$/.test(wanted) ? this.tx(Buffer.from(wanted, "hex")) : undefined;
      return new Set(found && condition.op === "=" ? [toHex(found.hash)] : []);
    }
    const rows =
      condition.op === "=" && !condition.numeric
        ? (this.db
            .prepare("SELECT value, tx_hash FROM tx_attributes WHERE composite_key = ? AND value = ?")
            .all(condition.key, condition.value) as Array<{ value: string; tx_hash: Buffer }>)
        : (this.db
            .prepare("SELECT value, tx_hash FROM tx_attributes WHERE composite_key = ?")
            .all(condition.key) as Array<{ value: string; tx_hash: Buffer }>);
    return new Set(rows.filter((row) => matchesValue(condition, row.value)).map((row) => row.tx_hash.toString("hex")));
  }
}

type TxRow = { hash: Buffer; height: number; idx: number; tx: Buffer; result: string };

function fromRow(row: TxRow): StoredTx {
  return {
    hash: new Uint8Array(row.hash),
    height: BigInt(row.height),
    index: row.idx,
    tx: new Uint8Array(row.tx),
    result: JSON.parse(row.result),
  };
}
