import type { HardwareInfo, RigSettings, WorkerDevice } from "../../../../shared/api/index.js";
import type { WorkerHandle, WorkerLauncher } from "../worker-launcher.js";

/**
 * How many workers to run and which device each gets. "auto" is one per device the compute backend sees (one on
 * CPU and Metal machines). A single worker is left unpinned so llama.cpp may spread a model over every GPU;
 * several workers each get one device (round robin when there are more workers than devices).
 */
export function planWorkerDevices(workers: RigSettings["workers"], compute: HardwareInfo["compute"]): WorkerDevice[] {
  const { backend, deviceNames } = compute;
  const pinnable = (backend === "cuda" || backend === "vulkan") && deviceNames.length > 0;
  const count = workers === "auto" ? (pinnable ? deviceNames.length : 1) : workers;
  if (!pinnable || count === 1) {
    return Array.from({ length: count }, () => ({ backend, index: null, name: count === 1 && deviceNames.length === 1 ? deviceNames[0] : null }));
  }
  return Array.from({ length: count }, (_, slot) => {
    const index = slot % deviceNames.length;
    return { backend, index, name: deviceNames[index] };
  });
}

/**
 * The environment that makes a worker see only its device. node-llama-cpp 3.21 has no option to choose a device
 * (its model options only split layers across all visible GPUs), so the worker process is pinned the way
 * llama.cpp itself documents: CUDA_VISIBLE_DEVICES (in PCI bus order, the order nvidia-smi and the telemetry use,
 * not CUDA's default fastest-first) and GGML_VK_VISIBLE_DEVICES for Vulkan. When the engine itself was started
 * with such a variable, device indices count within that list, so the pin names the same entry of it.
 */
export function deviceEnvironment(device: WorkerDevice, parentEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (device.index === null) return {};
  const pick = (variable: string) => {
    const visible = parentEnv[variable]?.split(",").map((entry) => entry.trim()).filter(Boolean);
    return visible?.length ? (visible[device.index!] ?? String(device.index)) : String(device.index);
  };
  switch (device.backend) {
    case "cuda":
      return { CUDA_DEVICE_ORDER: "PCI_BUS_ID", CUDA_VISIBLE_DEVICES: pick("CUDA_VISIBLE_DEVICES") };
    case "vulkan":
      return { GGML_VK_VISIBLE_DEVICES: pick("GGML_VK_VISIBLE_DEVICES") };
    default:
      return {};
  }
}

/** Starts workers through another launcher with extra environment variables (the device pin). */
export class PinnedWorkerLauncher implements WorkerLauncher {
  constructor(
    private readonly inner: WorkerLauncher,
    private readonly extraEnv: Record<string, string>,
  ) {}

  spawn(scriptPath: string, env: NodeJS.ProcessEnv): WorkerHandle {
    return this.inner.spawn(scriptPath, { ...env, ...this.extraEnv });
  }
}
