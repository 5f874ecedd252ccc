// CometBFT event subscriptions (`subscribe` over /websocket): NewBlockHeader, NewBlock and Tx (optionally
// narrowed with more conditions), each delivered as a JSON-RPC response carrying the subscribe call's id.
import { toBase64, toHex } from "@cosmjs/encoding";
import type { StoredTx } from "../block-store.js";
import type { CommittedBlock } from "../local-chain.js";
import { matchesEvents, parseTxQuery, TxQueryError, type Condition } from "../tx-query.js";
import { blockJson } from "./methods.js";
import type { JsonRpcId } from "./json-rpc.js";

export type EventKind = "NewBlockHeader" | "NewBlock" | "Tx";

export interface Subscription {
  id: JsonRpcId;
  query: string;
  kind: EventKind;
  /** Conditions besides tm.event (only Tx subscriptions may have them). */
  filters: Condition[];
}

export function parseSubscription(id: JsonRpcId, query: string): Subscription {
  const conditions = parseTxQuery(query);
  const eventCondition = conditions.find((c) => c.key === "tm.event" && c.op === "=");
  const kind = eventCondition?.value;
  if (kind !== "NewBlockHeader" && kind !== "NewBlock" && kind !== "Tx") {
    throw new TxQueryError(`subscribe to tm.event='NewBlockHeader', 'NewBlock' or 'Tx', got ${JSON.stringify(query)}`);
  }
  const filters = conditions.filter((c) => c !== eventCondition);
  if (kind !== "Tx" && filters.length > 0) throw new TxQueryError(`${kind} subscriptions take no further conditions`);
  return { id, query, kind, filters };
}

function txAttributes(tx: StoredTx): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const add = (key: string, value: string) => map.set(key, [...(map.get(key) ?? []), value]);
  add("tm.event", "Tx");
  add("tx.hash", toHex(tx.hash).toUpperCase());
  add("tx.height", tx.height.toString());
  for (const event of tx.result.events) for (const a of event.attributes) add(`${event.type}.${a.key}`, a.value);
  return map;
}

/** The event messages one committed block produces for `subscription`. */
export function eventsFor(subscription: Subscription, committed: CommittedBlock): unknown[] {
  const { block, txs } = committed;
  const finalize = {
    events: block.finalizeEvents,
    tx_results: txs.map((tx) => tx.result),
    validator_updates: [],
    app_hash: toBase64(block.appHash),
  };
  const envelope = (data: unknown, events: Record<string, string[]>) => ({
    jsonrpc: "2.0",
    id: subscription.id,
    result: { query: subscription.query, data, events },
  });
  switch (subscription.kind) {
    case "NewBlockHeader":
      return [
        envelope(
          { type: "tendermint/event/NewBlockHeader", value: { header: block.header, num_txs: String(txs.length), result_finalize_block: finalize } },
          { "tm.event": ["NewBlockHeader"] },
        ),
      ];
    case "NewBlock": {
      const json = blockJson(block);
      return [
        envelope(
          { type: "tendermint/event/NewBlock", value: { block: json.block, block_id: json.block_id, result_finalize_block: finalize } },
          { "tm.event": ["NewBlock"] },
        ),
      ];
    }
    case "Tx":
      return txs
        .map((tx) => ({ tx, attributes: txAttributes(tx) }))
        .filter(({ attributes }) => matchesEvents(subscription.filters, attributes))
        .map(({ tx, attributes }) =>
          envelope(
            {
              type: "tendermint/event/Tx",
              value: { TxResult: { height: tx.height.toString(), index: tx.index, tx: toBase64(tx.tx), result: tx.result } },
            },
            Object.fromEntries(attributes),
          ),
        );
  }
}
