import type { HandlersFor } from "../../runtime/api-router.js";
import type { InferencePool } from "./inference-pool.js";

export function createRigHandlers(pool: InferencePool): HandlersFor<"rig.workers"> {
  return {
    "rig.workers": () => ({ workers: pool.workerStats() }),
  };
}
