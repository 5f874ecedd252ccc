import { z } from "zod";
import { dataDirLayout } from "../runtime/data-dir.js";
import { DocumentStore, type DocumentStoreLogger } from "../runtime/document-store.js";

export const DEFAULT_FLEET_PORT = 8645;

const Listen = z.object({ host: z.string().min(1).max(255), port: z.number().int().min(0).max(65535) }).strict();

export const FleetNodeConfig = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("pocketforge"),
      id: z.string(),
      name: z.string(),
      url: z.string(),
      /** The node's certificate, exchanged at pairing and pinned: the front node talks to no other. */
      certificate: z.string(),
      /** The request key derived at pairing (hex). */
      secret: z.string(),
      addedAt: z.number(),
    })
    .strict(),
  z
    .object({
      kind: z.literal("openai"),
      id: z.string(),
      name: z.string(),
      url: z.string(),
      apiKey: z.string().nullable(),
      maxConcurrency: z.number().int().min(1).max(4096).nullable(),
      addedAt: z.number(),
    })
    .strict(),
]);
export type FleetNodeConfig = z.infer<typeof FleetNodeConfig>;

const FleetSettingsSchema = z.object({
  /** off: a machine on its own; front: holds the key and routes to nodes; node: serves a front node's requests. */
  role: z.enum(["off", "front", "node"]).default("off"),
  /** The fleet listener: the join endpoint on a front node, the request endpoint on an inference node. Loopback until opened. */
  listen: Listen.default({ host: "127.0.0.1", port: DEFAULT_FLEET_PORT }),
  /** Front node: the nodes requests are spread over. */
  nodes: z.array(FleetNodeConfig).default([]),
  /** Front node: whether this machine's own engine takes requests too. */
  serveLocally: z.boolean().default(true),
  /** Front node: the model asked for when a request names one no node serves (the service's default for BYOM). */
  defaultModel: z.string().nullable().default(null),
  /** Inference node: the front node it serves. */
  front: z
    .object({ nodeId: z.string(), name: z.string(), url: z.string(), fingerprint: z.string(), secret: z.string(), pairedAt: z.number() })
    .strict()
    .nullable()
    .default(null),
});
export type FleetSettings = z.infer<typeof FleetSettingsSchema>;

/** fleet.json: the role, and the pairing keys (mode 0600, like every settings file). */
export class FleetSettingsStore {
  private readonly store: DocumentStore<typeof FleetSettingsSchema>;

  constructor(dataDir: string, logger: DocumentStoreLogger) {
    this.store = new DocumentStore({
      path: dataDirLayout(dataDir).fleet,
      schema: FleetSettingsSchema,
      version: { kind: "envelope", format: "pocketforge-fleet-v1", key: "fleet" },
      defaults: () => FleetSettingsSchema.parse({}),
      logger,
    });
  }

  get(): FleetSettings {
    return this.store.get();
  }

  update(mutate: (draft: FleetSettings) => void): FleetSettings {
    return this.store.update((draft) => void mutate(draft));
  }
}
