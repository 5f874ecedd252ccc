import { existsSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../core/runtime/atomic-file.js";

/** Linux has no login-item API: desktops start what ~/.config/autostart/*.desktop lists (XDG Autostart spec). */
export interface AutostartEntry {
  /** The program to start: the AppImage file itself (not its temporary mount point) or the installed binary. */
  executable: string;
  args: readonly string[];
  name: string;
  comment: string;
  /** Icon name or absolute path. */
  icon?: string;
}

export function autostartPath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const configHome = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith("/") ? env.XDG_CONFIG_HOME : join(home, ".config");
  return join(configHome, "autostart", "pocketforge.desktop");
}

/** The .desktop file's text (Desktop Entry Specification 1.5). */
export function autostartDesktopFile(entry: AutostartEntry): string {
  const exec = [entry.executable, ...entry.args].map(quoteExecArgument).join(" ");
  return [
    "[Desktop Entry]",
    "Type=Application",
    "Version=1.5",
    `Name=${escapeValue(entry.name)}`,
    `Comment=${escapeValue(entry.comment)}`,
    `Exec=${escapeValue(exec)}`,
    ...(entry.icon ? [`Icon=${escapeValue(entry.icon)}`] : []),
    "Terminal=false",
    "X-GNOME-Autostart-enabled=true",
    "",
  ].join("\n");
}

export function enableAutostart(entry: AutostartEntry, path = autostartPath()): void {
  writeFileAtomic(path, autostartDesktopFile(entry), 0o644);
}

export function disableAutostart(path = autostartPath()): void {
  rmSync(path, { force: true });
}

export function isAutostartEnabled(path = autostartPath()): boolean {
  return existsSync(path);
}

/**
 * Exec arguments: those with reserved characters are double-quoted, and inside the quotes ", `, $ and \ are
 * backslash-escaped; a literal % is written %% (field codes). The spec then applies string escaping on top.
 */
function quoteExecArgument(arg: string): string {
  const percent = arg.replace(/%/g, "%%");
  if (!/[\s"'\\><~|&;$*?#()`=]/.test(percent) && percent.length > 0) return percent;
  return `"${percent.replace(/(["`$\\])/g, "\\$1")}"`;
}

/** String values: backslash, newline, tab and carriage return are escaped. */
function escapeValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r");
}
