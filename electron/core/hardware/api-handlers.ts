import type { HandlersFor } from "../runtime/api-router.js";
import type { HardwareService } from "./hardware-service.js";

export function createHardwareHandlers(hardware: HardwareService): HandlersFor<"hardware.info" | "hardware.telemetry"> {
  return {
    "hardware.info": () => hardware.getInfo(),
    "hardware.telemetry": () => hardware.recentSamples(),
  };
}
