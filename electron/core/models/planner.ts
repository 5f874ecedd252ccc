import type { HardwareInfo } from "../../../shared/api/hardware.js";
import type { BenchmarkResult, InstalledModel, ModelFit, PlanDevice, PlanResult } from "../../../shared/api/models.js";
import { formatBytes } from "../../../shared/format.js";
import type { ArchitectureFacts, CatalogEntry } from "../../../shared/models/catalog-schema.js";
import {
  approximateWeightsBytes,
  CPU_PROCESS_OVERHEAD_BYTES,
  NEEDS_CONTEXT_TOKENS,
  estimateNeeds,
  perLayerBytes,
  runtimeOverheadBytes,
} from "../../../shared/models/memory-estimate.js";
import { ASSUMED_CPU_BANDWIDTH_GBPS, ASSUMED_GPU_BANDWIDTH_GBPS, gpuBandwidthGBps } from "./memory-bandwidth.js";

const GIB = 1024 ** 3;

/** Share of peak memory bandwidth llama.cpp's decode kernels reach in practice. */
export const GPU_EFFICIENCY = 0.6;
export const CPU_EFFICIENCY = 0.5;
/** VRAM kept back for the driver, the CUDA/Vulkan context and a display: 5 %, at least 512 MiB. */
const GPU_RESERVE_FRACTION = 0.05;
const GPU_RESERVE_MIN_BYTES = 512 * 1024 ** 2;
/** RAM kept back for the OS and the rest of the app. */
const RAM_RESERVE_BYTES = 2 * GIB;
/** Below this a chat reply is too slow to serve relays (gateways time out, users leave). */
export const MIN_USEFUL_TOKENS_PER_SECOND = 5;
/** Above this per stream, demand rather than speed limits the relays a supplier serves: extra speed earns little. */
export const SATURATION_TOKENS_PER_SECOND = 60;

export const PLAN_METHOD =
  `Memory: weights (the GGUF file) + f16 KV cache (2 × layers × kv heads × head size × 2 bytes × context) + ` +
  `overhead (128 MiB + 5 % of the weights); a GPU keeps 5 % (≥ 512 MiB) back, RAM keeps 2 GiB back. ` +
  `A model that does not fit a GPU whole gets as many layers as fit, the rest runs on the CPU. ` +
  `Speed: generating a token reads every weight once, so tokens/s ≈ efficiency × memory bandwidth ÷ model bytes ` +
  `(efficiency ${GPU_EFFICIENCY} on GPUs, ${CPU_EFFICIENCY} on CPUs; with layers split, the two devices' times add up). ` +
  `A one-minute benchmark replaces the estimate with measured tokens/s. ` +
  `Earnings proxy: service weight (from the catalog) × min(tokens/s, ${SATURATION_TOKENS_PER_SECOND}); the recommendation is ` +
  `the highest-scoring catalog model that fits and reaches ${MIN_USEFUL_TOKENS_PER_SECOND} tokens/s.`;

export interface PlanModel {
  modelId: string;
  name: string;
  weightsBytes: number;
  architecture: ArchitectureFacts;
  /** Context per sequence the memory estimate is made for. */
  contextTokens: number;
  /** The catalog service's earning weight (1 for models no service is known for). */
  weight: number;
  /** Catalog models with a service; test models and unknown imports are planned but never recommended. */
  recommendable: boolean;
}

export interface PlanInput {
  hardware: HardwareInfo;
  models: PlanModel[];
  measured: BenchmarkResult[];
  /** From the settings; null assumes a typical desktop. */
  cpuBandwidthGBps: number | null;
}

/** A catalog entry as the planner sees it (before any file exists). */
export function planModelFromCatalog(entry: CatalogEntry): PlanModel {
  return {
    modelId: entry.id,
    name: entry.name,
    weightsBytes: entry.sizeBytes ?? approximateWeightsBytes(entry.parameters, entry.quantization) ?? entry.needs.vramBytes,
    architecture: entry.architecture,
    contextTokens: Math.min(NEEDS_CONTEXT_TOKENS, entry.contextLength),
    weight: entry.pokt.weight,
    recommendable: !entry.testOnly,
  };
}

/**
 * An installed file: its real size and the shape its GGUF header states win over the catalog's figures. A file the
 * catalog does not know has no service to earn on, so it is planned but not recommended.
 */
export function planModelFromInstalled(model: InstalledModel, entry: CatalogEntry | undefined): PlanModel | null {
  const g = model.gguf;
  const architecture =
    g?.layers && g.kvHeads && g.headDim ? { layers: g.layers, kvHeads: g.kvHeads, headDim: g.headDim } : entry?.architecture;
  if (!architecture) return null;
  const context = Math.min(NEEDS_CONTEXT_TOKENS, g?.contextLength ?? entry?.contextLength ?? NEEDS_CONTEXT_TOKENS);
  return {
    modelId: model.id,
    name: entry?.name ?? model.name,
    weightsBytes: model.sizeBytes,
    architecture,
    contextTokens: context,
    weight: entry?.pokt.weight ?? 1,
    recommendable: entry !== undefined && !entry.testOnly,
  };
}

/** The GPUs (with known VRAM) and the CPU as places a model can run, with their memory bandwidth. */
export function planDevices(hardware: HardwareInfo, cpuBandwidthGBps: number | null): PlanDevice[] {
  const devices: PlanDevice[] = [];
  let unified: number | null = null;
  for (const gpu of hardware.gpus) {
    const memory = gpu.vramBytes ?? (hardware.gpus.length === 1 ? hardware.compute.vramTotalBytes : null);
    if (!memory) continue;
    const spec = gpuBandwidthGBps(gpu.model);
    if (spec && /apple/i.test(`${gpu.vendor} ${gpu.model}`)) unified = spec;
    devices.push({
      id: `gpu${gpu.index}`,
      kind: "gpu",
      name: gpu.model,
      memoryBytes: memory,
      bandwidthGBps: spec ?? ASSUMED_GPU_BANDWIDTH_GBPS,
      bandwidthSource: spec ? "spec" : "assumed",
    });
  }
  devices.push({
    id: "cpu",
    kind: "cpu",
    name: hardware.cpu.brand || "CPU",
    memoryBytes: hardware.memory.totalBytes,
    bandwidthGBps: cpuBandwidthGBps ?? unified ?? ASSUMED_CPU_BANDWIDTH_GBPS,
    bandwidthSource: cpuBandwidthGBps ? "settings" : unified ? "spec" : "assumed",
  });
  return devices;
}

/** Every model on every device: fits fully, partly (how many layers) or not, expected tokens/s, and the pick. */
export function planFits(input: PlanInput): PlanResult {
  const devices = planDevices(input.hardware, input.cpuBandwidthGBps);
  const cpu = devices.find((d) => d.kind === "cpu")!;
  const gpuUsable = input.hardware.compute.backend !== "cpu";
  const fits: ModelFit[] = [];
  for (const model of input.models) {
    for (const device of devices) {
      const fit = device.kind === "gpu" ? fitOnGpu(model, device, cpu, input.hardware) : fitOnCpu(model, device);
      const measured = input.measured.find((m) => m.modelId === model.modelId && m.deviceId === device.id);
      if (measured && fit.fit !== "none") {
        fit.tokensPerSecond = round(measured.generationTokensPerSecond);
        fit.tokensPerSecondSource = "measured";
        fit.earningScore = score(model, fit.tokensPerSecond);
      }
      if (device.kind === "gpu" && !gpuUsable && fit.fit !== "none") {
        fit.reason += "; but the engine runs on the CPU backend now (see the hardware advice to enable this GPU)";
        fit.earningScore = 0;
      }
      fits.push(fit);
    }
  }
  return { devices, fits, recommendation: recommend(fits, input.models, devices), method: PLAN_METHOD };
}

/**
 * Memory left for a model's KV cache on one device of the plan: the device's memory less what the plan keeps back
 * (5 % of VRAM, at least 512 MiB; 2 GiB of RAM), the weights, the runtime overhead and, on the CPU, the engine
 * process. The engine reserves context and sequences within it. Null for a device the hardware facts do not know.
 */
export function kvBudgetBytes(hardware: HardwareInfo, deviceId: string, weightsBytes: number): number | null {
  const devices = planDevices(hardware, null);
  const device = devices.find((d) => d.id === deviceId);
  if (!device?.memoryBytes) return null;
  const usable = device.kind === "gpu"
    ? device.memoryBytes - Math.max(GPU_RESERVE_MIN_BYTES, device.memoryBytes * GPU_RESERVE_FRACTION)
    : device.memoryBytes - RAM_RESERVE_BYTES - CPU_PROCESS_OVERHEAD_BYTES;
  return Math.max(0, Math.round(usable - weightsBytes - runtimeOverheadBytes(weightsBytes)));
}

function fitOnGpu(model: PlanModel, gpu: PlanDevice, cpu: PlanDevice, hardware: HardwareInfo): ModelFit {
  const layers = model.architecture.layers;
  const need = estimateNeeds(model.weightsBytes, model.architecture, model.contextTokens).vramBytes;
  const vram = gpu.memoryBytes ?? 0;
  const usable = vram - Math.max(GPU_RESERVE_MIN_BYTES, vram * GPU_RESERVE_FRACTION);
  const base = { modelId: model.modelId, deviceId: gpu.id, totalLayers: layers, needBytes: need, tokensPerSecondSource: "estimate" as const };
  if (need <= usable) {
    const tps = round((GPU_EFFICIENCY * gpu.bandwidthGBps * 1e9) / model.weightsBytes);
    return {
      ...base,
      fit: "full",
      gpuLayers: layers,
      tokensPerSecond: tps,
      earningScore: score(model, tps),
      reason: `fits in ${gpu.name}'s ${formatBytes(vram)} (needs ${formatBytes(need)} at a ${model.contextTokens}-token context)`,
    };
  }
  const layerBytes = perLayerBytes(model.weightsBytes, model.architecture, model.contextTokens);
  const gpuLayers = Math.max(0, Math.min(layers - 1, Math.floor((usable - runtimeOverheadBytes(model.weightsBytes)) / layerBytes)));
  const ramNeed = (layers - gpuLayers) * layerBytes + CPU_PROCESS_OVERHEAD_BYTES;
  const ramUsable = hardware.memory.totalBytes - RAM_RESERVE_BYTES;
  if (gpuLayers >= 1 && ramNeed <= ramUsable) {
    const gpuShare = gpuLayers / layers;
    const seconds =
      (gpuShare * model.weightsBytes) / (GPU_EFFICIENCY * gpu.bandwidthGBps * 1e9) +
      ((1 - gpuShare) * model.weightsBytes) / (CPU_EFFICIENCY * cpu.bandwidthGBps * 1e9);
    const tps = round(1 / seconds);
    return {
      ...base,
      fit: "partial",
      gpuLayers,
      tokensPerSecond: tps,
      earningScore: score(model, tps),
      reason: `${gpuLayers} of ${layers} layers fit in ${gpu.name}'s ${formatBytes(vram)}; the other ${layers - gpuLayers} run on the CPU (${formatBytes(ramNeed)} of RAM)`,
    };
  }
  return {
    ...base,
    fit: "none",
    gpuLayers: 0,
    tokensPerSecond: null,
    earningScore: 0,
    reason:
      gpuLayers < 1
        ? `needs ${formatBytes(need)}; not even one layer fits in ${gpu.name}'s ${formatBytes(vram)}`
        : `needs ${formatBytes(need)}; ${gpu.name} holds ${gpuLayers} of ${layers} layers but the rest needs ${formatBytes(ramNeed)} of RAM, more than the ${formatBytes(Math.max(0, ramUsable))} available`,
  };
}

function fitOnCpu(model: PlanModel, cpu: PlanDevice): ModelFit {
  const need = estimateNeeds(model.weightsBytes, model.architecture, model.contextTokens).ramBytes;
  const usable = (cpu.memoryBytes ?? 0) - RAM_RESERVE_BYTES;
  const base = {
    modelId: model.modelId,
    deviceId: cpu.id,
    gpuLayers: 0,
    totalLayers: model.architecture.layers,
    needBytes: need,
    tokensPerSecondSource: "estimate" as const,
  };
  if (need > usable) {
    return {
      ...base,
      fit: "none",
      tokensPerSecond: null,
      earningScore: 0,
      reason: `needs ${formatBytes(need)} of RAM; ${formatBytes(Math.max(0, usable))} is available to models`,
    };
  }
  const tps = round((CPU_EFFICIENCY * cpu.bandwidthGBps * 1e9) / model.weightsBytes);
  return {
    ...base,
    fit: "full",
    tokensPerSecond: tps,
    earningScore: score(model, tps),
    reason: `fits in RAM (needs ${formatBytes(need)} of ${formatBytes(usable)} available to models)`,
  };
}

function score(model: PlanModel, tokensPerSecond: number): number {
  if (!model.recommendable || tokensPerSecond < MIN_USEFUL_TOKENS_PER_SECOND) return 0;
  return round(model.weight * Math.min(tokensPerSecond, SATURATION_TOKENS_PER_SECOND));
}

function recommend(fits: ModelFit[], models: PlanModel[], devices: PlanDevice[]): PlanResult["recommendation"] {
  let best: ModelFit | null = null;
  for (const fit of fits) {
    if (fit.fit === "none" || fit.earningScore <= 0 || fit.tokensPerSecond === null) continue;
    // Equal scores: the smaller footprint leaves room for more parallel sequences.
    if (!best || fit.earningScore > best.earningScore || (fit.earningScore === best.earningScore && fit.needBytes < best.needBytes)) best = fit;
  }
  if (!best) return null;
  const model = models.find((m) => m.modelId === best.modelId)!;
  const device = devices.find((d) => d.id === best.deviceId)!;
  return {
    modelId: best.modelId,
    deviceId: best.deviceId,
    tokensPerSecond: best.tokensPerSecond!,
    earningScore: best.earningScore,
    reason:
      `${model.name} on ${device.name}: about ${best.tokensPerSecond} tokens/s (${best.tokensPerSecondSource}) × service weight ` +
      `${model.weight} — the best earning among the models that fit (${best.fit === "full" ? "fully" : `${best.gpuLayers} of ${best.totalLayers} layers`} on this device)`,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
