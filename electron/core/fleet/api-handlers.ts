import type { fleetMethods } from "../../../shared/api/fleet.js";
import type { HandlersFor } from "../runtime/api-router.js";
import type { FleetService } from "./fleet-service.js";

/** The fleet.* API: thin adapters to the service, which owns every rule. */
export function createFleetHandlers(fleet: FleetService): HandlersFor<keyof typeof fleetMethods> {
  return {
    "fleet.status": () => fleet.status(),
    "fleet.configure": (change) => fleet.configure(change),
    "fleet.createPairing": () => fleet.createPairing(),
    "fleet.join": ({ frontUrl, code }) => fleet.join(frontUrl, code),
    "fleet.leave": () => fleet.leave(),
    "fleet.addServer": (server) => fleet.addServer(server),
    "fleet.removeNode": ({ id }) => fleet.removeNode(id),
  };
}
