import { join } from "node:path";
import type * as Electron from "electron";
import { trayIconState, trayMenu, trayStatusLine, type TrayAction, type TrayIconState, type TraySnapshot } from "./tray-model.js";

export type TrayModules = Pick<typeof Electron, "Tray" | "Menu" | "nativeImage">;

/** The tray icon (state as its picture, status as its tooltip) and its menu; actions go to `onAction`. */
export class TrayController {
  private readonly tray: Electron.Tray;
  private readonly images = new Map<TrayIconState, Electron.NativeImage>();
  private shownIcon: TrayIconState | null = null;
  private shownMenu = "";
  private shownTooltip = "";

  constructor(
    private readonly electron: TrayModules,
    private readonly iconsDir: string,
    private readonly onAction: (action: TrayAction) => void,
    initial: TraySnapshot,
  ) {
    this.tray = new electron.Tray(this.image(trayIconState(initial)));
    // Windows and most Linux trays: a click opens the window; the menu is on right-click.
    this.tray.on("click", () => onAction("open"));
    this.update(initial);
  }

  update(snapshot: TraySnapshot): void {
    const icon = trayIconState(snapshot);
    if (icon !== this.shownIcon) {
      this.tray.setImage(this.image(icon));
      this.shownIcon = icon;
    }
    // Called on every inference status change (each request): touch the OS tray only when something shows.
    const tooltip = `PocketForge — ${trayStatusLine(snapshot)}`;
    if (tooltip !== this.shownTooltip) {
      this.tray.setToolTip(tooltip);
      this.shownTooltip = tooltip;
    }
    const items = trayMenu(snapshot);
    const signature = JSON.stringify(items);
    if (signature === this.shownMenu) return;
    this.shownMenu = signature;
    this.tray.setContextMenu(
      this.electron.Menu.buildFromTemplate(
        items.map((item) =>
          item.type === "separator"
            ? { type: "separator" as const }
            : { label: item.label, enabled: item.enabled ?? true, click: item.action ? () => this.onAction(item.action!) : undefined },
        ),
      ),
    );
  }

  destroy(): void {
    this.tray.destroy();
  }

  private image(state: TrayIconState): Electron.NativeImage {
    let image = this.images.get(state);
    if (!image) {
      image = this.electron.nativeImage.createFromPath(join(this.iconsDir, `tray-${state}.png`));
      this.images.set(state, image);
    }
    return image;
  }
}
