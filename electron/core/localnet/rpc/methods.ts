// The CometBFT RPC methods the cosmjs client, the block follower and people with curl use, answered from
// the LocalChain in CometBFT 0.38's JSON shapes (int64 as strings, hashes as uppercase hex, bytes as base64).
import { fromBase64, fromHex, toBase64, toHex } from "@cosmjs/encoding";
import type { StoredBlock, StoredTx } from "../block-store.js";
import type { LocalChain } from "../local-chain.js";
import { FaucetLimitError } from "../faucet-allowance.js";
import { TxQueryError } from "../tx-query.js";
import { internalError, invalidParams, methodNotFound } from "./json-rpc.js";
import { isValidAccountAddress } from "../../pokt/relay.js";

export const COMETBFT_VERSION = "0.38.17";
export const NODE_MONIKER = "pocketforge-localnet";

type Params = Record<string, unknown>;

export interface MethodContext {
  chain: LocalChain;
  listenAddress: string;
  /** Resolves once the tx is in a block (broadcast_tx_commit). */
  waitForTx(hash: Uint8Array, timeoutMs: number): Promise<StoredTx | undefined>;
  /** Localnet extension: pays `amount` upokt from the faucet; undefined when the faucet is disabled. */
  faucet?(address: string, amount: bigint): Promise<bigint>;
}

function str(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") throw invalidParams(`${name} must be a string`);
  return value.replace(/^"(.*)"$/, "$1");
}

function heightParam(params: Params, name: string): bigint | undefined {
  const text = str(params, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw invalidParams(`${name} must be a non-negative integer`);
  const height = BigInt(text);
  return height === 0n ? undefined : height;
}

function bytesParam(params: Params, name: string): Uint8Array {
  const text = str(params, name);
  if (text === undefined) throw invalidParams(`${name} is required`);
  // URI calls pass hex as 0x…; JSON calls pass []byte as base64.
  if (/^0x[0-9a-fA-F]*$/.test(text)) return fromHex(text.slice(2));
  try {
    return fromBase64(text);
  } catch {
    throw invalidParams(`${name} must be base64`);
  }
}

function hashParam(params: Params, name: string): Uint8Array {
  const text = str(params, name);
  if (text !== undefined && /^(0x)?[0-9a-fA-F]{64}$/.test(text)) return fromHex(text.replace(/^0x/, ""));
  return bytesParam(params, name);
}

export function blockJson(block: StoredBlock) {
  return {
    block_id: { hash: toHex(block.hash).toUpperCase(), parts: { total: 1, hash: toHex(block.partsHash).toUpperCase() } },
    block: {
      header: block.header,
      data: { txs: block.txs.map((tx) => toBase64(tx)) },
      evidence: { evidence: [] },
      last_commit: block.lastCommit,
    },
  };
}

export function txResponseJson(tx: StoredTx) {
  return {
    hash: toHex(tx.hash).toUpperCase(),
    height: tx.height.toString(),
    index: tx.index,
    tx_result: tx.result,
    tx: toBase64(tx.tx),
  };
}

function validatorJson(chain: LocalChain) {
  return {
    address: toHex(chain.validatorAddress).toUpperCase(),
    pub_key: { type: "tendermint/PubKeyEd25519", value: toBase64(chain.validatorPublicKey) },
    voting_power: "10",
    proposer_priority: "0",
  };
}

export class RpcMethods {
  constructor(private readonly ctx: MethodContext) {}

  private get chain(): LocalChain {
    return this.ctx.chain;
  }

  private blockAt(height: bigint): StoredBlock {
    const block = this.chain.blocks.block(height);
    if (block === undefined) {
      throw internalError(`height ${height} must be less than or equal to the current blockchain height ${this.chain.height}`);
    }
    return block;
  }

  async call(method: string, params: Params): Promise<unknown> {
    switch (method) {
      case "health":
        return {};
      case "status":
        return this.status();
      case "abci_info":
        return {
          response: {
            data: NODE_MONIKER,
            version: "0.1.0",
            app_version: "1",
            last_block_height: this.chain.height.toString(),
            last_block_app_hash: toBase64(this.chain.appHash),
          },
        };
      case "abci_query":
        return this.abciQuery(params);
      case "broadcast_tx_sync":
      case "broadcast_tx_async":
        return this.broadcastSync(params);
      case "broadcast_tx_commit":
        return this.broadcastCommit(params);
      case "tx":
        return this.tx(params);
      case "tx_search":
        return this.txSearch(params);
      case "block":
        return blockJson(this.blockAt(heightParam(params, "height") ?? this.chain.height));
      case "blockchain":
        return this.blockchain(params);
      case "block_results":
        return this.blockResults(params);
      case "commit":
        return this.commit(params);
      case "validators":
        return {
          block_height: (heightParam(params, "height") ?? this.chain.height).toString(),
          validators: [validatorJson(this.chain)],
          count: "1",
          total: "1",
        };
      case "num_unconfirmed_txs":
        return { n_txs: String(this.chain.pendingTxCount), total: String(this.chain.pendingTxCount), total_bytes: "0", txs: null };
      case "faucet":
        return this.faucet(params);
      default:
        throw methodNotFound(method);
    }
  }

  private status() {
    const latest = this.blockAt(this.chain.height);
    const first = this.blockAt(1n);
    return {
      node_info: {
        protocol_version: { p2p: "8", block: "11", app: "0" },
        id: toHex(this.chain.validatorAddress),
        listen_addr: this.ctx.listenAddress,
        network: this.chain.chainId,
        version: COMETBFT_VERSION,
        channels: "40202122233038606100",
        moniker: NODE_MONIKER,
        other: { tx_index: "on", rpc_address: this.ctx.listenAddress },
      },
      sync_info: {
        latest_block_hash: toHex(latest.hash).toUpperCase(),
        latest_app_hash: toHex(this.chain.appHash).toUpperCase(),
        latest_block_height: latest.height.toString(),
        latest_block_time: latest.header.time,
        earliest_block_hash: toHex(first.hash).toUpperCase(),
        earliest_app_hash: toHex(first.appHash).toUpperCase(),
        earliest_block_height: "1",
        earliest_block_time: first.header.time,
        catching_up: false,
      },
      validator_info: {
        address: toHex(this.chain.validatorAddress).toUpperCase(),
        pub_key: { type: "tendermint/PubKeyEd25519", value: toBase64(this.chain.validatorPublicKey) },
        voting_power: "10",
      },
    };
  }

  private abciQuery(params: Params) {
    const path = str(params, "path");
    if (path === undefined) throw invalidParams("path is required");
    const dataText = str(params, "data") ?? "";
    if (!/^(0x)?[0-9a-fA-F]*$/.test(dataText)) throw invalidParams("data must be hex");
    const result = this.chain.abciQuery(path, fromHex(dataText.replace(/^0x/, "")), heightParam(params, "height"));
    return {
      response: {
        code: result.code,
        log: result.log,
        info: "",
        index: "0",
        key: null,
        value: result.value.length > 0 ? toBase64(result.value) : null,
        proofOps: null,
        height: result.height.toString(),
        codespace: result.codespace,
      },
    };
  }

  private broadcastSync(params: Params) {
    const result = this.chain.checkTx(bytesParam(params, "tx"));
    return { code: result.code, data: "", log: result.log, codespace: result.codespace, hash: toHex(result.hash).toUpperCase() };
  }

  private async broadcastCommit(params: Params) {
    const raw = bytesParam(params, "tx");
    const check = this.chain.checkTx(raw);
    const checkJson = { code: check.code, data: "", log: check.log, codespace: check.codespace, gas_wanted: "0", gas_used: "0", events: [] };
    const hash = toHex(check.hash).toUpperCase();
    if (check.code !== 0) return { check_tx: checkJson, tx_result: {}, hash, height: "0" };
    const included = await this.ctx.waitForTx(check.hash, 30_000);
    if (included === undefined) throw internalError(`timed out waiting for tx ${hash} to be committed`);
    return { check_tx: checkJson, tx_result: included.result, hash, height: included.height.toString() };
  }

  private tx(params: Params) {
    const hash = hashParam(params, "hash");
    const found = this.chain.blocks.tx(hash);
    if (found === undefined) throw internalError(`tx (${toHex(hash).toUpperCase()}) not found`);
    return txResponseJson(found);
  }

  private txSearch(params: Params) {
    const query = str(params, "query");
    if (query === undefined) throw invalidParams("query is required");
    const page = Number(str(params, "page") ?? "1");
    const perPage = Number(str(params, "per_page") ?? "30");
    const order = str(params, "order_by") === "desc" ? "desc" : "asc";
    try {
      const found = this.chain.blocks.search(query, page, perPage, order);
      return { txs: found.txs.map(txResponseJson), total_count: String(found.total) };
    } catch (error) {
      if (error instanceof TxQueryError) throw internalError(error.message);
      throw error;
    }
  }

  private blockchain(params: Params) {
    const latest = this.chain.height;
    let max = heightParam(params, "maxHeight") ?? latest;
    if (max > latest) max = latest;
    let min = heightParam(params, "minHeight") ?? 1n;
    if (min < max - 19n) min = max - 19n;
    if (min < 1n) min = 1n;
    if (min > max) throw internalError(`min height ${min} can't be greater than max height ${max}`);
    const metas = [];
    for (let height = max; height >= min; height--) {
      const block = this.blockAt(height);
      metas.push({
        block_id: blockJson(block).block_id,
        block_size: String(block.size),
        header: block.header,
        num_txs: String(block.txs.length),
      });
    }
    return { last_height: latest.toString(), block_metas: metas };
  }

  private blockResults(params: Params) {
    const height = heightParam(params, "height") ?? this.chain.height;
    const block = this.blockAt(height);
    return {
      height: height.toString(),
      txs_results: this.chain.blocks.txsAt(height).map((tx) => tx.result),
      finalize_block_events: block.finalizeEvents,
      validator_updates: [],
      consensus_param_updates: null,
      app_hash: toBase64(block.appHash),
    };
  }

  private commit(params: Params) {
    const height = heightParam(params, "height") ?? this.chain.height;
    const block = this.blockAt(height);
    return {
      signed_header: {
        header: block.header,
        commit: { height: height.toString(), round: 0, block_id: blockJson(block).block_id, signatures: [] },
      },
      canonical: height < this.chain.height,
    };
  }

  private async faucet(params: Params) {
    if (this.ctx.faucet === undefined) throw methodNotFound("faucet");
    const address = str(params, "address");
    const amount = str(params, "amount");
    if (address === undefined || !isValidAccountAddress(address)) throw invalidParams("address must be a pokt1… address");
    if (amount === undefined || !/^[1-9]\d*$/.test(amount)) throw invalidParams("amount must be a positive integer of upokt");
    let height: bigint;
    try {
      height = await this.ctx.faucet(address, BigInt(amount));
    } catch (error) {
      if (error instanceof FaucetLimitError) throw invalidParams(error.message);
      throw error;
    }
    return { address, amount, height: height.toString() };
  }
}

