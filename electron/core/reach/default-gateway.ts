import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { isIPv4 } from "node:net";

/** The default route's IPv4 gateway from Linux's /proc/net/route (hex, little-endian), or null. */
export function gatewayFromProcRoute(table: string): string | null {
  for (const line of table.split("\n").slice(1)) {
    const [, destination, gateway, flags] = line.trim().split(/\s+/);
    // RTF_UP (1) | RTF_GATEWAY (2) on the 0.0.0.0 destination.
    if (destination !== "00000000" || !gateway || (parseInt(flags ?? "0", 16) & 3) !== 3) continue;
    const n = parseInt(gateway, 16);
    return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join(".");
  }
  return null;
}

/** `route -n get default` (macOS, BSD): the "gateway:" line. */
export function gatewayFromBsdRoute(output: string): string | null {
  const match = /^\s*gateway:\s*(\S+)/m.exec(output);
  return match && isIPv4(match[1]) ? match[1] : null;
}

/** `route print -4 0.0.0.0` (Windows): the first "0.0.0.0 0.0.0.0 <gateway> <interface> <metric>" row. */
export function gatewayFromWindowsRoute(output: string): string | null {
  const match = /^\s*0\.0\.0\.0\s+0\.0\.0\.0\s+(\d+\.\d+\.\d+\.\d+)\s/m.exec(output);
  return match ? match[1] : null;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { timeout: 3000, windowsHide: true }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
}

/** This machine's default IPv4 gateway (where PCP and NAT-PMP servers listen), or null when there is none. */
export async function defaultGateway(platform = process.platform): Promise<string | null> {
  try {
    if (platform === "linux") return gatewayFromProcRoute(await readFile("/proc/net/route", "utf8"));
    if (platform === "win32") return gatewayFromWindowsRoute(await run("route", ["print", "-4", "0.0.0.0"]));
    return gatewayFromBsdRoute(await run("route", ["-n", "get", "default"]));
  } catch {
    return null;
  }
}
