import { z } from "zod";
import { method, type EventMap, type MethodMap } from "./define.js";
import { Passphrase } from "./wallet.js";

/**
 * Reachability: how gateways on the internet reach this machine's relay miner. Either the engine asks the home
 * router to forward a port (UPnP-IGD v1/v2, PCP or NAT-PMP, opted into by the user), or the user runs a tunnel
 * (cloudflared, frp) and gives its public URL. The engine reports the router's external address, what kind of NAT
 * it is (a public address, double NAT, carrier-grade NAT), the URL to stake with, and a check that says what it
 * proved and what only a probe from outside can prove.
 */

export const ReachMethod = z.enum(["off", "port_mapping", "tunnel"]);
export type ReachMethod = z.infer<typeof ReachMethod>;

/** The protocol the router answered: UPnP Internet Gateway Device (v1 or v2), Port Control Protocol, NAT-PMP. */
export const MappingProtocol = z.enum(["upnp-igd1", "upnp-igd2", "pcp", "nat-pmp"]);
export type MappingProtocol = z.infer<typeof MappingProtocol>;

export const MappingStatus = z.object({
  /** discovering: looking for the router; mapped: the router forwards the port; failed: no router or it refused. */
  state: z.enum(["discovering", "mapped", "failed"]),
  protocol: MappingProtocol.nullable(),
  /** The router that holds the mapping (its address, or its UPnP description URL's host). */
  gateway: z.string().nullable(),
  /** Where the router forwards to: this machine's LAN address and the relay miner's port. */
  internalAddress: z.string().nullable(),
  internalPort: z.number().int(),
  /** The port opened on the router's external address; may differ from the internal one after a conflict. */
  externalPort: z.number().int().nullable(),
  /** Lease granted, in seconds; 0 is a permanent lease (the router would not grant a timed one). */
  leaseSeconds: z.number().int().nullable(),
  /** When the lease runs out unless renewed (the engine renews it at half its life); null when permanent. */
  leaseExpiresAt: z.number().nullable(),
  /** When the mapping was last made or renewed. */
  renewedAt: z.number().nullable(),
  /** Times the mapping was found gone (router restarted, lease lost) and made again. */
  remaps: z.number().int(),
  /** Why there is no mapping, in words, with what to do. */
  problem: z.string().nullable(),
});
export type MappingStatus = z.infer<typeof MappingStatus>;

/** public: gateways can reach it; private: another router sits in front (double NAT); cgnat: the provider's NAT (100.64.0.0/10). */
export const AddressKind = z.enum(["public", "private", "cgnat", "unspecified"]);
export type AddressKind = z.infer<typeof AddressKind>;

export const NatAdvice = z.object({
  kind: z.enum(["double_nat", "cgnat", "no_wan_address"]),
  title: z.string(),
  /** What it means for gateways. */
  meaning: z.string(),
  /** What the user can do about it. */
  whatToDo: z.string(),
});
export type NatAdvice = z.infer<typeof NatAdvice>;

export const ReachCheckStep = z.object({
  id: z.enum(["relay_local", "mapping", "public_from_here", "tunnel", "outside"]),
  title: z.string(),
  /** proven: shown by this check; failed: shown not to work; not_proven: this check cannot tell; skipped: not applicable. */
  outcome: z.enum(["proven", "failed", "not_proven", "skipped"]),
  detail: z.string(),
});
export type ReachCheckStep = z.infer<typeof ReachCheckStep>;

export const ReachCheck = z.object({
  at: z.number().describe("epoch milliseconds"),
  method: ReachMethod,
  /** The public URL the check sent a signed test relay to; null when there was none to test. */
  url: z.string().nullable(),
  steps: z.array(ReachCheckStep),
  /** One sentence: what was proven, and what is left to an outside probe. */
  summary: z.string(),
});
export type ReachCheck = z.infer<typeof ReachCheck>;

export const AddressChange = z.object({
  from: z.string(),
  to: z.string(),
  /** The endpoint staked (or chosen) with the old address. */
  stakedUrl: z.string(),
  /** The endpoint to stake instead. */
  proposedUrl: z.string(),
  at: z.number(),
});
export type AddressChange = z.infer<typeof AddressChange>;

export const ReachStatus = z.object({
  method: ReachMethod,
  network: z.string(),
  /** False on the local test network: its gateways run inside this engine, nothing is mapped. */
  applicable: z.boolean(),
  /** Where the relay miner listens; a router cannot forward to a listener on 127.0.0.1. */
  relayListen: z.object({ host: z.string(), port: z.number().int() }),
  mapping: MappingStatus.nullable(),
  /** The address the router reports as its external (WAN) address. */
  externalAddress: z.string().nullable(),
  addressKind: AddressKind.nullable(),
  /** Set when the external address is not public: double NAT, carrier-grade NAT, or no WAN address yet. */
  nat: NatAdvice.nullable(),
  tunnelUrl: z.string().nullable(),
  /** The URL to stake with: http://<external address>:<port> from the mapping, or the tunnel's URL; null when none works yet. */
  proposedUrl: z.string().nullable(),
  /** The external address changed since the endpoint was staked: stake again with proposedUrl. */
  addressChange: AddressChange.nullable(),
  lastCheck: ReachCheck.nullable(),
});
export type ReachStatus = z.infer<typeof ReachStatus>;

const PublicUrl = z.string().trim().max(2000).regex(/^https?:\/\/[^\s/]+/, "an http:// or https:// URL");

export const ReachConfigure = z
  .object({
    method: ReachMethod,
    /** The tunnel's public URL (method "tunnel"). */
    tunnelUrl: PublicUrl.optional(),
    /** Port mapping opens a port on the router to this machine: it asks for the wallet passphrase again. */
    passphrase: Passphrase.optional(),
  })
  .strict();
export type ReachConfigure = z.infer<typeof ReachConfigure>;

const NoParams = z.object({}).strict();

export const reachMethods = {
  "reach.status": method(NoParams, ReachStatus, "How gateways reach the relay miner: method, router mapping, external address, NAT kind, proposed endpoint, last check"),
  "reach.configure": method(
    ReachConfigure,
    ReachStatus,
    "Choose how the relay miner is reached: off, port mapping on the router (asks for the passphrase; never on localnet), or a tunnel's public URL (checked with a signed test relay)",
  ),
  "reach.check": method(NoParams, ReachCheck, "Check reachability and say what was proven (local relay, router mapping, public address from here) and what only an outside probe can prove"),
} satisfies MethodMap;

export const reachEvents = {
  "reach.status": ReachStatus,
} satisfies EventMap;
