import type { App } from "electron";
import { disableAutostart, enableAutostart } from "./xdg-autostart.js";

/** Passed by the login item / autostart entry: start in the tray without opening the window. */
export const HIDDEN_FLAG = "--hidden";

export interface LoginItemTarget {
  app: Pick<App, "setLoginItemSettings" | "getLoginItemSettings">;
  platform: NodeJS.Platform;
  /** What the session starts: on Linux the AppImage file ($APPIMAGE) when run as one, else the installed binary. */
  executable: string;
  /** ~/.config/autostart/pocketforge.desktop (Linux). */
  autostartFile: string;
  icon?: string;
}

/** Registers (or removes) the app as started hidden at login: a login item on Windows/macOS, XDG autostart on Linux. */
export function applyStartOnLogin(enabled: boolean, target: LoginItemTarget): void {
  if (target.platform === "linux") {
    if (enabled) {
      enableAutostart(
        { executable: target.executable, args: [HIDDEN_FLAG], name: "PocketForge", comment: "Serve LLM inference on POKT Network while the PC is idle", icon: target.icon },
        target.autostartFile,
      );
    } else {
      disableAutostart(target.autostartFile);
    }
    return;
  }
  // Windows starts the executable with these args; macOS opens the app itself, which then asks
  // getLoginItemSettings().wasOpenedAtLogin (see startedHidden).
  target.app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
}

/** Whether this launch came from the login item (stay in the tray) rather than from the user. */
export function startedHidden(argv: readonly string[], app: Pick<App, "getLoginItemSettings">, platform: NodeJS.Platform): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true;
  return platform === "darwin" && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
