import type { TelemetrySample } from "../../../shared/api/index.js";

export interface HeatLimits {
  /** At or above: too hot. */
  maxC: number;
  /** Hot until it cools to this (below maxC, so a GPU hovering at the limit does not flap). */
  resumeC: number;
}

export interface HeatChange {
  index: number;
  temperatureC: number;
  hot: boolean;
}

/** Tracks which GPUs (telemetry index) are over temperature, with hysteresis; reports only the transitions. */
export class GpuHeatMonitor {
  private readonly hotGpus = new Set<number>();

  observe(sample: TelemetrySample, limits: HeatLimits): HeatChange[] {
    const changes: HeatChange[] = [];
    for (const gpu of sample.gpus) {
      const temperature = gpu.temperatureC;
      // A GPU whose sensor stops answering keeps its last verdict rather than being declared cool.
      if (temperature === null) continue;
      const wasHot = this.hotGpus.has(gpu.index);
      if (!wasHot && temperature >= limits.maxC) {
        this.hotGpus.add(gpu.index);
        changes.push({ index: gpu.index, temperatureC: temperature, hot: true });
      } else if (wasHot && temperature <= limits.resumeC) {
        this.hotGpus.delete(gpu.index);
        changes.push({ index: gpu.index, temperatureC: temperature, hot: false });
      }
    }
    return changes;
  }

  hot(): ReadonlySet<number> {
    return this.hotGpus;
  }
}
