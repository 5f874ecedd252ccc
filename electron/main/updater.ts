import type { UpdateSettings, UpdateStatus } from "../../shared/api/index.js";
import type { UpdateSource } from "../core/app/updates.js";
import type { AlertCenter } from "../core/runtime/alerts.js";
import type { Logger } from "../core/runtime/logger.js";
import type { InstallGate } from "../core/serving/install-gate.js";
import type { Clock } from "../core/runtime/clock.js";

/**
 * The part of electron-updater's AppUpdater this app drives (passed in, so it is tested with a fake). The events are
 * electron-updater's own: checking-for-update, then update-not-available or update-available; with autoDownload,
 * download-progress and update-downloaded follow; error for a failed check or download.
 */
export interface AppUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowPrerelease: boolean;
  allowDowngrade: boolean;
  channel: string | null;
  /** Replaces the feed of app-update.yml (the file must still exist: electron-updater names its cache folder from it). */
  setFeedURL(options: { provider: "generic"; url: string }): void;
  /** Null when the updater is inactive; downloadPromise (autoDownload) rejects when the download fails. */
  checkForUpdates(): Promise<{ downloadPromise?: Promise<unknown> | null } | null>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: "checking-for-update", listener: () => void): unknown;
  on(event: "update-available" | "update-not-available" | "update-downloaded", listener: (info: { version: string }) => void): unknown;
  on(event: "download-progress", listener: (progress: { percent: number }) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

export interface UpdateManagerOptions {
  updater: AppUpdaterLike;
  gate: InstallGate;
  alerts: AlertCenter;
  logger: Logger;
  clock: Clock;
  /** The version running now (app.getVersion()). */
  currentVersion: string;
  settings: () => UpdateSettings;
  /** config.json's updates.feedUrl: replaces the installer's feed when set. */
  feedUrl: string | null;
  /** Lets windows close instead of hiding to the tray: the installer quits the app (which then stops the engine). */
  beforeInstall: () => void;
  /** The install could not start: back to normal, and serving resumes if the gate paused it. */
  installFailed: (pausedServing: boolean) => void;
  checkEveryMs?: number;
}

const CHECK_EVERY_MS = 4 * 3_600_000;
/** Stands for "the updater answered null" where the last error is remembered. */
const INACTIVE = Symbol("inactive");

type Activity =
  | { state: "idle" | "checking" | "up_to_date" }
  | { state: "available" | "downloaded"; version: string }
  | { state: "downloading"; version: string; percent: number }
  | { state: "error"; message: string; nextStep: string; at: number };

/**
 * Background updates: checks the chosen channel now and every few hours (and when asked), downloads in the
 * background, and installs only when the InstallGate says nobody is interrupted (between sessions, no relay in
 * flight). Its state is the Settings page's updater panel; a failed check or download is logged and shown there with
 * what to do, never swallowed.
 */
export class UpdateManager implements UpdateSource {
  private cancelCheck: (() => void) | null = null;
  private waiting: AbortController | null = null;
  private disposed = false;
  private activity: Activity = { state: "idle" };
  private lastCheckedAt: number | null = null;
  private waitingToInstall: string | null = null;
  /** The version being looked at or downloaded (update-available names it, download-progress does not). */
  private found: string | null = null;
  private lastError: unknown = null;
  private readonly listeners = new Set<(status: UpdateStatus) => void>();

  constructor(private readonly options: UpdateManagerOptions) {
    const { updater } = options;
    updater.autoDownload = true;
    // Anything downloaded is installed when the user quits, too.
    updater.autoInstallOnAppQuit = true;
    updater.on("checking-for-update", () => this.set({ state: "checking" }));
    updater.on("update-not-available", () => {
      this.lastCheckedAt = options.clock.now();
      this.options.logger.debug("no update available", { currentVersion: options.currentVersion });
      this.set({ state: "up_to_date" });
    });
    updater.on("update-available", (info) => {
      this.lastCheckedAt = options.clock.now();
      this.found = info.version;
      this.options.logger.info("update available, downloading", { version: info.version });
      this.set({ state: "available", version: info.version });
    });
    updater.on("download-progress", (progress) => {
      const percent = Math.min(100, Math.max(0, Math.floor(progress.percent)));
      const current = this.activity;
      // Whole percents only: the window hears about each step once, not on every chunk.
      if (current.state === "downloading" && current.percent === percent) return;
      this.set({ state: "downloading", version: this.found ?? "", percent });
    });
    updater.on("update-downloaded", (info) => void this.onDownloaded(info.version));
    updater.on("error", (error) => this.failed(error, "update"));
  }

  start(): void {
    const { feedUrl } = this.options;
    if (feedUrl) {
      this.options.logger.info("update feed from config.json", { feedUrl });
      this.options.updater.setFeedURL({ provider: "generic", url: feedUrl });
    }
    this.applyChannel();
    this.scheduleCheck(0);
  }

  /** The channel or the automatic switch changed: apply, and look for an update on the new channel now. */
  settingsChanged(): void {
    this.applyChannel();
    this.publish();
    this.scheduleCheck(0);
  }

  status(): UpdateStatus {
    const settings = this.options.settings();
    return {
      ...this.activity,
      currentVersion: this.options.currentVersion,
      channel: settings.channel,
      automatic: settings.automatic,
      feedUrl: this.options.feedUrl,
      lastCheckedAt: this.lastCheckedAt,
      waitingToInstall: this.waitingToInstall,
    };
  }

  onStatus(listener: (status: UpdateStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** "Check now": whatever the automatic setting; a check or download already under way is not started twice. */
  checkNow(): UpdateStatus {
    if (!this.disposed) this.check();
    return this.status();
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
      if (this.options.settings().automatic) this.check();
      this.scheduleCheck(this.options.checkEveryMs ?? CHECK_EVERY_MS);
    });
  }

  private check(): void {
    const { state } = this.activity;
    if (state === "checking" || state === "downloading") return;
    let checking: ReturnType<AppUpdaterLike["checkForUpdates"]>;
    try {
      checking = this.options.updater.checkForUpdates();
    } catch (error) {
      this.failed(error, "update");
      return;
    }
    checking.then(
      (result) => {
        // electron-updater answers null, with no event, when this copy cannot update itself (on Linux: not started
        // from an AppImage or installed from the deb).
        if (result === null) this.inactive();
        // A failed download is reported through the error event; its promise must not surface as unhandled.
        else void result.downloadPromise?.catch(() => {});
      },
      (error) => this.failed(error, "update"),
    );
  }

  private inactive(): void {
    if (this.activity.state === "error" && this.lastError === INACTIVE) return;
    this.options.logger.warn("the updater is inactive: this copy of PocketForge cannot update itself");
    this.lastError = INACTIVE;
    this.set({
      state: "error",
      message: "This copy of PocketForge cannot update itself (on Linux, only the AppImage and the deb package do).",
      nextStep: "Install PocketForge from its AppImage, deb, Windows installer or dmg to get updates, or update this copy yourself.",
      at: this.options.clock.now(),
    });
  }

  /** electron-updater reports a failure twice (error event, then the rejected check): logged and shown once. */
  private failed(error: unknown, during: "update" | "install", version?: string): void {
    if (error === this.lastError) return;
    this.lastError = error;
    const described = describeUpdateError(error, {
      during,
      version,
      feedUrl: this.options.feedUrl,
      channel: this.options.settings().channel,
      automatic: this.options.settings().automatic,
    });
    if (during === "install") this.options.logger.error("could not install the update", { version, error });
    else this.options.logger.warn("update check failed", { error, feedUrl: this.options.feedUrl ?? "app-update.yml" });
    this.set({ state: "error", ...described, at: this.options.clock.now() });
  }

  private set(activity: Activity): void {
    this.activity = activity;
    if (activity.state !== "error") this.lastError = null;
    this.publish();
  }

  private publish(): void {
    if (this.disposed) return;
    const status = this.status();
    for (const listener of [...this.listeners]) listener(status);
  }

  private async onDownloaded(version: string): Promise<void> {
    this.waitingToInstall = version;
    this.set({ state: "downloaded", version });
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
      this.failed(error, "install", version);
      this.options.installFailed(moment.pausedServing);
    }
  }
}

/**
 * A failed check, download or install in one line, and what the person can do about it. The error shapes are
 * electron-updater's (error codes, HttpError's statusCode) and Electron's net module's (net::ERR_…).
 */
export function describeUpdateError(
  error: unknown,
  context: { during: "update" | "install"; version?: string; feedUrl: string | null; channel: UpdateSettings["channel"]; automatic: boolean },
): { message: string; nextStep: string } {
  const err = (error ?? {}) as { message?: unknown; code?: unknown; statusCode?: unknown };
  const text = typeof err.message === "string" ? err.message : String(error);
  const code = typeof err.code === "string" ? err.code : "";
  const status = typeof err.statusCode === "number" ? err.statusCode : null;
  const firstLine = (text.split("\n")[0] ?? "").trim();
  const short = firstLine.length > 240 ? `${firstLine.slice(0, 239)}…` : firstLine;
  const feed = context.feedUrl ? `the feed set in config.json (updates.feedUrl: ${context.feedUrl})` : "the update feed built into this installer";
  const again = context.automatic ? "PocketForge tries again in 4 hours, or press Check now." : "Press Check now to try again.";

  if (context.during === "install") {
    return {
      message: `The installer for ${context.version ?? "the update"} could not start: ${short}`,
      nextStep: "Quit PocketForge from the tray menu: a downloaded update installs when the app quits. If it still does not, install the new version yourself.",
    };
  }
  if (code === "ENOENT" && /app-update\.yml/.test(text)) {
    return {
      message: "This build has no update feed (resources/app-update.yml is missing).",
      nextStep: "Reinstall PocketForge from an official installer, or set updates.feedUrl in config.json to your release feed and restart the app.",
    };
  }
  if (code === "ERR_UPDATER_CHANNEL_FILE_NOT_FOUND" || code === "ERR_UPDATER_LATEST_VERSION_NOT_FOUND" || status === 404) {
    return {
      message: `No ${context.channel} release for this system was found at ${feed}.`,
      nextStep:
        (context.channel === "beta" ? "Switch to the Stable channel, or wait for a beta release. " : "") +
        (context.feedUrl
          ? "Check that updates.feedUrl in config.json points at the folder holding the release's latest*.yml files, then restart the app."
          : `The release may still be uploading: ${again}`),
    };
  }
  if (code === "ERR_CHECKSUM_MISMATCH" || code === "ERR_UPDATER_INVALID_SIGNATURE" || /checksum mismatch|not signed|code signature/i.test(text)) {
    return {
      message: `A downloaded update failed verification and was discarded; nothing was installed (${short}).`,
      nextStep: `${again} If it fails again, install the new version from the release page yourself.`,
    };
  }
  if (/net::ERR_|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|socket hang up/.test(`${code} ${text}`) || (status !== null && status >= 500)) {
    return {
      message: `Could not reach ${feed}: ${short}`,
      nextStep: `Check this computer's internet connection (a proxy or firewall may block it). ${again}`,
    };
  }
  return {
    message: short || "The update check failed.",
    nextStep: `${again} If it keeps failing, look for "update" on the Logs page and install the latest version yourself.`,
  };
}
