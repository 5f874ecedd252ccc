import type { HostMessage, WorkerMessage } from "./protocol.js";

/** The worker's line to its parent, whichever way it was started. */
export interface ParentPort {
  send(message: WorkerMessage): void;
  onMessage(listener: (message: HostMessage) => void): void;
  /** Called when the parent is gone; the worker should exit rather than linger as an orphan. */
  onDisconnect(listener: () => void): void;
}

/** Electron's utilityProcess gives the child `process.parentPort`; child_process.fork gives it `process.send`. */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: "message", listener: (event: { data: unknown }) => void): void;
}

export function connectToParent(): ParentPort {
  const electronPort = (process as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      send: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on("message", (event) => listener(event.data as HostMessage)),
      // A utility process is ended by Electron together with its parent.
      onDisconnect: () => {},
    };
  }
  if (typeof process.send === "function") {
    return {
      send: (message) => {
        if (process.connected) process.send!(message);
      },
      onMessage: (listener) => process.on("message", (message) => listener(message as HostMessage)),
      onDisconnect: (listener) => process.on("disconnect", listener),
    };
  }
  throw new Error("The inference worker must be started by the PocketForge engine (no IPC channel to a parent)");
}
