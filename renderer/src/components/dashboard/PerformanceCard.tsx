import { useEffect } from "react";
import { formatDuration } from "../../../../shared/format.js";
import { useApi } from "../../api/api-context.js";
import { Card } from "../../kit/Card.js";
import { Stat } from "../../kit/Stat.js";
import { pollInferenceMetrics, useEngine } from "../../stores/engine-store.js";
import { useMiner } from "../../stores/miner-store.js";

/** How well the machine serves: relay rate, generation speed, time to first token and relay latency. */
export function PerformanceCard() {
  const api = useApi();
  useEffect(() => pollInferenceMetrics(api), [api]);
  const inference = useEngine((s) => s.inferenceMetrics);
  const metrics = useMiner((s) => s.metrics);
  const windowMinutes = inference ? Math.round(inference.windowSeconds / 60) : 5;
  return (
    <Card title="Performance" subtitle={`Relays now; generation over the last ${windowMinutes} min.`} testId="performance-card">
      <div className="stats">
        <Stat label="Relays" value={metrics ? metrics.relaysPerMinute.toFixed(1) : "—"} unit="/min" testId="relays-per-minute" hint={metrics ? `${metrics.relaysTotal.toLocaleString("en-US")} in total` : undefined} />
        <Stat label="Generation" value={inference ? inference.tokensPerSecond.toFixed(1) : "—"} unit="tokens/s" hint={inference?.tokensPerSecondPerRequest.p50 != null ? `${inference.tokensPerSecondPerRequest.p50.toFixed(1)} tokens/s per request (p50)` : undefined} />
        <Stat label="First token p50" value={formatDuration(inference?.ttftMs.p50)} testId="ttft-p50" hint={inference ? `${inference.requests} requests` : undefined} />
        <Stat label="First token p95" value={formatDuration(inference?.ttftMs.p95)} testId="ttft-p95" />
        <Stat label="Relay latency p50" value={formatDuration(metrics?.latencyMs.p50)} hint={metrics?.latencyMs.p99 != null ? `p99 ${formatDuration(metrics.latencyMs.p99)}` : undefined} />
        <Stat label="Errors" value={metrics ? metrics.errorsPerMinute.toFixed(1) : "—"} unit="/min" tone={metrics && metrics.errorsPerMinute > 0 ? "warn" : undefined} hint={metrics?.errorsByCode.length ? metrics.errorsByCode.map((e) => `${e.codespace} ${e.code}: ${e.count}`).join(", ") : undefined} />
      </div>
    </Card>
  );
}
