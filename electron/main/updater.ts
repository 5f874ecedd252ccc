import type { UpdateSettings } from "../../shared/api/index.js";
import type { AlertCenter } from "../core/runtime/alerts.js";
import type { Logger } from "../core/runtime/logger.js";
import type { InstallGate } from "../core/serving/install-gate.js";
import type { Clock } from "../core/runtime/clock.js";

/** The part of electron-updater's AppUpdater this app drives (passed in, so it is tested with a fake). */
export interface AppUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowPrerelease: boolean;
  allowDowngrade: boolean;
  channel: string | null;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: "update-downloaded", listener: (info: { version: string }) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

export interface UpdateManagerOptions {
  updater: AppUpdaterLike;
  gate: InstallGate;
  alerts: AlertCenter;
  logger: Logger;
  clock: Clock;
  settings: () => UpdateSettings;
  /** Lets windows close instead of hiding to the tray: the installer quits the app (which then stops the engine). */
  beforeInstall: () => void;
  /** The install could not start: back to normal, and serving resumes if the gate paused it. */
  installFailed: (pausedServing: boolean) => void;
  checkEveryMs?: number;
}

/**
 * Background updates: checks the chosen channel now and every few hours, downloads in the background, and installs
 * only when the InstallGate says nobody is interrupted (between sessions, no relay in flight).
 */
export class UpdateManager {
  private cancelCheck: (() => void) | null = null;
  private waiting: AbortController | null = null;
  private disposed = false;

  constructor(private readonly options: UpdateManagerOptions) {
    const { updater } = options;
    updater.autoDownload = true;
    // Anything downloaded is installed when the user quits, too.
    updater.autoInstallOnAppQuit = true;
    updater.on("update-downloaded", (info) => void this.onDownloaded(info.version));
    updater.on("error", (error) => options.logger.warn("update check failed", { error: error.message }));
  }

  start(): void {
    this.applyChannel();
    this.scheduleCheck(0);
  }

  /** The channel or the automatic switch changed: apply, and look for an update on the new channel now. */
  settingsChanged(): void {
    this.applyChannel();
    this.scheduleCheck(0);
  }

  dispose(): void {
    this.disposed = true;
    this.cancelCheck?.();
    this.waiting?.abort(new Error("the app is quitting"));
  }

  private applyChannel(): void {
    const { updater } = this.options;
    const beta = this.options.settings().channel === "beta";
    updater.allowPrerelease = beta;
    updater.channel = beta ? "beta" : "latest";
    // Setting a channel allows downgrades; an older build refuses this one's newer config, so never go back.
    updater.allowDowngrade = false;
  }

  private scheduleCheck(delayMs: number): void {
    this.cancelCheck?.();
    this.cancelCheck = this.options.clock.setTimer(delayMs, () => {
      if (this.disposed) return;
      if (this.options.settings().automatic) {
        this.options.updater.checkForUpdates().catch((error) => this.options.logger.warn("update check failed", { error }));
      }
      this.scheduleCheck(this.options.checkEveryMs ?? 4 * 3_600_000);
    });
  }

  private async onDownloaded(version: string): Promise<void> {
    this.options.alerts.raise({
      kind: "update_ready",
      key: `update_ready:${version}`,
      title: `PocketForge ${version} is ready`,
      message: "It installs between sessions, when no relay is in flight, and the app restarts by itself.",
      route: "settings",
    });
    // A newer download replaces the wait for an older one.
    this.waiting?.abort(new Error(`superseded by ${version}`));
    const waiting = new AbortController();
    this.waiting = waiting;
    let moment;
    try {
      moment = await this.options.gate.waitForSafeMoment(waiting.signal);
    } catch (error) {
      if (!waiting.signal.aborted) this.options.logger.warn("update install wait failed", { error });
      return;
    }
    this.options.logger.info("installing update", { version });
    try {
      this.options.beforeInstall();
      this.options.updater.quitAndInstall(true, true);
    } catch (error) {
      this.options.logger.error("could not install the update", { version, error });
      this.options.installFailed(moment.pausedServing);
    }
  }
}
