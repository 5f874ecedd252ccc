import type { HandlersFor } from "../runtime/api-router.js";
import type { AvailabilityController } from "./availability-controller.js";

export function createAvailabilityHandlers(
  availability: AvailabilityController,
): HandlersFor<"availability.status" | "availability.pause" | "availability.resume"> {
  return {
    "availability.status": () => availability.status(),
    "availability.pause": () => availability.pauseByUser(),
    "availability.resume": () => availability.resumeByUser(),
  };
}
