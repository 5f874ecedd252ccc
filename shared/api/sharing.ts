import { z } from "zod";
import { method } from "./define.js";
import { Passphrase } from "./wallet.js";

/**
 * Model sharing on the LAN: this engine's read-only IPFS gateway for its installed models (opt-in), the peers it
 * found by mDNS or was given by hand, and whether downloads try those peers first.
 */

/** A peer's gateway as typed by hand: http://address:port (an IP address or a .local name; no path, no credentials). */
export const PeerUrl = z
  .string()
  .max(200)
  .refine((text) => {
    try {
      const url = new URL(text);
      return url.protocol === "http:" && !url.username && !url.password && (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash;
    } catch {
      return false;
    }
  }, "a peer is http://address:port, e.g. http://192.168.1.20:8644");

/** An IPv4/IPv6 literal to listen on (0.0.0.0 for every interface). */
const ListenHost = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9a-fA-F:.]+$/, "an IP address such as 0.0.0.0 or 192.168.1.20");

export const SharingSettings = z.object({
  /** Serve installed models' blocks to peers (a read-only IPFS trustless gateway). Off until the owner turns it on. */
  serve: z.boolean(),
  /** The address the gateway listens on: the LAN address, or 0.0.0.0 for every interface. */
  host: ListenHost,
  /** 0 picks a free port at each start (tests). */
  port: z.number().int().min(0).max(65535),
  /** Announce the gateway with DNS-SD over mDNS (_pocketforge._tcp) while it serves. */
  announce: z.boolean(),
  /** Look for other PocketForge gateways with mDNS. */
  discover: z.boolean(),
  /** Downloads try LAN peers first for a model whose CID is known. */
  usePeers: z.boolean(),
  /** Peers listed by hand (rig networks without multicast). */
  peers: z.array(PeerUrl).max(32),
  /** Requests one peer may make per second (a burst of the same size is allowed); more are answered 429. */
  perPeerRequestsPerSecond: z.number().int().min(1).max(100_000),
  /** Upload cap over all peers together, in MiB/s; null for none. */
  uploadLimitMiBps: z.number().positive().max(100_000).nullable(),
});
export type SharingSettings = z.infer<typeof SharingSettings>;

export const PeerView = z.object({
  /** Stable for one peer (its announced id, or its URL for a peer listed by hand). */
  id: z.string(),
  name: z.string(),
  url: z.string(),
  origin: z.enum(["mdns", "manual"]),
  /** CIDs of models it serves, as its index said. */
  cids: z.array(z.string()),
  /** When its index was last read; null until it answered. */
  seenAt: z.number().nullable(),
  /** Why its index could not be read, when it could not. */
  error: z.string().nullable(),
});
export type PeerView = z.infer<typeof PeerView>;

export const SharingStatus = z.object({
  settings: SharingSettings,
  gateway: z.object({
    state: z.enum(["off", "listening", "failed"]),
    /** Where peers reach it (one URL per LAN address when it listens on every interface). */
    urls: z.array(z.string()),
    error: z.string().nullable(),
    /** Models whose blocks it serves (installed models with a CID). */
    models: z.number().int(),
    blocksServed: z.number().int(),
    bytesServed: z.number(),
    /** Requests refused: unknown CIDs, over the rate limit, foreign host names. */
    refused: z.number().int(),
  }),
  mdns: z.object({
    announcing: z.boolean(),
    browsing: z.boolean(),
    error: z.string().nullable(),
  }),
  peers: z.array(PeerView),
});
export type SharingStatus = z.infer<typeof SharingStatus>;

export const sharingMethods = {
  "sharing.status": method(z.object({}).strict(), SharingStatus, "The LAN gateway, mDNS and the peers found or listed by hand"),
  "sharing.update": method(
    SharingSettings.partial()
      .extend({
        /** Asked when the change starts serving beyond loopback (while a wallet exists). */
        passphrase: Passphrase.optional(),
      })
      .strict(),
    SharingStatus,
    "Change sharing settings; the gateway and mDNS restart at once with them",
  ),
  "sharing.checkPeers": method(
    z.object({}).strict(),
    SharingStatus,
    "Ask the LAN again (an mDNS query) and read every peer's list of models now; answers when every peer answered or timed out",
  ),
};

export const sharingEvents = {
  /** The gateway, mDNS or the peer list changed. */
  "sharing.status": SharingStatus,
};
