import type { Alert, AlertKind, PageRoute } from "../../../shared/api/index.js";
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import type { Logger } from "./logger.js";

export interface AlertInput {
  kind: AlertKind;
  /** Identifies the problem (e.g. `gpu_over_temperature:2`); defaults to the kind. */
  key?: string;
  title: string;
  message: string;
  route: PageRoute;
}

export interface AlertCenterOptions {
  emit: (alert: Alert) => void;
  logger: Logger;
  clock?: Clock;
  /** A problem still present after this long is raised again, so a forgotten one is not silent for ever. */
  repeatAfterMs?: number;
  historySize?: number;
}

/**
 * Events that need the user (proof failed, GPU too hot, update ready...) from any part of the engine, turned into
 * alerts: logged, kept for the dashboard, pushed as `alerts.raised` (the desktop shows an OS notification). One
 * problem is raised once, not on every telemetry sample, until it is resolved or `repeatAfterMs` passes.
 */
export class AlertCenter {
  private readonly active = new Map<string, number>();
  private readonly history: Alert[] = [];
  private readonly clock: Clock;

  constructor(private readonly options: AlertCenterOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Returns the alert, or null when the same problem was raised recently. */
  raise(input: AlertInput): Alert | null {
    const key = input.key ?? input.kind;
    const now = this.clock.now();
    const raisedAt = this.active.get(key);
    if (raisedAt !== undefined && now - raisedAt < (this.options.repeatAfterMs ?? 6 * 3_600_000)) return null;
    this.active.set(key, now);
    const alert: Alert = { kind: input.kind, key, title: input.title, message: input.message, route: input.route, time: now };
    this.history.push(alert);
    const limit = this.options.historySize ?? 100;
    if (this.history.length > limit) this.history.splice(0, this.history.length - limit);
    this.options.logger.warn(`${alert.title}: ${alert.message}`, { alert: alert.kind, key });
    this.options.emit(alert);
    return alert;
  }

  /** The problem is gone; the next occurrence is a new alert. */
  resolve(key: string): void {
    this.active.delete(key);
  }

  recent(): Alert[] {
    return [...this.history];
  }
}
