import { useMemo } from "react";
import { useNow } from "../../hooks/useNow.js";
import { useEngine } from "../../stores/engine-store.js";
import { useMiner } from "../../stores/miner-store.js";
import { usePreferences } from "../../stores/preferences-store.js";
import { earningRate, type EarningRate } from "../../view-models/earnings.js";
import { averageGpuPower } from "../../view-models/profit.js";

export interface ProfitInputs {
  power: Map<number, number>;
  rate: EarningRate | null;
  tariff: number | null;
  price: number | null;
  currency: string;
  tokensByGpu: Map<number, number> | null;
}

/** The measured inputs the profit figures need, gathered from the stores in one place. */
export function useProfitInputs(): ProfitInputs {
  const telemetry = useEngine((s) => s.telemetry);
  const workers = useEngine((s) => s.workers);
  const summary = useMiner((s) => s.summary);
  const sessions = useMiner((s) => s.sessions);
  const preferences = usePreferences((s) => s.preferences);
  const price = usePreferences((s) => s.price);
  const now = useNow(60_000);
  const power = useMemo(() => averageGpuPower(telemetry), [telemetry]);
  const rate = useMemo(() => (summary && sessions ? earningRate(summary, sessions, now) : null), [summary, sessions, now]);
  // Workers pinned to a GPU report their own tokens; their index is the backend's numbering, which matches the
  // hardware probe's on single-vendor machines (the rigs this split is for).
  const tokensByGpu = useMemo(() => {
    const pinned = workers.filter((w) => w.device.index != null);
    if (pinned.length < 2) return null;
    return new Map(pinned.map((w) => [w.device.index!, w.tokensGenerated]));
  }, [workers]);
  return { power, rate, tariff: preferences?.electricityPerKwh ?? null, price: price?.perPokt ?? null, currency: price?.currency ?? preferences?.currency ?? "USD", tokensByGpu };
}
