import type { SerializedApiError } from "./define.js";

/** Frames of the WebSocket transport (the IPC transport carries the same call/result shapes). */
export type ClientFrame = { type: "call"; id: number; method: string; params: unknown };

export type ServerFrame =
  | { type: "result"; id: number; result: unknown }
  | { type: "error"; id: number; error: SerializedApiError }
  | { type: "event"; event: string; payload: unknown }
  | { type: "hello"; apiVersion: number };

/** Path of the WebSocket endpoint on the headless server. */
export const WS_PATH = "/api/ws";
/** Name of the access-token query parameter (and of the cookie the dashboard page sets). */
export const TOKEN_PARAM = "token";
/** WebSocket close code the engine sends when the access token is missing or wrong. */
export const UNAUTHORIZED_CLOSE_CODE = 4401;
