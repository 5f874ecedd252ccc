import { useMemo } from "react";
import { useNow } from "../../hooks/useNow.js";
import { Card } from "../../kit/Card.js";
import { useMiner } from "../../stores/miner-store.js";
import { dailySeries } from "../../view-models/earnings.js";
import { TimeSeriesChart } from "../charts/TimeSeriesChart.js";

/** Settled and pending POKT per day over 30 days; pending stacks on top of settled. */
export function EarningsChart() {
  const summary = useMiner((s) => s.summary);
  const now = useNow(60_000);
  const series = useMemo(() => (summary ? dailySeries(summary, 30, now) : null), [summary, now]);
  const stacked = series ? series.settled.map((v, i) => v + series.pending[i]) : [];
  const last = series ? series.settled.at(-1) ?? 0 : 0;
  return (
    <Card title="Earnings per day" subtitle="Last 30 days (UTC), in POKT.">
      <TimeSeriesChart
        label={`Earnings per day over 30 days; today ${last} POKT settled`}
        times={series?.times ?? []}
        kind="bars"
        unit="POKT"
        series={[
          { label: "Pending", colorVar: "--chart-2", values: stacked },
          { label: "Settled", colorVar: "--chart-3", values: series?.settled ?? [] },
        ]}
        emptyText="No earnings yet. Rewards appear here once sessions are claimed and settled."
      />
    </Card>
  );
}
