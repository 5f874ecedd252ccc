import { isIP } from "node:net";
import { hostname } from "node:os";

import { isLoopbackHost } from "../../../shared/hosts.js";

export { isLoopbackHost };

/** A Host header taken apart: the name (lower case, IPv6 without brackets) and the port as written, if any. */
export interface ParsedHost {
  name: string;
  port: number | null;
}

/**
 * Parses a Host header strictly, as the engine's listeners need it: a DNS name (letters, digits, hyphens, underscores, dots), an
 * IPv4 address in its canonical dotted-quad form, or a bracketed IPv6 address, then an optional decimal port. Null
 * for everything else, and in particular for what a URL parser would quietly repair or reinterpret: a fragment, path
 * or user part (`127.0.0.1:8640#.evil`, `user@127.0.0.1`), the numeric IPv4 forms (`2130706433`, `0x7f.1`,
 * `127.1`, `0177.0.0.1`), a trailing dot, a zone id, a port with leading zeros or beyond 65535.
 */
export function parseHostHeader(value: string | undefined): ParsedHost | null {
  if (!value) return null;
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(0|[1-9][0-9]{0,4}))?$/.exec(value);
  if (!match) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && port > 65535) return null;
  const raw = match[1]!.toLowerCase();
  if (raw.startsWith("[")) {
    const inner = raw.slice(1, -1);
    return isIP(inner) === 6 ? { name: inner, port } : null;
  }
  const labels = raw.split(".");
  const last = labels.at(-1)!;
  // A last label that is a number (decimal, octal-looking or 0x hex) makes a URL parser read the whole name as an IPv4
  // address in one of its legacy forms; only the canonical dotted quad is accepted as an address.
  if (/^[0-9]+$/.test(last) || /^0x[0-9a-f]*$/.test(last)) return isCanonicalIPv4(raw) ? { name: raw, port } : null;
  if (labels.some((label) => label.length === 0 || label.length > 63 || label.startsWith("-") || label.endsWith("-"))) return null;
  return raw.length <= 253 ? { name: raw, port } : null;
}

/** Four decimal octets, 0–255, without leading zeros. */
function isCanonicalIPv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((part) => /^(0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255);
}

/**
 * Which Host headers a listener answers to. A DNS-rebinding page points a domain of its own at this machine and
 * sends that domain as Host (and as Origin), so a listener that checks only Origin against Host is open to it. The
 * names accepted: loopback names always; on a bind beyond loopback also address literals (which cannot be rebound)
 * and this machine's own name, bare or under `.local`. The header is parsed strictly (parseHostHeader) and its port
 * must be the listener's (absent only when that is 80).
 */
export class HostNames {
  private readonly loopbackBind: boolean;
  private readonly machineNames: ReadonlySet<string>;

  constructor(bindHost: string, machineName: string = hostname()) {
    this.loopbackBind = isLoopbackHost(bindHost);
    const name = machineName.toLowerCase();
    this.machineNames = new Set([name, `${name}.local`, `${name.split(".")[0]}.local`]);
  }

  /** Whether `hostHeader` names this listener, on `port`. */
  answersTo(hostHeader: string | undefined, port: number): boolean {
    const parsed = parseHostHeader(hostHeader);
    if (parsed === null || (parsed.port ?? 80) !== port) return false;
    const { name } = parsed;
    if (name === "localhost" || isLoopbackHost(name)) return true;
    if (this.loopbackBind) return false;
    return isIP(name) !== 0 || this.machineNames.has(name);
  }
}
