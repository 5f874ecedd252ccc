import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Electron from "electron";
import { createCore } from "../core/app/create-core.js";
import { deviceSecretStoreFromSafeStorage } from "../core/wallet/device-unlock.js";
import { registerIpcBridge } from "./ipc-bridge.js";
import { UtilityProcessLauncher } from "./utility-process-launcher.js";
import { secureWindowOptions } from "./window-options.js";

/** The electron modules the desktop shell uses; passed in so the glue can be exercised with a fake in Node. */
export type ElectronModules = Pick<
  typeof Electron,
  "app" | "BrowserWindow" | "ipcMain" | "shell" | "utilityProcess" | "safeStorage"
>;

/** Starts the desktop app: one engine, one window, the IPC bridge. `bundleDir` is where main/preload/renderer live. */
export async function runDesktopApp(electron: ElectronModules, bundleDir: string): Promise<void> {
  const { app, BrowserWindow, ipcMain, shell, utilityProcess, safeStorage } = electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // The GPU belongs to inference, not to drawing the dashboard.
  app.disableHardwareAcceleration();
  await app.whenReady();

  const core = createCore({
    dataDir: app.getPath("userData"),
    version: app.getVersion(),
    workerLauncher: new UtilityProcessLauncher(utilityProcess),
    // "Remember on this device" wraps the wallet key with the OS keychain (refused on plain-text backends).
    deviceSecretStore: deviceSecretStoreFromSafeStorage(safeStorage),
  });
  const rendererIndex = join(bundleDir, "..", "renderer", "index.html");
  const rendererUrl = pathToFileURL(rendererIndex).href;
  const isTrustedUrl = (url: string) => url.split("#")[0] === rendererUrl;

  let window: Electron.BrowserWindow | null = null;
  const disposeBridge = registerIpcBridge({
    ipcMain,
    router: core.router,
    events: core.events,
    isTrustedUrl,
    targets: () => (window ? [window.webContents] : []),
  });

  const openWindow = () => {
    window = new BrowserWindow(secureWindowOptions(join(bundleDir, "preload.cjs")));
    window.webContents.on("will-navigate", (event, url) => {
      if (!isTrustedUrl(url)) event.preventDefault();
    });
    window.webContents.setWindowOpenHandler(({ url }) => {
      // Links to docs open in the user's browser, never inside the app.
      if (url.startsWith("https://")) void shell.openExternal(url);
      return { action: "deny" };
    });
    window.once("ready-to-show", () => window?.show());
    window.on("closed", () => (window = null));
    void window.loadFile(rendererIndex);
  };

  app.on("second-instance", () => {
    if (!window) return openWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on("window-all-closed", () => app.quit());
  let quitting = false;
  app.on("before-quit", (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    disposeBridge();
    void core.dispose().finally(() => app.exit(0));
  });

  await core.start();
  openWindow();
}
