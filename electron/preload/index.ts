// The renderer's only door to the engine: the typed API, forwarded over two IPC channels. No ipcRenderer, no Node.
import { contextBridge, ipcRenderer } from "electron";
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type IpcReply } from "../../shared/api/ipc.js";

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, name: string, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

contextBridge.exposeInMainWorld("pocketforge", {
  async invoke(method: string, params: unknown) {
    const reply = (await ipcRenderer.invoke(IPC_CALL_CHANNEL, method, params)) as IpcReply;
    if (reply.ok) return reply.result;
    throw reply.error; // a plain {code, message} object survives the context bridge intact
  },
  on(event: string, listener: Listener) {
    if (typeof listener !== "function") throw new TypeError("listener must be a function");
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  },
});
