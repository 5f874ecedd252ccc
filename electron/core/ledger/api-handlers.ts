import type { relayMinerMethods } from "../../../shared/api/index.js";
import type { HandlersFor } from "../runtime/api-router.js";
import type { EarningsQueries } from "./earnings.js";

/** The earnings.* methods (declared with the relay miner's in shared/api, answered by the ledger). */
export type EarningsMethodName = Extract<keyof typeof relayMinerMethods, `earnings.${string}`>;

/** The earnings' API: thin adapters to the ledger's queries. */
export function createEarningsHandlers(earnings: EarningsQueries): HandlersFor<EarningsMethodName> {
  return {
    "earnings.summary": ({ days }) => earnings.summary(days),
    "earnings.sessions": ({ limit, offset }) => earnings.sessionList(limit, offset),
    "earnings.exportCsv": () => earnings.exportCsv(),
  };
}
