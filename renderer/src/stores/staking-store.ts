import { create } from "zustand";
import type { PocketForgeApi } from "../../../shared/api/index.js";
import type { EndpointSettings, StakingParams, SupplierState, TxProgress } from "../../../shared/api/staking.js";

/** Mirror of the supplier's on-chain state and the chain's staking rules, refreshed on demand and after transactions. */
export interface StakingStoreState {
  params: StakingParams | null;
  /** undefined: not read yet; null: not staked. */
  supplier: SupplierState | null | undefined;
  endpoint: EndpointSettings | null;
  /** The latest transaction's progress (signing → broadcasting → included). */
  tx: TxProgress | null;
  error: string | null;
}

export const useStaking = create<StakingStoreState>(() => ({ params: null, supplier: undefined, endpoint: null, tx: null, error: null }));

export function bindStaking(api: PocketForgeApi): () => void {
  const offs = [
    api.on("staking.tx", (tx) => {
      useStaking.setState({ tx });
      // An included transaction changed the supplier (or a balance): read it again.
      if (tx.stage === "included") void refreshStaking(api);
    }),
    // Another operator means another supplier.
    api.on("wallet.changed", () => void refreshStaking(api)),
  ];
  return () => offs.forEach((off) => off());
}

export async function refreshStaking(api: PocketForgeApi): Promise<void> {
  try {
    const [params, supplier, endpoint] = await Promise.all([
      api.invoke("staking.params", {}),
      api.invoke("staking.supplier", {}),
      api.invoke("staking.endpoint", {}),
    ]);
    useStaking.setState({ params, supplier, endpoint, error: null });
  } catch (error) {
    useStaking.setState({ error: (error as Error).message });
  }
}
