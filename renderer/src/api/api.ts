import type { PocketForgeApi } from "../../../shared/api/index.js";
import { WebSocketApiClient, websocketUrlFor } from "./ws-client.js";

declare global {
  interface Window {
    /** Exposed by the Electron preload through contextBridge; absent in a browser. */
    pocketforge?: PocketForgeApi;
  }
}

/** The one API object the renderer uses: the Electron bridge when present, else the headless WebSocket. */
export function connectApi(): { api: PocketForgeApi; websocket: WebSocketApiClient | null } {
  if (window.pocketforge) return { api: window.pocketforge, websocket: null };
  const websocket = new WebSocketApiClient(websocketUrlFor(window.location));
  return { api: websocket, websocket };
}
