import { z } from "zod";
import { AvailabilitySettings, DesktopPreferences, RigSettings, UpdateFeedUrl, UpdateSettings } from "../../../shared/api/settings.js";
import { RelayMinerConfig } from "../relayminer/config.js";
import { DEFAULT_LOCALNET_PROFILE, LOCALNET_PROFILES } from "../localnet/config.js";
import { dataDirLayout } from "../runtime/data-dir.js";
import { DocumentStore } from "../runtime/document-store.js";
import type { Logger } from "../runtime/logger.js";

export const CONFIG_VERSION = 1;

const Endpoint = z.object({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
});

export const ConfigSchema = z.object({
  version: z.literal(CONFIG_VERSION),
  network: z.enum(["localnet", "beta", "mainnet", "custom"]).default("localnet"),
  /**
   * The embedded localnet. `profile` picks the parameters a new chain starts with (its first start, or after
   * localnet.reset): "mainnet-like" uses mainnet's (1-second blocks aside), "fast" short windows and tiny stakes.
   */
  localnet: z.object({ profile: z.enum(LOCALNET_PROFILES).default(DEFAULT_LOCALNET_PROFILE) }).strict().prefault({}),
  /** The OpenAI-compatible endpoint local apps (and the relay miner's backend) talk to. */
  openAi: Endpoint.default({ host: "127.0.0.1", port: 8641 }),
  /** When set, the OpenAI-compatible endpoint requires `Authorization: Bearer <this key>` (set one before opening it up). */
  openAiApiKey: z.string().min(16, "at least 16 characters").max(256).nullable().default(null),
  /** The headless dashboard + WebSocket API. */
  dashboard: Endpoint.default({ host: "127.0.0.1", port: 8640 }),
  inference: z
    .preprocess(
      readLegacyReservation,
      z.object({
        /** The model loaded at start, if any. */
        modelPath: z.string().nullable().default(null),
        /** Tokens per sequence; null reserves what the service's requests need (inference/reservation.ts). */
        contextSize: z.number().int().min(256).nullable().default(null),
        /** Requests served at once; null follows the requests seen and the device (inference/reservation.ts). */
        parallelSequences: z.number().int().min(1).max(64).nullable().default(null),
      }),
    )
    .default({ modelPath: null, contextSize: null, parallelSequences: null }),
  /** When this machine serves relays. Headless rigs honour "schedule"; "idle" needs the desktop's presence sampler. */
  availability: AvailabilitySettings.prefault({}),
  /** The desktop shell (ignored headless). */
  desktop: DesktopPreferences.prefault({}),
  /**
   * The desktop app's updates: channel and automatic checks (the API reads and replaces these), and feedUrl, an update
   * feed that replaces the one built into the installer (set here only; see UpdateFeedUrl).
   */
  updates: UpdateSettings.extend({ feedUrl: UpdateFeedUrl.nullable().default(null) }).prefault({}),
  /** Rig mode: inference workers and their protection. */
  rig: RigSettings.prefault({}),
  /** Relay miner: listen address, /metrics, and the backend of each service it serves. */
  relayMiner: RelayMinerConfig.prefault({}),
});
export type Config = z.infer<typeof ConfigSchema>;

/**
 * Earlier versions wrote their fixed reservation (2048 tokens × 4 sequences) into every config file as the defaults;
 * that exact pair is read as "by need", any other figures are the owner's and kept.
 */
function readLegacyReservation(value: unknown): unknown {
  if (!value || typeof value !== "object") return value;
  const inference = value as { contextSize?: unknown; parallelSequences?: unknown };
  if (inference.contextSize === 2048 && inference.parallelSequences === 4) {
    return { ...inference, contextSize: null, parallelSequences: null };
  }
  return value;
}

export function defaultConfig(): Config {
  return ConfigSchema.parse({ version: CONFIG_VERSION });
}

/** The engine's settings (config.json in the data folder), on the shared document store and its bad-file policy. */
export class ConfigStore {
  private readonly store: DocumentStore<typeof ConfigSchema>;

  constructor(dataDir: string, logger: Logger) {
    this.store = new DocumentStore({
      path: dataDirLayout(dataDir).config,
      schema: ConfigSchema,
      version: { kind: "field", field: "version", version: CONFIG_VERSION },
      defaults: defaultConfig,
      logger,
    });
  }

  get path(): string {
    return this.store.path;
  }

  get(): Config {
    return this.store.get();
  }

  update(mutate: (draft: Config) => void): Config {
    return this.store.update(mutate);
  }
}
