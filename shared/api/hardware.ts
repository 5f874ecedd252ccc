import { z } from "zod";
import { method } from "./define.js";

export const ComputeBackend = z.enum(["cuda", "vulkan", "metal", "cpu"]);
export type ComputeBackend = z.infer<typeof ComputeBackend>;

export const GpuInfo = z.object({
  index: z.number().int(),
  vendor: z.string(),
  model: z.string(),
  vramBytes: z.number().nullable(),
  driverVersion: z.string().nullable(),
  busAddress: z.string().nullable(),
});
export type GpuInfo = z.infer<typeof GpuInfo>;

export const HardwareInfo = z.object({
  cpu: z.object({
    manufacturer: z.string(),
    brand: z.string(),
    cores: z.number().int(),
    physicalCores: z.number().int(),
    speedGHz: z.number().nullable(),
  }),
  memory: z.object({ totalBytes: z.number(), availableBytes: z.number() }),
  os: z.object({ platform: z.string(), distro: z.string(), release: z.string(), arch: z.string() }),
  gpus: z.array(GpuInfo),
  compute: z.object({
    backend: ComputeBackend,
    /** Devices node-llama-cpp itself sees through the chosen backend. */
    deviceNames: z.array(z.string()),
    vramTotalBytes: z.number().nullable(),
    /** What to do when the backend is weaker than the hardware allows, e.g. a missing CUDA driver. */
    advice: z.array(z.string()),
  }),
});
export type HardwareInfo = z.infer<typeof HardwareInfo>;

export const GpuTelemetry = z.object({
  index: z.number().int(),
  temperatureC: z.number().nullable(),
  utilizationPercent: z.number().nullable(),
  powerWatts: z.number().nullable(),
  vramUsedBytes: z.number().nullable(),
  vramTotalBytes: z.number().nullable(),
});
export type GpuTelemetry = z.infer<typeof GpuTelemetry>;

export const TelemetrySample = z.object({
  time: z.number().describe("epoch milliseconds"),
  cpuLoadPercent: z.number(),
  memoryUsedBytes: z.number(),
  memoryTotalBytes: z.number(),
  gpus: z.array(GpuTelemetry),
});
export type TelemetrySample = z.infer<typeof TelemetrySample>;

export const hardwareMethods = {
  "hardware.info": method(z.object({}).strict(), HardwareInfo, "CPU, memory, GPUs and the compute backend in use"),
  "hardware.telemetry": method(
    z.object({}).strict(),
    z.array(TelemetrySample),
    "Recent telemetry samples (oldest first), one every few seconds",
  ),
};

export const hardwareEvents = {
  "hardware.telemetry": TelemetrySample,
};
