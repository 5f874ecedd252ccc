import type { relayMinerMethods } from "../../../shared/api/index.js";
import type { HandlersFor } from "../runtime/api-router.js";
import type { RelayMinerService } from "./relayminer-service.js";

export type RelayMinerMethodName = keyof typeof relayMinerMethods;

/** The relay miner's and the earnings' API: thin adapters to the service. */
export function createRelayMinerHandlers(miner: RelayMinerService): HandlersFor<RelayMinerMethodName> {
  return {
    "miner.status": () => miner.status(),
    "miner.start": () => miner.startMining(),
    "miner.stop": () => miner.stopMining(),
    "miner.metrics": () => miner.metricsSnapshot(),
    "earnings.summary": ({ days }) => miner.earningsSummary(days),
    "earnings.sessions": ({ limit, offset }) => miner.earningsSessions(limit, offset),
    "earnings.exportCsv": () => miner.exportCsv(),
  };
}
