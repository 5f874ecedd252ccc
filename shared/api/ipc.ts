import type { SerializedApiError } from "./define.js";

/** IPC channel names of the Electron transport (preload ⇄ main). */
export const IPC_CALL_CHANNEL = "pocketforge:call";
export const IPC_EVENT_CHANNEL = "pocketforge:event";

/** What main answers to a call: errors travel as data because Electron strips custom fields from thrown errors. */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: SerializedApiError };
