// Electron entry: the only place the real electron modules are handed to the app.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as electron from "electron";
import { runDesktopApp } from "./desktop-app.js";

runDesktopApp(electron, dirname(fileURLToPath(import.meta.url))).catch((error: Error) => {
  electron.dialog.showErrorBox("PocketForge could not start", error.message);
  electron.app.exit(1);
});
