// URLs the engine fetches because a setting says so (a remote model catalog): a setting can be changed through the
// API, so such a URL must not turn the engine into a proxy onto this machine or its network (SSRF): loopback
// services, the LAN, the router, a cloud's metadata service. Only https:// to public addresses is fetched, the
// address is checked after DNS resolution and again at connect time (a name rebound in between cannot slip
// through), and redirects are not followed (they could point anywhere).
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { Readable } from "node:stream";

/** A URL the engine will not fetch, with the reason in words a person can act on. */
export class OutboundUrlError extends Error {
  override readonly name = "OutboundUrlError";
}

export interface OutboundPolicy {
  /** What the URL is, for messages ("The remote catalog URL"). */
  what?: string;
  /** Development and tests: also http:// and loopback addresses (never the LAN or link-local ones). */
  allowLoopback?: boolean;
}

/** Addresses no setting may make the engine connect to (BlockList applies the IPv4 rules to IPv4-mapped IPv6 too). */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  PRIVATE.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b::", 96], // NAT64 (reaches IPv4 addresses, private ones included)
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local (cloud metadata at fd00:ec2::254)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  PRIVATE.addSubnet(network, prefix, "ipv6");
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Whether the engine may connect to `address` (an IP literal) for a setting's URL. */
export function isPublicAddress(address: string, policy: OutboundPolicy = {}): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const type = family === 4 ? "ipv4" : "ipv6";
  if (policy.allowLoopback && LOOPBACK.check(address, type)) return true;
  return !PRIVATE.check(address, type);
}

/**
 * Checks what can be checked without DNS: the scheme (https://; http:// only with the loopback allowance), no
 * credentials, and an address literal (in any form the URL parser accepts: 2130706433, 0x7f.1, [::ffff:7f00:1])
 * must be public. @throws OutboundUrlError
 */
export function checkOutboundUrl(text: string, policy: OutboundPolicy = {}): URL {
  const what = policy.what ?? "The URL";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OutboundUrlError(`${what} is not a valid URL (got ${text})`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new OutboundUrlError(`${what} must start with http:// or https:// (got ${text})`);
  }
  if (url.protocol === "http:" && !policy.allowLoopback) {
    throw new OutboundUrlError(`${what} must be an https:// address: plain http:// can be read and changed on the way (got ${text})`);
  }
  if (url.username || url.password) throw new OutboundUrlError(`${what} must not carry a user name or password`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0 && !isPublicAddress(host, policy)) throw new OutboundUrlError(refusal(what, url.hostname, host));
  return url;
}

/**
 * Resolves the URL's host name and refuses it when any of its addresses is not public. A name that does not
 * resolve (offline, a typo) passes: the fetch reports it, and checks the addresses again when it connects.
 * @throws OutboundUrlError
 */
export async function checkOutboundUrlResolved(text: string, policy: OutboundPolicy = {}): Promise<URL> {
  const url = checkOutboundUrl(text, policy);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) return url;
  const addresses = await new Promise<LookupAddress[]>((resolve) => dnsLookup(host, { all: true }, (error, found) => resolve(error ? [] : found)));
  const refused = addresses.find((entry) => !isPublicAddress(entry.address, policy));
  if (refused) throw new OutboundUrlError(refusal(policy.what ?? "The URL", host, refused.address));
  return url;
}

function refusal(what: string, host: string, address: string): string {
  const shown = host === address ? address : `${host} (${address})`;
  return `${what} points at ${shown}, an address on this machine or its private network (loopback, LAN, link-local or a cloud metadata service); the engine only fetches it from public https:// servers`;
}

/** A DNS lookup for net.connect that fails on any non-public address, so the connection goes only where was checked. */
function publicLookup(policy: OutboundPolicy): LookupFunction {
  return ((hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true } as LookupAllOptions, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const refused = addresses.find((entry) => !isPublicAddress(entry.address, policy));
      if (refused || addresses.length === 0) {
        return callback(new OutboundUrlError(refusal(policy.what ?? "The URL", hostname, refused?.address ?? "no address")), "", 0);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  }) as LookupFunction;
}

/**
 * GET `text` as fetch would, within the outbound policy: the URL is checked, the connection goes only to public
 * addresses (checked when connecting), and a redirect is an error naming where it pointed.
 * @throws OutboundUrlError, or the network's error
 */
export async function fetchOutbound(text: string, init: { headers?: Record<string, string>; signal?: AbortSignal } & OutboundPolicy = {}): Promise<Response> {
  const url = checkOutboundUrl(text, init);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  const reply = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, { method: "GET", headers: init.headers, signal: init.signal, lookup: publicLookup(init), agent: false }, resolve);
    req.on("error", reject);
    req.end();
  });
  const status = reply.statusCode ?? 0;
  if (status >= 300 && status < 400) {
    reply.resume();
    throw new OutboundUrlError(
      `${init.what ?? "The URL"} redirects (HTTP ${status}) to ${reply.headers.location ?? "somewhere else"}; redirects are not followed: set the final https:// address`,
    );
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(reply.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const body = status === 204 || status === 304 ? null : (Readable.toWeb(reply) as ReadableStream<Uint8Array>);
  return new Response(body, { status: status >= 200 && status <= 599 ? status : 502, headers });
}

/**
 * Addresses no URL of a node or endpoint the user runs may name: unlike a catalog, such a URL may well be on this
 * machine or the LAN (a full node at home, the embedded localnet, a tunnel's local end), but never link-local (a
 * cloud's metadata service answers at 169.254.169.254 and fd00:ec2::254), unspecified or multicast.
 */
const NEVER_A_NODE = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["169.254.0.0", 16],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  NEVER_A_NODE.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["fe80::", 10],
  ["fd00:ec2::254", 128],
  ["ff00::", 8],
] as const) {
  NEVER_A_NODE.addSubnet(network, prefix, "ipv6");
}

function isNodeAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && !NEVER_A_NODE.check(address, family === 4 ? "ipv4" : "ipv6");
}

function nodeRefusal(what: string, host: string, address: string): string {
  const shown = host === address ? address : `${host} (${address})`;
  return `${what} points at ${shown}, a link-local, unspecified or multicast address (such as a cloud's metadata service), which no node or endpoint has; give the address of the machine that runs it`;
}

/**
 * A URL of a node or endpoint the user runs (a custom network's RPC, a shared localnet, the endpoint staked with, a
 * tunnel): http:// or https://, no credentials, and, literal or resolved, not an address of NEVER_A_NODE.
 * @throws OutboundUrlError
 */
export async function checkNodeUrl(text: string, what: string): Promise<URL> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OutboundUrlError(`${what} is not a valid URL (got ${text})`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new OutboundUrlError(`${what} must start with http:// or https:// (got ${text})`);
  if (url.username || url.password) throw new OutboundUrlError(`${what} must not carry a user name or password`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) {
    if (!isNodeAddress(host)) throw new OutboundUrlError(nodeRefusal(what, url.hostname, host));
    return url;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve) => dnsLookup(host, { all: true }, (error, found) => resolve(error ? [] : found)));
  const refused = addresses.find((entry) => !isNodeAddress(entry.address));
  if (refused) throw new OutboundUrlError(nodeRefusal(what, host, refused.address));
  return url;
}
