import type { relayMinerMethods } from "../../../shared/api/index.js";
import type { EarningsMethodName } from "../ledger/api-handlers.js";
import type { HandlersFor } from "../runtime/api-router.js";
import type { RelayMinerService } from "./relayminer-service.js";

/** The miner.* methods; earnings.* are the ledger's (ledger/api-handlers.ts). */
export type RelayMinerMethodName = Exclude<keyof typeof relayMinerMethods, EarningsMethodName>;

/** The relay miner's API: thin adapters to the service. */
export function createRelayMinerHandlers(miner: RelayMinerService): HandlersFor<RelayMinerMethodName> {
  return {
    "miner.status": () => miner.status(),
    "miner.start": () => miner.startMining(),
    "miner.stop": () => miner.stopMining(),
    "miner.metrics": () => miner.metricsSnapshot(),
  };
}
