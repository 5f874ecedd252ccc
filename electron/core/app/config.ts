import { existsSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { AvailabilitySettings, DesktopPreferences, RigSettings, UpdateSettings } from "../../../shared/api/settings.js";
import { RelayMinerConfig } from "../relayminer/config.js";
import { writeFileAtomic } from "../runtime/atomic-file.js";
import type { Logger } from "../runtime/logger.js";

export const CONFIG_VERSION = 1;

const Endpoint = z.object({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
});

export const ConfigSchema = z.object({
  version: z.literal(CONFIG_VERSION),
  network: z.enum(["localnet", "beta", "mainnet", "custom"]).default("localnet"),
  /** The OpenAI-compatible endpoint local apps (and the relay miner's backend) talk to. */
  openAi: Endpoint.default({ host: "127.0.0.1", port: 8641 }),
  /** When set, the OpenAI-compatible endpoint requires `Authorization: Bearer <this key>` (set one before opening it up). */
  openAiApiKey: z.string().min(16, "at least 16 characters").max(256).nullable().default(null),
  /** The headless dashboard + WebSocket API. */
  dashboard: Endpoint.default({ host: "127.0.0.1", port: 8640 }),
  inference: z
    .object({
      /** The model loaded at start, if any. */
      modelPath: z.string().nullable().default(null),
      contextSize: z.number().int().min(256).default(2048),
      parallelSequences: z.number().int().min(1).max(64).default(4),
    })
    .default({ modelPath: null, contextSize: 2048, parallelSequences: 4 }),
  /** When this machine serves relays. Headless rigs honour "schedule"; "idle" needs the desktop's presence sampler. */
  availability: AvailabilitySettings.prefault({}),
  /** The desktop shell (ignored headless). */
  desktop: DesktopPreferences.prefault({}),
  updates: UpdateSettings.prefault({}),
  /** Rig mode: inference workers and their protection. */
  rig: RigSettings.prefault({}),
  /** Relay miner: listen address, /metrics, and the backend of each service it serves. */
  relayMiner: RelayMinerConfig.prefault({}),
});
export type Config = z.infer<typeof ConfigSchema>;

export function defaultConfig(): Config {
  return ConfigSchema.parse({ version: CONFIG_VERSION });
}

/**
 * The versioned settings file (config.json in the data dir). A newer version than this build understands is refused
 * rather than overwritten (a downgrade must not lose settings); an unreadable file is kept aside, not deleted.
 */
export class ConfigStore {
  readonly path: string;
  private current: Config;

  constructor(dataDir: string, private readonly logger: Logger) {
    this.path = join(dataDir, "config.json");
    this.current = this.load();
  }

  get(): Config {
    return structuredClone(this.current);
  }

  update(mutate: (draft: Config) => void): Config {
    const draft = this.get();
    mutate(draft);
    const next = ConfigSchema.parse(draft);
    writeFileAtomic(this.path, JSON.stringify(next, null, 2) + "\n", 0o600);
    this.current = next;
    return this.get();
  }

  private load(): Config {
    if (!existsSync(this.path)) return defaultConfig();
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, "utf8"));
    } catch (error) {
      const aside = `${this.path}.unreadable-${Date.now()}`;
      renameSync(this.path, aside);
      this.logger.warn("config.json was not valid JSON; kept it aside and started with defaults", { keptAt: aside });
      return defaultConfig();
    }
    const version = (raw as { version?: unknown })?.version;
    if (typeof version === "number" && version > CONFIG_VERSION) {
      throw new Error(
        `config.json was written by a newer PocketForge (config version ${version}); update PocketForge, or start with another --data-dir`,
      );
    }
    const parsed = ConfigSchema.safeParse(raw);
    if (!parsed.success) {
      const aside = `${this.path}.invalid-${Date.now()}`;
      renameSync(this.path, aside);
      this.logger.warn("config.json had invalid settings; kept it aside and started with defaults", {
        keptAt: aside,
        problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
      });
      return defaultConfig();
    }
    return parsed.data;
  }
}
