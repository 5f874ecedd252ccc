// Electron entry: the only place the real electron modules (and electron-updater, which needs them) are handed in.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as electron from "electron";
import electronUpdater from "electron-updater";
import { runDesktopApp } from "./desktop-app.js";

runDesktopApp(electron, dirname(fileURLToPath(import.meta.url)), {
  // Development runs have no release feed (app-update.yml only exists in packaged builds).
  updater: electron.app.isPackaged ? electronUpdater.autoUpdater : null,
}).catch((error: Error) => {
  electron.dialog.showErrorBox("PocketForge could not start", error.message);
  electron.app.exit(1);
});
