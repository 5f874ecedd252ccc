import { create } from "zustand";
import type { PocketForgeApi } from "../../../shared/api/index.js";
import type { EndpointSettings, ServiceInfo, StakingParams, SupplierState, TxProgress } from "../../../shared/api/staking.js";
import { useChain } from "./chain-store.js";

/** Mirror of the supplier's on-chain state and the chain's staking rules, refreshed on demand and after transactions. */
export interface StakingStoreState {
  params: StakingParams | null;
  /** undefined: not read yet; null: not staked. */
  supplier: SupplierState | null | undefined;
  endpoint: EndpointSettings | null;
  /** Every service registered on the current network (x/service); null until read. */
  services: ServiceInfo[] | null;
  /** The service the person picked to stake for (the wizard's model step); null: the default offer. */
  chosenServiceId: string | null;
  /** The latest transaction's progress (signing → broadcasting → included). */
  tx: TxProgress | null;
  error: string | null;
}

export const useStaking = create<StakingStoreState>(() => ({
  params: null,
  supplier: undefined,
  endpoint: null,
  services: null,
  chosenServiceId: null,
  tx: null,
  error: null,
}));

export function bindStaking(api: PocketForgeApi): () => void {
  const offs = [
    api.on("staking.tx", (tx) => {
      useStaking.setState({ tx });
      // An included transaction changed the supplier (or a balance, or registered a service): read it again.
      if (tx.stage === "included") void refreshStaking(api);
    }),
    // Another operator means another supplier.
    api.on("wallet.changed", () => void refreshStaking(api)),
    // Another network (or one that came back) has other rules, services and suppliers.
    useChain.subscribe((next, previous) => {
      const was = previous.status;
      const now = next.status;
      if (now && (now.network !== was?.network || now.chainId !== was?.chainId || (now.reachable && !was?.reachable))) {
        if (now.network !== was?.network) useStaking.setState({ services: null, chosenServiceId: null, params: null });
        void refreshStaking(api);
      }
    }),
  ];
  return () => offs.forEach((off) => off());
}

export async function refreshStaking(api: PocketForgeApi): Promise<void> {
  try {
    const [params, supplier, endpoint, services] = await Promise.all([
      api.invoke("staking.params", {}),
      api.invoke("staking.supplier", {}),
      api.invoke("staking.endpoint", {}),
      api.invoke("staking.services", {}),
    ]);
    useStaking.setState({ params, supplier, endpoint, services, error: null });
  } catch (error) {
    useStaking.setState({ error: (error as Error).message });
  }
}
