import type { HandlersFor } from "../../runtime/api-router.js";
import type { UpdateCenter } from "../updates.js";

/** The desktop app's updater as the Settings page sees it; headless engines say who updates them instead. */
export function createUpdateHandlers(updates: UpdateCenter): HandlersFor<"updates.status" | "updates.check"> {
  return {
    "updates.status": () => updates.status(),
    "updates.check": () => updates.check(),
  };
}
