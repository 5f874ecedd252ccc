import type { IpcMain, IpcMainInvokeEvent, WebContents } from "electron";
import { ApiError, IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type IpcReply } from "../../shared/api/index.js";
import type { ApiRouter } from "../core/runtime/api-router.js";
import type { EventBus } from "../core/runtime/events.js";

/**
 * Connects the renderer's window to the engine's router. Only frames showing our own renderer may call; every
 * payload is validated by the router against the shared contract.
 */
export function registerIpcBridge(options: {
  ipcMain: IpcMain;
  router: ApiRouter;
  events: EventBus;
  /** True for the URL our renderer is served from (file:// bundle or the dev server). */
  isTrustedUrl: (url: string) => boolean;
  /** The windows that receive engine events. */
  targets: () => WebContents[];
}): () => void {
  const { ipcMain, router, events, isTrustedUrl, targets } = options;
  ipcMain.handle(IPC_CALL_CHANNEL, async (event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<IpcReply> => {
    const url = event.senderFrame?.url ?? "";
    if (!isTrustedUrl(url)) {
      return { ok: false, error: new ApiError("unauthorized", "This page may not call the PocketForge engine").toJSON() };
    }
    try {
      return { ok: true, result: await router.call(method, params, { transport: "ipc" }) };
    } catch (error) {
      return { ok: false, error: ApiError.from(error).toJSON() };
    }
  });
  const unsubscribe = events.onAny((name, payload) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, name, payload);
    }
  });
  return () => {
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
    unsubscribe();
  };
}
