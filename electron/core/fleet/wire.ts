// What crosses the wire between a front node and an inference node, as schemas: everything read from the other side is
// parsed, never trusted. Nothing here carries a key: the pairing code is never sent (both sides derive the request key
// from it), and an inference node is sent only OpenAI requests and status queries.
import { z } from "zod";

const Fingerprint = z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
const Hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const Pem = z.string().max(8192).regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/);
const Name = z.string().min(1).max(120);

/** A node's report of itself: GET /fleet/v1/status on a PocketForge node; built from GET /v1/models for other servers. */
export const NodeReportSchema = z.object({
  name: Name,
  kind: z.enum(["pocketforge", "openai", "local"]),
  /** ready: serves; loading: a model is on its way; idle: nothing loaded; paused: the owner paused serving. */
  state: z.enum(["ready", "loading", "idle", "paused", "error"]),
  models: z.array(z.string().max(256)).max(64),
  /** How many requests it runs at once (parallel sequences × workers, llama-server's slots, or the configured value). */
  capacity: z.number().int().min(0).max(4096),
  active: z.number().int().min(0),
  queued: z.number().int().min(0),
  gpus: z.array(z.string().max(200)).max(64),
  tokensPerSecond: z.number().nonnegative().nullable(),
});
export type NodeReport = z.infer<typeof NodeReportSchema>;

/** POST /fleet/v1/join on the front node, from the node whose owner typed the code. */
export const JoinRequestSchema = z
  .object({
    format: z.literal("pocketforge-fleet-join-v1"),
    name: Name,
    /** Where the front node reaches the node: its fleet port (the address is the one the request came from) or a URL. */
    port: z.number().int().min(1).max(65535),
    url: z.string().max(300).regex(/^https:\/\/[^\s/]+\/?$/).optional(),
    certificate: Pem,
    nodeNonce: Hex(16),
    /** joinProof over both certificates and the node's nonce (pairing.ts). */
    proof: Hex(32),
  })
  .strict();
export type JoinRequest = z.infer<typeof JoinRequestSchema>;

export const JoinAnswerSchema = z
  .object({
    format: z.literal("pocketforge-fleet-join-v1"),
    nodeId: z.string().regex(/^[a-z0-9-]{1,40}$/),
    frontName: Name,
    frontNonce: Hex(16),
    /** acceptProof over the whole transcript: the node trusts the front node's certificate once it checks. */
    proof: Hex(32),
  })
  .strict();
export type JoinAnswer = z.infer<typeof JoinAnswerSchema>;

export { Fingerprint };
