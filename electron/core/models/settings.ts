import { z } from "zod";
import { ModelSettings } from "../../../shared/api/models.js";
import type { Logger } from "../runtime/logger.js";
import { DocumentStore } from "../runtime/document-store.js";

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

/** The models' own settings (models/settings.json in the data folder), on the shared document store. */
export class ModelSettingsStore {
  private readonly store: DocumentStore<z.ZodType<ModelSettings>>;

  constructor(path: string, logger: Logger, defaults: ModelSettings = DEFAULT_MODEL_SETTINGS) {
    this.store = new DocumentStore({
      path,
      // A file from an earlier version lacks the settings added since: they take their defaults.
      schema: z.preprocess((value) => (value && typeof value === "object" ? { ...defaults, ...value } : value), ModelSettings) as z.ZodType<ModelSettings>,
      version: { kind: "envelope", format: "pocketforge-model-settings-v1", key: "settings" },
      defaults: () => structuredClone(defaults),
      logger,
    });
  }

  get path(): string {
    return this.store.path;
  }

  get(): ModelSettings {
    return this.store.get();
  }

  update(patch: Partial<ModelSettings>): ModelSettings {
    return this.store.update((current) => ({ ...current, ...patch }));
  }
}
