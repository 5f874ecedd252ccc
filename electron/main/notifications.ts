import type * as Electron from "electron";
import type { Alert, PageRoute } from "../../shared/api/index.js";

export type NotificationModule = Pick<typeof Electron, "Notification">;

/**
 * Shows each alert as an OS notification; clicking it opens the page that deals with it. Notifications are kept
 * referenced until dismissed, or some platforms collect them (and their click handler) too early.
 */
export class AlertNotifier {
  private readonly live = new Set<Electron.Notification>();

  constructor(
    private readonly electron: NotificationModule,
    private readonly enabled: () => boolean,
    private readonly open: (route: PageRoute) => void,
  ) {}

  notify(alert: Alert): boolean {
    if (!this.enabled() || !this.electron.Notification.isSupported()) return false;
    const notification = new this.electron.Notification({ title: alert.title, body: alert.message });
    this.live.add(notification);
    notification.on("click", () => {
      this.live.delete(notification);
      this.open(alert.route);
    });
    notification.on("close", () => this.live.delete(notification));
    notification.show();
    return true;
  }

  dispose(): void {
    for (const notification of this.live) notification.close();
    this.live.clear();
  }
}
