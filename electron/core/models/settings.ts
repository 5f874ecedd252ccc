import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { ModelSettings } from "../../../shared/api/models.js";
import type { Logger } from "../runtime/logger.js";
import { writeFileAtomic } from "../runtime/atomic-file.js";

const SETTINGS_FORMAT = "pocketforge-model-settings-v1";

/**
 * Defaults: a local IPFS node first (Kubo's gateway port; an absent node is skipped at the cost of one refused
 * connection), then public trustless gateways. Arweave data is trusted only 10 blocks (~20 minutes) deep.
 */
export const DEFAULT_MODEL_SETTINGS: ModelSettings = {
  ipfsGateways: ["http://127.0.0.1:8080", "https://trustless-gateway.link", "https://ipfs.io"],
  arweaveGateways: ["https://arweave.net"],
  minArweaveConfirmations: 10,
  remoteCatalogUrl: null,
  ipfsConcurrency: 8,
  cpuBandwidthGBps: null,
};

const SettingsDocument = z.object({ format: z.literal(SETTINGS_FORMAT), settings: z.unknown() });

/** The models' own settings file (models/settings.json in the data dir), validated on read and on every change. */
export class ModelSettingsStore {
  private current: ModelSettings;

  constructor(
    readonly path: string,
    private readonly logger: Logger,
    private readonly defaults: ModelSettings = DEFAULT_MODEL_SETTINGS,
  ) {
    this.current = this.load();
  }

  get(): ModelSettings {
    return structuredClone(this.current);
  }

  update(patch: Partial<ModelSettings>): ModelSettings {
    const next = ModelSettings.parse({ ...this.current, ...patch });
    writeFileAtomic(this.path, JSON.stringify({ format: SETTINGS_FORMAT, settings: next }, null, 2) + "\n");
    this.current = next;
    return this.get();
  }

  private load(): ModelSettings {
    if (!existsSync(this.path)) return structuredClone(this.defaults);
    try {
      const document = SettingsDocument.parse(JSON.parse(readFileSync(this.path, "utf8")));
      return ModelSettings.parse({ ...this.defaults, ...(document.settings as object) });
    } catch (error) {
      this.logger.warn("model settings were invalid; using the defaults until they are saved again", { path: this.path, error });
      return structuredClone(this.defaults);
    }
  }
}
