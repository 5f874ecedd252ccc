import type { PocketForgeApi } from "../../../shared/api/index.js";
import { bindEngine, refreshSnapshots } from "./engine-store.js";
import { bindChain, refreshChain } from "./chain-store.js";
import { bindMiner, refreshMiner } from "./miner-store.js";
import { bindModels, refreshModels } from "./models-store.js";
import { bindPreferences, refreshPreferences } from "./preferences-store.js";
import { bindStaking, refreshStaking } from "./staking-store.js";
import { bindReach, refreshReach } from "./reach-store.js";
import { bindSettings, refreshSettings } from "./settings-store.js";
import { bindSharing, refreshSharing } from "./sharing-store.js";
import { bindUpdates, refreshUpdates } from "./updates-store.js";
import { bindWallet, refreshWallet } from "./wallet-store.js";

/**
 * Subscribes every store to its domain's events. Bind before refreshAll so nothing that happens while the snapshots
 * load is lost (a later snapshot only ever replaces an older view).
 */
export function bindStores(api: PocketForgeApi): () => void {
  const offs = [bindEngine(api), bindWallet(api), bindModels(api), bindSettings(api), bindChain(api), bindMiner(api), bindPreferences(api), bindStaking(api), bindUpdates(api), bindReach(api), bindSharing(api)];
  return () => offs.forEach((off) => off());
}

/** Fresh snapshots of every domain, e.g. after a reconnect when events may have been missed. */
export async function refreshAll(api: PocketForgeApi): Promise<void> {
  await Promise.all([
    refreshSnapshots(api),
    refreshWallet(api),
    refreshModels(api),
    refreshSettings(api),
    refreshChain(api),
    refreshMiner(api),
    refreshPreferences(api),
    refreshStaking(api),
    refreshUpdates(api),
    refreshReach(api),
    refreshSharing(api),
  ]);
}
