import type { HandlersFor } from "../api-router.js";
import type { HardwareService } from "../../hardware/hardware-service.js";

export function createHardwareHandlers(hardware: HardwareService): HandlersFor<"hardware.info" | "hardware.telemetry"> {
  return {
    "hardware.info": () => hardware.getInfo(),
    "hardware.telemetry": () => hardware.recentSamples(),
  };
}
