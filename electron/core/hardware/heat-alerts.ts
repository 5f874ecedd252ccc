import type { TelemetrySample } from "../../../shared/api/index.js";
import type { AlertCenter } from "../runtime/alerts.js";
import type { GpuHeatMonitor, HeatLimits } from "./heat-monitor.js";

/** Raises an alert when a GPU crosses the temperature limit, and clears it once the GPU has cooled down. */
export function reportGpuHeat(monitor: GpuHeatMonitor, alerts: AlertCenter, sample: TelemetrySample, limits: HeatLimits): void {
  for (const change of monitor.observe(sample, limits)) {
    const key = `gpu_over_temperature:${change.index}`;
    if (!change.hot) {
      alerts.resolve(key);
      continue;
    }
    alerts.raise({
      kind: "gpu_over_temperature",
      key,
      title: `GPU ${change.index} is at ${change.temperatureC} °C`,
      message: `It gets no inference work until it cools to ${limits.resumeC} °C. Check its fans and airflow.`,
      route: "dashboard",
    });
  }
}
