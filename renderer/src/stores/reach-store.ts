import { create } from "zustand";
import type { PocketForgeApi } from "../../../shared/api/index.js";
import type { ReachStatus } from "../../../shared/api/reach.js";

/** Mirror of how gateways reach the relay miner (reach.status events, and a read on demand). */
export interface ReachStoreState {
  status: ReachStatus | null;
  error: string | null;
}

export const useReach = create<ReachStoreState>(() => ({ status: null, error: null }));

export function bindReach(api: PocketForgeApi): () => void {
  return api.on("reach.status", (status) => useReach.setState({ status, error: null }));
}

export async function refreshReach(api: PocketForgeApi): Promise<void> {
  try {
    useReach.setState({ status: await api.invoke("reach.status", {}), error: null });
  } catch (error) {
    useReach.setState({ error: (error as Error).message });
  }
}
