import type { ComputeBackend, GpuInfo } from "../../../shared/api/index.js";

/**
 * What the user can do when inference will run on a weaker backend than the hardware allows. Each line names the
 * fix, not just the problem.
 */
export function computeAdvice(gpus: GpuInfo[], backend: ComputeBackend, platform: string): string[] {
  const advice: string[] = [];
  const nvidia = gpus.filter((g) => /nvidia/i.test(g.vendor));
  const amdOrIntel = gpus.filter((g) => /amd|advanced micro|ati|intel/i.test(g.vendor));
  if (gpus.length === 0 && backend === "cpu") {
    advice.push("No GPU was detected: models run on the CPU, which is 10–50× slower. Small models (≤ 1.5B) still work.");
  }
  if (nvidia.length > 0 && backend !== "cuda") {
    advice.push(
      platform === "darwin"
        ? "NVIDIA GPUs are not supported on macOS; inference uses the CPU."
        : `An NVIDIA GPU (${nvidia[0].model}) was found but CUDA is not in use: install or update the NVIDIA driver (version 535 or newer), then restart PocketForge.`,
    );
  }
  if (amdOrIntel.length > 0 && nvidia.length === 0 && backend === "cpu" && platform !== "darwin") {
    advice.push(
      `A ${amdOrIntel[0].vendor} GPU was found but Vulkan is not available: install the Vulkan runtime for your GPU driver (e.g. mesa-vulkan-drivers on Linux), then restart PocketForge.`,
    );
  }
  return advice;
}
