import type { AppFolder, AppInfo, DiagnosticsBundle } from "../../../../shared/api/index.js";
import type { PortsSettings } from "../ports.js";
import type { HandlersFor } from "../../runtime/api-router.js";
import type { LogSink } from "../../runtime/logger.js";

export interface AppHandlerDeps {
  info: () => Omit<AppInfo, "transport">;
  logs: LogSink;
  /** Absolute path of each folder the UI may ask to open. */
  folders?: Record<AppFolder, string>;
  /**
   * Opens a folder in the OS file manager (Electron passes shell.openPath, which resolves to "" on success or an error
   * text). Absent in headless mode: the browser may be on another machine, so the path is returned instead.
   */
  openPath?: (path: string) => Promise<string>;
  diagnostics?: () => Promise<DiagnosticsBundle>;
  ports?: PortsSettings;
  /**
   * Asks for the wallet passphrase before a listener opens beyond loopback (absent passphrase: refused while a wallet
   * exists). Without it, such changes need no passphrase (tests, engines without a wallet service).
   */
  confirmOpening?: (passphrase: string | undefined) => Promise<void>;
}

export function createAppHandlers(
  deps: AppHandlerDeps,
): HandlersFor<"app.info" | "logs.tail" | "app.openFolder" | "app.diagnostics" | "app.ports" | "app.setPorts"> {
  return {
    "app.info": (_params, context) => ({
      ...deps.info(),
      transport: context.transport === "ipc" ? "ipc" : "websocket",
    }),
    "logs.tail": ({ limit, minLevel }) => deps.logs.tail(limit, minLevel),
    "app.openFolder": async ({ folder }, context) => {
      const path = deps.folders?.[folder] ?? deps.info().dataDir;
      // Only the desktop window sits in front of the engine's own screen; a LAN browser gets the path.
      if (!deps.openPath || context.transport !== "ipc") return { opened: false, path };
      const problem = await deps.openPath(path);
      return { opened: problem === "", path };
    },
    "app.ports": () => {
      if (!deps.ports) throw new Error("port settings are not available in this engine");
      return deps.ports.view();
    },
    "app.setPorts": async ({ passphrase, ...patch }) => {
      if (!deps.ports) throw new Error("port settings are not available in this engine");
      if (deps.confirmOpening && deps.ports.opensBeyondLoopback(patch)) await deps.confirmOpening(passphrase);
      return deps.ports.update(patch);
    },
    "app.diagnostics": async () => {
      if (!deps.diagnostics) throw new Error("diagnostics are not available in this engine");
      return deps.diagnostics();
    },
  };
}
