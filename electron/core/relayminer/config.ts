// Settings of the relay miner (the `relayMiner` section of config.json). Per service: which backend answers
// its relays (the in-process inference engine, or an OpenAI-compatible URL such as llama-server, vLLM or
// Ollama), its timeout and body limit; globally: where relays and /metrics are served.
import { z } from "zod";

export const DEFAULT_RELAY_PORT = 8642;
export const DEFAULT_METRICS_PORT = 9464;
/** Go's `default_request_timeout_seconds`. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/**
 * How long a streamed relay may last in all (pocket-relay-miner's `streaming` timeout profile, 600 s): a relay is
 * bounded by the request timeout until its backend answers, and by this once the answer is a stream.
 */
export const DEFAULT_STREAM_TIMEOUT_MS = 600_000;
/** Go's `default_max_body_size: 20MB` (humanize: SI megabytes): the bound on a backend's response body. */
export const DEFAULT_MAX_BODY_BYTES = 20_000_000;
/**
 * What the public listener reads of one relay request. A chat request filling a 128k-token context is about 0.5 MiB
 * of JSON (≈4 characters a token) plus its protobuf envelope; 1 MiB leaves room for that, while Go's 20 MB let ten
 * connections from anyone hold 170 MiB of memory.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

const Host = z.string().min(1).max(255);
const Port = z.number().int().min(0).max(65535);

export const BackendConfig = z.discriminatedUnion("type", [
  /** The OpenAI handler of this app's own inference engine, called in-process. */
  z
    .object({
      type: z.literal("inference"),
      /**
       * Bring your own model: a request naming a model this engine does not serve is answered by the served model
       * (and the reply names it) instead of 404. Default: on for `ai-inference` (gateways never read `model`), off
       * for a per-model service, whose requests must name its model.
       */
      byom: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("http"),
      /** Base URL; the relay's path is joined under its path (docs/protocol.md §3.4). */
      url: z.url({ protocol: /^https?$/ }),
      /** Sent with every request, overriding same-name headers from the relay. */
      headers: z.record(z.string().min(1), z.string()).default({}),
      basicAuth: z.object({ username: z.string(), password: z.string() }).strict().optional(),
      /** Adds Pocket-Supplier, Pocket-Service, Pocket-Session-Id, … as the Go miner's `forward_pocket_headers`. */
      forwardPocketHeaders: z.boolean().default(false),
    })
    .strict(),
]);
export type BackendConfig = z.infer<typeof BackendConfig>;

export const MinedServiceConfig = z
  .object({
    serviceId: z.string().regex(/^[a-zA-Z0-9_-]{1,42}$/, "a service id: letters, digits, '_' or '-', at most 42"),
    backend: BackendConfig,
    requestTimeoutMs: z.number().int().min(100).max(600_000).optional(),
    streamTimeoutMs: z.number().int().min(100).max(3_600_000).optional(),
    maxBodyBytes: z.number().int().min(1024).max(1_073_741_824).optional(),
  })
  .strict();
export type MinedServiceConfig = z.infer<typeof MinedServiceConfig>;

export const RelayMinerConfig = z
  .object({
    /** Loopback by default: a gateway on the internet reaches it only once the owner opens it up. */
    listen: z.object({ host: Host, port: Port }).strict().default({ host: "127.0.0.1", port: DEFAULT_RELAY_PORT }),
    metrics: z
      .object({ enabled: z.boolean(), host: Host, port: Port })
      .strict()
      .default({ enabled: true, host: "127.0.0.1", port: DEFAULT_METRICS_PORT }),
    /** Start serving when the engine starts (the wallet must be unlocked). */
    autoStart: z.boolean().default(false),
    services: z.array(MinedServiceConfig).default([]),
    requestTimeoutMs: z.number().int().min(100).max(600_000).default(DEFAULT_REQUEST_TIMEOUT_MS),
    /** Bound on a streamed relay (SSE, NDJSON), from its start to its last batch. */
    streamTimeoutMs: z.number().int().min(100).max(3_600_000).default(DEFAULT_STREAM_TIMEOUT_MS),
    maxBodyBytes: z.number().int().min(1024).max(1_073_741_824).default(DEFAULT_MAX_BODY_BYTES),
    /** Largest relay request the listener reads; larger ones get error 13 and the connection is closed. */
    maxRequestBytes: z.number().int().min(64 * 1024).max(64 * 1024 * 1024).default(DEFAULT_MAX_REQUEST_BYTES),
    /** Relays one client address may have in flight at once. */
    maxInFlightPerClient: z.number().int().min(1).max(10_000).default(128),
    /** Serve applications past their per-session budget (never mined) instead of refusing them (error 7). */
    enableOverServicing: z.boolean().default(false),
    /** Worker threads verifying ring signatures; 0 verifies on the main thread. Default: cores − 1, at most 4. */
    ringVerifierThreads: z.number().int().min(0).max(16).optional(),
  })
  .strict();
export type RelayMinerConfig = z.infer<typeof RelayMinerConfig>;

export function defaultRelayMinerConfig(): RelayMinerConfig {
  return RelayMinerConfig.parse({});
}
