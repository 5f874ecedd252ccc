import { networkInterfaces } from "node:os";

/**
 * The hosts other machines reach a listener bound to `listenHost` at: that address itself, or, for a wildcard
 * (0.0.0.0, ::), every non-internal, non-link-local IPv4 address of this machine (loopback when it has none), since
 * a wildcard is not an address another machine can dial. IPv6 literals come back bracketed, ready for a URL.
 */
export function reachableHosts(listenHost: string): string[] {
  if (listenHost !== "0.0.0.0" && listenHost !== "::" && listenHost !== "") return [listenHost.includes(":") ? `[${listenHost}]` : listenHost];
  const hosts: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === "IPv4" && !info.internal && !info.address.startsWith("169.254.")) hosts.push(info.address);
  }
  return hosts.length ? hosts : ["127.0.0.1"];
}
