import { isIP } from "node:net";
import { hostname } from "node:os";

import { isLoopbackHost } from "../../../shared/hosts.js";

export { isLoopbackHost };

/**
 * Which Host headers a listener answers to. A DNS-rebinding page points a domain of its own at this machine and
 * sends that domain as Host (and as Origin), so a listener that checks only Origin against Host is open to it. The
 * names accepted: loopback names always; on a bind beyond loopback also address literals (which cannot be rebound)
 * and this machine's own name, bare or under `.local`.
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
    if (!hostHeader) return false;
    let url: URL;
    try {
      url = new URL(`http://${hostHeader}`);
    } catch {
      return false;
    }
    if (url.username || url.password || url.pathname !== "/" || (url.port || "80") !== String(port)) return false;
    const name = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
    if (name === "localhost" || isLoopbackHost(name)) return true;
    if (this.loopbackBind) return false;
    return isIP(name) !== 0 || this.machineNames.has(name);
  }
}
