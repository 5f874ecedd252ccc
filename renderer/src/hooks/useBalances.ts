import { useEffect, useState } from "react";
import { useApi } from "../api/api-context.js";
import { useChain } from "../stores/chain-store.js";

export interface BalancesView {
  /** upokt by address; missing while unknown. */
  balances: Record<string, bigint>;
  error: unknown;
  /** Reads again now (after a transfer or the faucet). */
  refresh: () => void;
}

/** Balances of some addresses on the current network, read again every `everyMs` and when the network changes. */
export function useBalances(addresses: string[], everyMs = 10_000): BalancesView {
  const api = useApi();
  const network = useChain((s) => s.status?.network);
  const reachable = useChain((s) => s.status?.reachable ?? false);
  const [view, setView] = useState<Omit<BalancesView, "refresh">>({ balances: {}, error: null });
  const [nonce, setNonce] = useState(0);
  const key = addresses.join(",");
  useEffect(() => {
    if (!reachable || addresses.length === 0) return;
    let cancelled = false;
    const read = async () => {
      try {
        const results = await Promise.all(addresses.map((address) => api.invoke("chain.balance", { address })));
        if (!cancelled) setView({ balances: Object.fromEntries(results.map((b) => [b.address, BigInt(b.amount)])), error: null });
      } catch (error) {
        if (!cancelled) setView((v) => ({ ...v, error }));
      }
    };
    void read();
    const timer = setInterval(read, everyMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, key, network, reachable, everyMs, nonce]);
  return { ...view, refresh: () => setNonce((n) => n + 1) };
}
