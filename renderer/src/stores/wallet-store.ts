import { create } from "zustand";
import type { PocketForgeApi, WalletSnapshot } from "../../../shared/api/index.js";

/** Mirror of the engine's wallet snapshot (no secrets ever pass through here). */
export interface WalletStoreState {
  snapshot: WalletSnapshot | null;
  error: string | null;
}

export const useWallet = create<WalletStoreState>(() => ({ snapshot: null, error: null }));

export function bindWallet(api: PocketForgeApi): () => void {
  return api.on("wallet.changed", (snapshot) => useWallet.setState({ snapshot, error: null }));
}

export async function refreshWallet(api: PocketForgeApi): Promise<void> {
  try {
    useWallet.setState({ snapshot: await api.invoke("wallet.status", {}), error: null });
  } catch (error) {
    useWallet.setState({ error: (error as Error).message });
  }
}

/** Results of wallet calls carry the new snapshot; applying it at once avoids waiting for the event. */
export function applyWalletSnapshot(snapshot: WalletSnapshot): void {
  useWallet.setState({ snapshot, error: null });
}
