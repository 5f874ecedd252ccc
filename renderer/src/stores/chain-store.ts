import { create } from "zustand";
import type { ChainStatus, PocketForgeApi, TrafficStats } from "../../../shared/api/index.js";

/** Mirror of the chain connection: status (refreshed on every block event) and the localnet traffic generator. */
export interface ChainStoreState {
  status: ChainStatus | null;
  traffic: TrafficStats | null;
  error: string | null;
}

export const useChain = create<ChainStoreState>(() => ({ status: null, traffic: null, error: null }));

export function bindChain(api: PocketForgeApi): () => void {
  const offs = [
    // A block carries the new height; the rest of the status (reachability, chain id) only changes with it.
    api.on("chain.block", (block) =>
      useChain.setState((s) =>
        s.status && s.status.network === block.network
          ? { status: { ...s.status, height: block.height, latestBlockTime: block.time, reachable: true, error: null } }
          : {},
      ),
    ),
    api.on("localnet.traffic", (traffic) => useChain.setState({ traffic })),
  ];
  return () => offs.forEach((off) => off());
}

export async function refreshChain(api: PocketForgeApi): Promise<void> {
  try {
    const status = await api.invoke("chain.status", {});
    useChain.setState({ status, error: null });
    if (status.network === "localnet" && status.localnet.mode !== "off") {
      useChain.setState({ traffic: await api.invoke("localnet.trafficStats", {}) });
    }
  } catch (error) {
    useChain.setState({ error: (error as Error).message });
  }
}
