import { z } from "zod";
import { method, type EventMap, type MethodMap } from "./define.js";
import { Passphrase } from "./wallet.js";

/**
 * The fleet: one front node holds the operator key, runs the relay miner, claims and proves; its relays and local
 * OpenAI requests are spread over inference nodes (other PocketForge machines, paired with a code, holding no key)
 * and over OpenAI-compatible servers added by URL (vLLM, llama-server, Ollama, LM Studio).
 */

export const FleetRole = z.enum(["off", "front", "node"]);
export type FleetRole = z.infer<typeof FleetRole>;

export const FleetNodeView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["pocketforge", "openai", "local"]),
  url: z.string().nullable(),
  /** healthy: answers and is sent requests; down: failed or stopped answering (asked again every few seconds). */
  state: z.enum(["healthy", "down"]),
  /** What the node reports of its engine (ready, loading, idle, paused, error); null until it first answered. */
  engine: z.string().nullable(),
  models: z.array(z.string()),
  gpus: z.array(z.string()),
  capacity: z.number().int(),
  active: z.number().int(),
  requests: z.number().int(),
  relays: z.number().int(),
  errors: z.number().int(),
  failovers: z.number().int(),
  tokens: z.number().int(),
  tokensPerSecond: z.number(),
  /** This node's share of the relays the front node served through the fleet (0–1): its share of the earnings. */
  relayShare: z.number(),
  lastError: z.string().nullable(),
  lastSeenAt: z.number().nullable(),
});
export type FleetNodeView = z.infer<typeof FleetNodeView>;

export const FleetFrontView = z.object({
  name: z.string(),
  url: z.string(),
  /** The front node's certificate (SHA-256), pinned at pairing. */
  fingerprint: z.string(),
  pairedAt: z.number(),
  /** When the front node last sent a request here; null since this start. */
  lastRequestAt: z.number().nullable(),
  requestsServed: z.number().int(),
});
export type FleetFrontView = z.infer<typeof FleetFrontView>;

export const FleetPairing = z.object({
  /** What the node's owner types on the node, with frontUrl. */
  code: z.string(),
  frontUrl: z.string(),
  /** This machine's certificate (SHA-256), to compare on the node's screen. */
  fingerprint: z.string(),
  expiresAt: z.number(),
});
export type FleetPairing = z.infer<typeof FleetPairing>;

export const FleetStatus = z.object({
  role: FleetRole,
  listen: z.object({ host: z.string(), port: z.number().int() }),
  /** https://… the fleet listener answers at; null when it is not listening. */
  listenUrl: z.string().nullable(),
  fingerprint: z.string().nullable(),
  /** Front node: an open pairing (one node may join with its code until it expires). */
  pairing: FleetPairing.nullable(),
  /** Front node: every node, this machine's own engine included when it serves. */
  nodes: z.array(FleetNodeView),
  serveLocally: z.boolean(),
  defaultModel: z.string().nullable(),
  /** Inference node: the front node it serves. */
  front: FleetFrontView.nullable(),
  /**
   * PocketForge machines seen on the LAN (DNS-SD): on a front node, the inference nodes it has not paired; on an
   * inference node, the front nodes it could join. Empty without discovery.
   */
  discovered: z.array(z.object({ name: z.string(), url: z.string(), role: z.enum(["front", "node"]) })),
  problem: z.string().nullable(),
});
export type FleetStatus = z.infer<typeof FleetStatus>;

const NoParams = z.object({}).strict();
const Host = z.string().trim().min(1).max(255);

export const FleetConfigure = z
  .object({
    role: FleetRole.optional(),
    listen: z.object({ host: Host, port: z.number().int().min(0).max(65535) }).strict().optional(),
    serveLocally: z.boolean().optional(),
    defaultModel: z.string().trim().min(1).max(256).nullable().optional(),
    /** Listening beyond loopback asks for the wallet passphrase again (when there is a wallet). */
    passphrase: Passphrase.optional(),
  })
  .strict();
export type FleetConfigure = z.infer<typeof FleetConfigure>;

export const FleetJoin = z
  .object({
    frontUrl: z.string().trim().max(300).regex(/^https:\/\/[^\s/]+\/?$/, "the front node's https:// address, as its Fleet page shows it"),
    code: z.string().trim().min(1).max(40),
  })
  .strict();

export const FleetAddServer = z
  .object({
    url: z.string().trim().max(2000).regex(/^https?:\/\/[^\s/]+/, "an http:// or https:// URL"),
    name: z.string().trim().min(1).max(120).optional(),
    apiKey: z.string().min(1).max(4096).optional(),
    /** Requests it runs at once; asked of llama-server (its slots) or 4 when not given. */
    maxConcurrency: z.number().int().min(1).max(4096).optional(),
  })
  .strict();

export const fleetMethods = {
  "fleet.status": method(NoParams, FleetStatus, "The fleet as this machine sees it: its role, nodes with models, GPUs, load, tokens/s, errors and relay share, or the front node it serves"),
  "fleet.configure": method(FleetConfigure, FleetStatus, "Set this machine's fleet role (off, front node, inference node), the fleet listener's address, whether the front node serves locally, and the default model"),
  "fleet.createPairing": method(NoParams, FleetPairing, "Front node: open a pairing; the code is typed on the node that joins, and works once, for 10 minutes"),
  "fleet.join": method(FleetJoin, FleetStatus, "Inference node: join the front node at frontUrl with the code its Fleet page shows"),
  "fleet.leave": method(NoParams, FleetStatus, "Inference node: forget the front node (its requests are refused from now on)"),
  "fleet.addServer": method(FleetAddServer, FleetStatus, "Front node: add an OpenAI-compatible server (vLLM, llama-server, Ollama, LM Studio) by URL, with an optional API key"),
  "fleet.removeNode": method(z.object({ id: z.string().min(1).max(64) }).strict(), FleetStatus, "Front node: remove a node from the fleet"),
} satisfies MethodMap;

export const fleetEvents = {
  "fleet.status": FleetStatus,
} satisfies EventMap;
