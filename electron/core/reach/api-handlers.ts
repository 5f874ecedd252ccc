import type { reachMethods } from "../../../shared/api/reach.js";
import type { HandlersFor } from "../runtime/api-router.js";
import type { ReachService } from "./reach-service.js";

export interface ReachHandlerDeps {
  /** Asks for the wallet passphrase again: mapping opens a port on the router to this machine. */
  confirmOpening(passphrase: string | undefined): Promise<void>;
  /** Lets the relay miner listen beyond loopback (the router forwards to this machine's LAN address). */
  openRelayListener(): Promise<void>;
}

/** The reach.* API: thin adapters to the service, which owns every rule. */
export function createReachHandlers(reach: ReachService, deps: ReachHandlerDeps): HandlersFor<keyof typeof reachMethods> {
  return {
    "reach.status": () => reach.status(),
    "reach.configure": async ({ method, tunnelUrl, passphrase }) => {
      if (method === "port_mapping" && reach.method !== "port_mapping") {
        reach.assertCanMap();
        await deps.confirmOpening(passphrase);
        await deps.openRelayListener();
      }
      return reach.configure({ method, tunnelUrl });
    },
    "reach.check": () => reach.check(),
  };
}
