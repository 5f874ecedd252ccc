import { create } from "zustand";
import type { PocketForgeApi } from "../../../shared/api/index.js";
import type { SharingStatus } from "../../../shared/api/sharing.js";

/** Mirror of LAN model sharing: the gateway, mDNS and the peers (sharing.status events, and a read on demand). */
export interface SharingStoreState {
  status: SharingStatus | null;
  error: string | null;
}

export const useSharing = create<SharingStoreState>(() => ({ status: null, error: null }));

export function bindSharing(api: PocketForgeApi): () => void {
  return api.on("sharing.status", (status) => useSharing.setState({ status, error: null }));
}

export async function refreshSharing(api: PocketForgeApi): Promise<void> {
  try {
    useSharing.setState({ status: await api.invoke("sharing.status", {}), error: null });
  } catch (error) {
    useSharing.setState({ error: (error as Error).message });
  }
}
