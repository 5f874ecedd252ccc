import si from "systeminformation";
import type { GpuInfo, GpuTelemetry, HardwareInfo, TelemetrySample } from "../../../shared/api/index.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";
import { computeAdvice } from "./advice.js";
import { cpuOnly, type ComputeFacts } from "./compute-probe.js";

const MIB = 1024 * 1024;

export interface HardwareServiceOptions {
  logger: Logger;
  /**
   * Which backend node-llama-cpp uses and what it sees; injected (a worker process in production, see
   * inference/compute-probe.ts) so that this room never loads llama.cpp and tests can answer it.
   */
  probeCompute: () => Promise<ComputeFacts>;
  /**
   * The probe crashed, hung or failed, so the engine runs on the CPU: the error says why (logged here; the
   * composition root raises an alert).
   */
  onProbeFailed?: (error: unknown) => void;
  /** Called with each new telemetry sample. */
  onSample?: (sample: TelemetrySample) => void;
  sampleIntervalMs?: number;
  /** How many samples to keep (the dashboard charts the last hour at the default interval). */
  historySize?: number;
}

/** Hardware facts (probed once, cached) and a telemetry sampler that runs while the service is started. */
export class HardwareService implements Service {
  private info: Promise<HardwareInfo> | null = null;
  private readonly history: TelemetrySample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sampling: Promise<void> | null = null;

  constructor(private readonly options: HardwareServiceOptions) {}

  async start(): Promise<void> {
    await this.sampleOnce();
    this.timer = setInterval(() => void this.sampleOnce(), this.options.sampleIntervalMs ?? 5000);
    this.timer.unref();
  }

  async dispose(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sampling;
  }

  getInfo(): Promise<HardwareInfo> {
    this.info ??= this.probe().catch((error) => {
      this.info = null; // let the next call try again
      throw error;
    });
    return this.info;
  }

  recentSamples(): TelemetrySample[] {
    return [...this.history];
  }

  /** Takes one sample now; overlapping calls share the sample in flight. */
  sampleOnce(): Promise<void> {
    this.sampling ??= this.takeSample()
      .then((sample) => {
        this.history.push(sample);
        const limit = this.options.historySize ?? 720;
        if (this.history.length > limit) this.history.splice(0, this.history.length - limit);
        this.options.onSample?.(sample);
      })
      .catch((error) => this.options.logger.warn("telemetry sample failed", { error }))
      .finally(() => {
        this.sampling = null;
      });
    return this.sampling;
  }

  private async probe(): Promise<HardwareInfo> {
    const [cpu, mem, os, graphics, { facts: compute, failure }] = await Promise.all([
      si.cpu(),
      si.mem(),
      si.osInfo(),
      si.graphics().catch(() => ({ controllers: [] as si.Systeminformation.GraphicsControllerData[] })),
      this.options.probeCompute().then(
        (facts) => ({ facts, failure: null }),
        (error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          this.options.logger.warn(`models run on the CPU because ${reason}`, { error });
          this.options.onProbeFailed?.(error);
          return { facts: cpuOnly(), failure: reason };
        },
      ),
    ]);
    const gpus: GpuInfo[] = graphics.controllers
      .filter((c) => !/microsoft basic|virtual|vmware|llvmpipe/i.test(`${c.vendor} ${c.model}`))
      .map((c, index) => ({
        index,
        vendor: c.vendor || "Unknown vendor",
        model: c.model || "Unknown GPU",
        vramBytes: c.vram ? c.vram * MIB : null,
        driverVersion: c.driverVersion || null,
        busAddress: c.busAddress || null,
      }));
    const info: HardwareInfo = {
      cpu: {
        manufacturer: cpu.manufacturer,
        brand: cpu.brand,
        cores: cpu.cores,
        physicalCores: cpu.physicalCores,
        speedGHz: cpu.speed > 0 ? cpu.speed : null,
      },
      memory: { totalBytes: mem.total, availableBytes: mem.available },
      os: { platform: os.platform, distro: os.distro, release: os.release, arch: os.arch },
      gpus,
      compute: {
        ...compute,
        advice: [
          ...(failure ? [`Models run on the CPU until the next start because ${failure}: update or reinstall the GPU driver, then restart PocketForge.`] : []),
          ...computeAdvice(gpus, compute.backend, os.platform),
        ],
      },
    };
    this.options.logger.info("hardware probed", {
      cpu: `${info.cpu.manufacturer} ${info.cpu.brand}`,
      cores: info.cpu.cores,
      gpus: gpus.map((g) => g.model),
      backend: compute.backend,
    });
    return info;
  }

  private async takeSample(): Promise<TelemetrySample> {
    const [load, mem, graphics] = await Promise.all([
      si.currentLoad(),
      si.mem(),
      si.graphics().catch(() => ({ controllers: [] as si.Systeminformation.GraphicsControllerData[] })),
    ]);
    const gpus: GpuTelemetry[] = graphics.controllers.map((c, index) => ({
      index,
      temperatureC: c.temperatureGpu ?? null,
      utilizationPercent: c.utilizationGpu ?? null,
      powerWatts: c.powerDraw ?? null,
      vramUsedBytes: c.memoryUsed != null ? c.memoryUsed * MIB : null,
      vramTotalBytes: c.memoryTotal != null ? c.memoryTotal * MIB : c.vram ? c.vram * MIB : null,
    }));
    return {
      time: Date.now(),
      cpuLoadPercent: Math.round(load.currentLoad * 10) / 10,
      memoryUsedBytes: mem.total - mem.available,
      memoryTotalBytes: mem.total,
      gpus,
    };
  }
}
