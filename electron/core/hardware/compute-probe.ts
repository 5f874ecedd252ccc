import { availableParallelism } from "node:os";
import type { ComputeBackend } from "../../../shared/api/index.js";

export interface ComputeFacts {
  backend: ComputeBackend;
  deviceNames: string[];
  vramTotalBytes: number | null;
}

/**
 * Asks node-llama-cpp which backend it would use and what devices it sees. Never builds from source (there is no
 * toolchain on a user's machine): it only loads a prebuilt binary, falling back to CPU.
 */
export async function probeComputeWithLlama(): Promise<ComputeFacts> {
  const { getLlama } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: "auto", build: "never", maxThreads: availableParallelism(), logLevel: "error" as never });
  try {
    const backend: ComputeBackend = llama.gpu === false ? "cpu" : llama.gpu;
    if (backend === "cpu") return { backend, deviceNames: [], vramTotalBytes: null };
    const [deviceNames, vram] = await Promise.all([llama.getGpuDeviceNames(), llama.getVramState()]);
    return { backend, deviceNames, vramTotalBytes: vram.total };
  } finally {
    await llama.dispose();
  }
}
