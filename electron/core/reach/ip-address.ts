import { isIPv4 } from "node:net";
import type { AddressKind, NatAdvice } from "../../../shared/api/reach.js";

function toInt(address: string): number {
  return address.split(".").reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

function inRange(address: string, base: string, bits: number): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((toInt(address) & mask) >>> 0) === ((toInt(base) & mask) >>> 0);
}

/** RFC 1918 private ranges plus link-local and loopback: addresses the internet cannot route to. */
const PRIVATE_RANGES: Array<[string, number]> = [
  ["10.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["169.254.0.0", 16],
  ["127.0.0.0", 8],
];

/**
 * What the external address a router reports says about the way to the internet:
 * - public: the router holds an internet address; a mapping on it is reachable from outside;
 * - private: the router itself sits behind another router (double NAT);
 * - cgnat: the provider shares one address among customers (RFC 6598's 100.64.0.0/10);
 * - unspecified: 0.0.0.0, the router has no WAN address (yet).
 */
export function classifyExternalAddress(address: string): AddressKind {
  if (!isIPv4(address)) return address.includes(":") ? "public" : "unspecified";
  if (address === "0.0.0.0") return "unspecified";
  if (inRange(address, "100.64.0.0", 10)) return "cgnat";
  if (PRIVATE_RANGES.some(([base, bits]) => inRange(address, base, bits))) return "private";
  return "public";
}

/** What a non-public external address means for gateways, and what to do; null for a public one. */
export function natAdvice(address: string, kind: AddressKind = classifyExternalAddress(address)): NatAdvice | null {
  switch (kind) {
    case "public":
      return null;
    case "private":
      return {
        kind: "double_nat",
        title: "Double NAT: your router is behind another router.",
        meaning: `Your router's internet side has the private address ${address}, so another router (often the provider's modem) sits between it and the internet. The port your router opened is not reachable from the internet: gateways cannot reach the relay miner this way.`,
        whatToDo:
          "Put the provider's modem in bridge mode (or your router in its DMZ / exposed host), or forward the same port on the modem to your router; otherwise use a tunnel (cloudflared, frp) and give its public URL.",
      };
    case "cgnat":
      return {
        kind: "cgnat",
        title: "Carrier-grade NAT: your provider shares one internet address among customers.",
        meaning: `Your router's internet side has ${address}, an address in 100.64.0.0/10 that providers use behind their own NAT. No port can be opened to you from the internet, by you or by the router.`,
        whatToDo: "Ask your provider for a public IPv4 address (often free or a small fee), or use a tunnel (cloudflared, frp) and give its public URL.",
      };
    case "unspecified":
      return {
        kind: "no_wan_address",
        title: "Your router has no internet address yet.",
        meaning: `The router reports ${address || "no address"} on its internet side: it is not connected, or still connecting.`,
        whatToDo: "Check the router's internet connection; the engine asks again at the next renewal.",
      };
  }
}
