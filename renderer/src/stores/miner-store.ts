import { create } from "zustand";
import type { EarningsSummary, EventPayload, MinerMetrics, MinerStatus, PocketForgeApi, SessionEarnings } from "../../../shared/api/index.js";

type MinerRelay = EventPayload<"miner.relay">;

/** Mirror of the relay miner and the earnings ledger: status, a window of metrics for the charts, recent relays, earnings. */
export interface MinerStoreState {
  status: MinerStatus | null;
  metrics: MinerMetrics | null;
  /** Metrics samples oldest first, for the live charts. */
  history: MinerMetrics[];
  relays: MinerRelay[];
  summary: EarningsSummary | null;
  sessions: SessionEarnings[] | null;
  error: string | null;
}

/** About an hour of samples at the miner's usual interval. */
export const HISTORY_KEEP = 720;
const RELAYS_KEEP = 100;
/** Earnings and sessions change with every mined relay; asking the ledger at most this often is plenty. */
const LEDGER_REFRESH_MS = 3000;

export const useMiner = create<MinerStoreState>(() => ({
  status: null,
  metrics: null,
  history: [],
  relays: [],
  summary: null,
  sessions: null,
  error: null,
}));

/** Appends a sample unless it repeats the last one's time (a snapshot and its event can carry the same sample). */
export function appendSample(history: MinerMetrics[], sample: MinerMetrics, keep = HISTORY_KEEP): MinerMetrics[] {
  if (history.at(-1)?.time === sample.time) return [...history.slice(0, -1), sample];
  return [...history, sample].slice(-keep);
}

export function bindMiner(api: PocketForgeApi, ledgerRefreshMs = LEDGER_REFRESH_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const refreshLedgerSoon = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void refreshLedger(api);
    }, ledgerRefreshMs);
  };
  const offs = [
    api.on("miner.status", (status) => useMiner.setState({ status })),
    api.on("miner.metrics", (metrics) => {
      useMiner.setState((s) => ({ metrics, history: appendSample(s.history, metrics) }));
      refreshLedgerSoon();
    }),
    api.on("miner.relay", (relay) => useMiner.setState((s) => ({ relays: [...s.relays, relay].slice(-RELAYS_KEEP) }))),
    api.on("miner.session", () => refreshLedgerSoon()),
  ];
  return () => {
    if (timer) clearTimeout(timer);
    offs.forEach((off) => off());
  };
}

export async function refreshMiner(api: PocketForgeApi): Promise<void> {
  try {
    const [status, metrics] = await Promise.all([api.invoke("miner.status", {}), api.invoke("miner.metrics", {})]);
    useMiner.setState((s) => ({ status, metrics, history: appendSample(s.history, metrics), error: null }));
  } catch (error) {
    useMiner.setState({ error: (error as Error).message });
  }
  await refreshLedger(api);
}

export async function refreshLedger(api: PocketForgeApi): Promise<void> {
  try {
    const [summary, sessions] = await Promise.all([api.invoke("earnings.summary", { days: 30 }), api.invoke("earnings.sessions", { limit: 50 })]);
    useMiner.setState({ summary, sessions });
  } catch (error) {
    useMiner.setState({ error: (error as Error).message });
  }
}
