import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where PocketForge keeps its config, keystore, ledger and models when no folder is given: the platform's usual
 * per-user application data folder (the same one Electron's userData resolves to for this app name).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === "win32") return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "PocketForge");
  if (platform === "darwin") return join(homedir(), "Library", "Application Support", "PocketForge");
  const xdgData = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith("/") ? env.XDG_DATA_HOME : join(homedir(), ".local", "share");
  return join(xdgData, "pocketforge");
}
