import { formatBytes, formatNumber, formatPercent } from "../../../../shared/format.js";
import { Badge } from "../../kit/Badge.js";
import { Card } from "../../kit/Card.js";
import { EmptyState } from "../../kit/EmptyState.js";
import { useEngine } from "../../stores/engine-store.js";
import { formatFiat } from "../../view-models/earnings.js";
import { perGpuProfit } from "../../view-models/profit.js";
import { useProfitInputs } from "./useProfitInputs.js";

/** Per-GPU health and economics: temperature, load, power, VRAM, and whether each GPU earns more than it costs. */
export function GpuTable() {
  const latest = useEngine((s) => s.telemetry.at(-1));
  const hardware = useEngine((s) => s.hardware);
  const workers = useEngine((s) => s.workers);
  const inputs = useProfitInputs();
  const profits = perGpuProfit({ power: inputs.power, tokensByGpu: inputs.tokensByGpu, tariffPerKwh: inputs.tariff, poktPerDay: inputs.rate?.poktPerDay ?? 0, pricePerPokt: inputs.rate ? inputs.price : null });
  const c = inputs.currency;
  const gpus = latest?.gpus ?? [];
  return (
    <Card title="GPUs" subtitle="Live every few seconds; cost and earnings per day." testId="gpu-table">
      {gpus.length === 0 ? (
        <EmptyState title={hardware && hardware.gpus.length === 0 ? "No GPU in this machine" : "No GPU telemetry yet"}>
          {hardware && hardware.gpus.length === 0
            ? "Inference runs on the CPU; its load and memory are in the Machine card below."
            : "GPU temperature, load, power and VRAM appear with the next telemetry sample."}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">GPU</th>
                <th scope="col" className="num">Temperature</th>
                <th scope="col" className="num">Load</th>
                <th scope="col" className="num">Power</th>
                <th scope="col" className="num">VRAM used</th>
                <th scope="col" className="num">Cost/day</th>
                <th scope="col" className="num">Earned/day</th>
                <th scope="col">Verdict</th>
              </tr>
            </thead>
            <tbody>
              {gpus.map((gpu) => {
                const info = hardware?.gpus.find((g) => g.index === gpu.index);
                const worker = workers.find((w) => w.device.index === gpu.index);
                const profit = profits.find((p) => p.index === gpu.index)?.profit;
                const net = profit?.netPerDay ?? null;
                return (
                  <tr key={gpu.index}>
                    <td>
                      #{gpu.index} {info?.model ?? ""}
                      {worker?.hold && <Badge tone="warn">{worker.hold === "overheated" ? "cooling down" : "restarting"}</Badge>}
                    </td>
                    <td className="num">{formatNumber(gpu.temperatureC, "°C", 0)}</td>
                    <td className="num">{formatPercent(gpu.utilizationPercent)}</td>
                    <td className="num">{formatNumber(gpu.powerWatts, "W", 0)}</td>
                    <td className="num">
                      {formatBytes(gpu.vramUsedBytes)} / {formatBytes(gpu.vramTotalBytes)}
                    </td>
                    <td className="num">{profit?.costPerDay != null ? formatFiat(profit.costPerDay, c) : "—"}</td>
                    <td className="num">{profit?.earningsPerDay != null ? formatFiat(profit.earningsPerDay, c) : "—"}</td>
                    <td>{net == null ? <span className="muted small">needs tariff, price and an hour of serving</span> : net >= 0 ? <Badge tone="ok">earns more than it costs</Badge> : <Badge tone="error">costs more than it earns</Badge>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
