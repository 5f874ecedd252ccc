import { ApiError, UNMANAGED_UPDATES, type UpdateStatus } from "../../../shared/api/index.js";

/** What updates the app: the desktop shell's updater (electron/main/updater.ts) plugs in here. */
export interface UpdateSource {
  status(): UpdateStatus;
  /** Starts a check now (a check already running is not doubled) and returns the status right after. */
  checkNow(): UpdateStatus;
  /** Every change of status; returns the unsubscribe. */
  onStatus(listener: (status: UpdateStatus) => void): () => void;
}

/**
 * The updater's state for the API: "unmanaged" until the desktop shell attaches its updater, then whatever that one
 * reports, pushed to every window as updates.status.
 */
export class UpdateCenter {
  private source: UpdateSource | null = null;
  private detach: (() => void) | null = null;
  private unmanaged: UpdateStatus = { state: "unmanaged", reason: "headless" };

  constructor(private readonly emit: (status: UpdateStatus) => void) {}

  /** The desktop shell's updater takes over: its status is the API's, and "Check now" reaches it. */
  attach(source: UpdateSource): void {
    this.detach?.();
    this.source = source;
    this.detach = source.onStatus((status) => this.emit(status));
    this.emit(source.status());
  }

  /** No updater here (a development run of the desktop app, or headless). */
  markUnmanaged(reason: "headless" | "development"): void {
    this.detach?.();
    this.detach = null;
    this.source = null;
    this.unmanaged = { state: "unmanaged", reason };
    this.emit(this.unmanaged);
  }

  status(): UpdateStatus {
    return this.source?.status() ?? this.unmanaged;
  }

  check(): UpdateStatus {
    if (!this.source) {
      const reason = this.unmanaged.state === "unmanaged" ? this.unmanaged.reason : "headless";
      throw new ApiError("unavailable", UNMANAGED_UPDATES[reason], { reason });
    }
    return this.source.checkNow();
  }
}
