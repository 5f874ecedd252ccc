import { homedir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Electron from "electron";
import type { PageRoute } from "../../shared/api/index.js";
import { createCore, type Core, type CoreOptions } from "../core/app/create-core.js";
import { defaultDataDir } from "../core/runtime/data-dir.js";
import { installLastResortHandlers } from "../core/runtime/last-resort.js";
import { keepPrivate } from "../core/runtime/private-files.js";
import { CONTENT_SECURITY_POLICY } from "../core/app/static-files.js";
import { InstallGate } from "../core/serving/install-gate.js";
import { systemClock, type Clock } from "../core/runtime/clock.js";
import { deviceSecretStoreFromSafeStorage } from "../core/wallet/device-unlock.js";
import { moveEarlierData, pointAtDataFolder } from "./data-folder.js";
import { DEEP_LINK_SCHEME, deepLinkInArgv, routeFromDeepLink } from "./deep-link.js";
import { guardWebContents, hardenSession } from "./hardening.js";
import { registerIpcBridge } from "./ipc-bridge.js";
import { applyStartOnLogin, startedHidden } from "./login-item.js";
import { AlertNotifier } from "./notifications.js";
import { keepAwakeWhileServing } from "./power-save.js";
import { startPresenceSampler } from "./presence-sampler.js";
import { TrayController } from "./tray.js";
import type { TrayAction, TraySnapshot } from "./tray-model.js";
import { UpdateManager, type AppUpdaterLike } from "./updater.js";
import { UtilityProcessLauncher } from "./utility-process-launcher.js";
import { secureWindowOptions } from "./window-options.js";
import { loadWindowState, restorableBounds, saveWindowState } from "./window-state.js";
import { autostartPath } from "./xdg-autostart.js";

/** electron-builder.yml's appId: Windows ties notifications to it (the installer's shortcut carries the same id). */
export const APP_USER_MODEL_ID = "network.pokt.pocketforge";

/** The electron modules the desktop shell uses; passed in so the glue can be exercised with a fake in Node. */
export type ElectronModules = Pick<
  typeof Electron,
  | "app"
  | "BrowserWindow"
  | "ipcMain"
  | "shell"
  | "utilityProcess"
  | "safeStorage"
  | "Tray"
  | "Menu"
  | "nativeImage"
  | "Notification"
  | "powerMonitor"
  | "powerSaveBlocker"
  | "screen"
  | "session"
>;

export interface DesktopOptions {
  /** The data folder; by default the same per-user folder headless uses (from `env`, the OS and the home folder). */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  /** electron-updater's autoUpdater in packaged builds; null runs without updates (development). */
  updater?: AppUpdaterLike | null;
  /** Extra engine options (tests: a relay miner stand-in, a compute probe, free ports). */
  core?: Partial<CoreOptions>;
  clock?: Clock;
  argv?: readonly string[];
  platform?: NodeJS.Platform;
  /** Folder holding tray-*.png and the app icon. */
  iconsDir?: string;
  /** ~/.config/autostart/pocketforge.desktop on Linux. */
  autostartFile?: string;
}

/** The running shell, for the entry point and tests. */
export interface DesktopApp {
  readonly core: Core;
  window(): Electron.BrowserWindow | null;
  /** Shows the window (creating it if needed), on `route` when given. */
  showPage(route?: PageRoute): void;
}

/**
 * Starts the desktop app: one engine, a window that hides to the tray, the IPC bridge, idle mode, notifications,
 * start on login and background updates. `bundleDir` is where main/preload live (dist/electron).
 */
export async function runDesktopApp(electron: ElectronModules, bundleDir: string, options: DesktopOptions = {}): Promise<DesktopApp | null> {
  const { app, BrowserWindow, ipcMain, shell, utilityProcess, safeStorage, screen, session } = electron;
  const argv = options.argv ?? process.argv;
  const platform = options.platform ?? process.platform;
  const clock = options.clock ?? systemClock;
  const dataDir = options.dataDir ?? defaultDataDir(options.env ?? process.env, platform);
  const electronDefault = pointAtDataFolder(app, dataDir);
  if (!app.requestSingleInstanceLock()) {
    // The running instance shows its window (second-instance below); this one leaves at once.
    app.quit();
    return null;
  }
  // Windows shows a notification only for an app whose AppUserModelID matches its Start-menu shortcut's; the NSIS
  // installer names that shortcut after electron-builder.yml's appId.
  if (platform === "win32") app.setAppUserModelId(APP_USER_MODEL_ID);
  // The GPU belongs to inference, not to drawing the dashboard.
  app.disableHardwareAcceleration();
  if (app.isPackaged) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);

  let app_: DesktopApp | null = null;
  let pendingRoute: PageRoute | null = deepLinkInArgv(argv);
  // macOS delivers deep links as open-url, possibly before ready.
  app.on("open-url", (event, url) => {
    event.preventDefault();
    const route = routeFromDeepLink(url);
    if (!route) return;
    if (app_) app_.showPage(route);
    else pendingRoute = route;
  });
  const moves = moveEarlierData(electronDefault, dataDir, platform);
  await app.whenReady();

  // Everything the engine writes is owner-only (files 0600, folders 0700).
  keepPrivate();
  const core = createCore({
    dataDir,
    version: app.getVersion(),
    workerLauncher: new UtilityProcessLauncher(utilityProcess),
    // "Remember on this device" wraps the wallet key with the OS keychain (refused on plain-text backends).
    deviceSecretStore: deviceSecretStoreFromSafeStorage(safeStorage),
    // "Open folder" on the Logs and Settings pages: the OS file manager (resolves "" on success).
    openPath: (path) => shell.openPath(path),
    ...options.core,
  });
  const removeLastResort = installLastResortHandlers(core.logs.logger("process"));
  for (const move of moves) {
    const fields = { from: move.from, to: dataDir, moved: move.moved, keptInBoth: move.keptInBoth, failed: move.failed };
    if (move.failed.length || move.keptInBoth.length) core.logger.warn("some data of an earlier version stayed in its old folder", fields);
    else core.logger.info("moved the data of an earlier version into the data folder", fields);
  }
  const rendererIndex = join(bundleDir, "..", "renderer", "index.html");
  const rendererUrl = pathToFileURL(rendererIndex).href;
  const isTrustedUrl = (url: string) => url.split("#")[0] === rendererUrl;
  const iconsDir = options.iconsDir ?? (app.isPackaged ? join(process.resourcesPath, "icons") : join(bundleDir, "..", "..", "resources", "icons"));

  hardenSession(session.defaultSession, CONTENT_SECURITY_POLICY, isTrustedUrl);
  app.on("web-contents-created", (_event, contents) => guardWebContents(contents, isTrustedUrl, (url) => void shell.openExternal(url)));

  let window: Electron.BrowserWindow | null = null;
  /** Set when the app really quits (tray menu, update): windows close instead of hiding to the tray. */
  let allowClose = false;
  let unseenAlerts = 0;

  const disposeBridge = registerIpcBridge({
    ipcMain,
    router: core.router,
    events: core.events,
    isTrustedUrl,
    targets: () => (window ? [window.webContents] : []),
  });

  const rememberWindow = () => {
    if (!window || window.isDestroyed()) return;
    try {
      saveWindowState(dataDir, { bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    } catch (error) {
      core.logger.warn("could not save the window position", { error });
    }
  };

  // The only place a window is made; showPage reuses it, so a tray click or second launch never makes a second one.
  const openWindow = (route: PageRoute | null) => {
    const saved = loadWindowState(dataDir);
    const bounds = restorableBounds(saved, screen.getAllDisplays().map((display) => display.workArea));
    const created = new BrowserWindow({
      ...secureWindowOptions(join(bundleDir, "preload.cjs")),
      ...(bounds ?? {}),
      icon: join(iconsDir, "256x256.png"),
    });
    window = created;
    if (saved?.maximized) created.maximize();
    created.once("ready-to-show", () => created.show());
    created.on("focus", () => {
      unseenAlerts = 0;
      refreshTray();
    });
    created.on("close", (event) => {
      rememberWindow();
      if (allowClose || !core.appSettings().desktop.closeToTray) return;
      // Closing hides to the tray: serving goes on, the tray menu quits.
      event.preventDefault();
      created.hide();
    });
    created.on("closed", () => {
      if (window === created) window = null;
    });
    void created.loadFile(rendererIndex, route ? { hash: `/${route}` } : undefined);
  };

  const showPage = (route?: PageRoute) => {
    if (!window || window.isDestroyed()) {
      openWindow(route ?? null);
      return;
    }
    // Only the hash changes: the renderer routes on hashchange, without reloading.
    if (route) void window.loadFile(rendererIndex, { hash: `/${route}` });
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  // Tray: state as its icon, pause/resume and quit in its menu.
  const snapshot = (): TraySnapshot => ({ availability: core.availability.status(), inference: core.inference.status(), unseenAlerts });
  const onTrayAction = (action: TrayAction) => {
    if (action === "open") showPage();
    else if (action === "quit") app.quit();
    else if (core.availability.status().pausedByUser) core.availability.resumeByUser();
    else core.availability.pauseByUser();
  };
  const tray = new TrayController(electron, iconsDir, onTrayAction, snapshot());
  const refreshTray = () => tray.update(snapshot());
  const unsubscribers = [
    core.events.on("inference.status", refreshTray),
    core.events.on("availability.status", refreshTray),
  ];

  const notifier = new AlertNotifier(electron, () => core.appSettings().desktop.notifications, showPage);
  unsubscribers.push(
    core.events.on("alerts.raised", (alert) => {
      if (!window?.isVisible() || !window.isFocused()) unseenAlerts++;
      notifier.notify(alert);
      refreshTray();
    }),
  );

  const stopSampling = startPresenceSampler({
    electron,
    availability: core.availability,
    clock,
    idleModeOn: () => core.appSettings().availability.mode === "idle",
    idleAfterSeconds: () => core.appSettings().availability.idleAfterSeconds,
  });
  if (core.serving) unsubscribers.push(keepAwakeWhileServing(electron, core.serving));

  const loginTarget = {
    app,
    platform,
    // An AppImage runs from a temporary mount; autostart must name the AppImage file itself.
    executable: process.env.APPIMAGE ?? process.execPath,
    autostartFile: options.autostartFile ?? autostartPath(process.env, homedir()),
    icon: join(iconsDir, "256x256.png"),
  };
  // Registering a development build would start a bare Electron at every login.
  const applyLoginItem = () => {
    if (!app.isPackaged) return;
    try {
      applyStartOnLogin(core.appSettings().desktop.startOnLogin, loginTarget);
    } catch (error) {
      core.logger.warn("could not update start on login", { error });
    }
  };

  const updates = options.updater
    ? new UpdateManager({
        updater: options.updater,
        gate: new InstallGate(core.serving, core.logs.logger("update"), clock),
        alerts: core.alerts,
        logger: core.logs.logger("update"),
        clock,
        currentVersion: app.getVersion(),
        settings: () => core.appSettings().updates,
        feedUrl: core.settings.updates.feedUrl,
        beforeInstall: () => void (allowClose = true),
        installFailed: (pausedServing) => {
          allowClose = false;
          if (pausedServing) void core.serving?.resume();
        },
      })
    : null;
  // The Settings page's updater panel: this updater, or "a development run has no update feed".
  if (updates) core.updates.attach(updates);
  else core.updates.markUnmanaged("development");

  unsubscribers.push(
    core.events.on("settings.changed", () => {
      applyLoginItem();
      updates?.settingsChanged();
      refreshTray();
    }),
  );

  app.on("second-instance", (_event, commandLine) => showPage(deepLinkInArgv(commandLine) ?? undefined));
  // macOS: a click on the Dock icon shows the window again after it was closed to the tray (also while starting).
  app.on("activate", () => {
    if (app_) showPage();
  });
  // With close-to-tray off, closing the last window quits as usual.
  app.on("window-all-closed", () => app.quit());
  let shuttingDown = false;
  app.on("before-quit", (event) => {
    allowClose = true;
    if (shuttingDown) return;
    event.preventDefault();
    shuttingDown = true;
    rememberWindow();
    updates?.dispose();
    stopSampling();
    for (const unsubscribe of unsubscribers) unsubscribe();
    notifier.dispose();
    tray.destroy();
    disposeBridge();
    void core.dispose().finally(() => {
      removeLastResort();
      app.exit(0);
    });
  });

  // The window opens before the engine starts and shows each step (GPU probe, workers, the last model).
  app_ = { core, window: () => window, showPage };
  if (!startedHidden(argv, app, platform) || pendingRoute) showPage(pendingRoute ?? undefined);
  pendingRoute = null;
  await core.start();
  applyLoginItem();
  updates?.start();
  refreshTray();
  return app_;
}
