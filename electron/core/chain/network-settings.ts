// The endpoints behind the "custom" network and a shared standalone localnet, kept beside config.json (whose
// `network` field names the network itself).
import { z } from "zod";
import { dataDirLayout } from "../runtime/data-dir.js";
import { DocumentStore, type DocumentStoreLogger } from "../runtime/document-store.js";

const optionalText = z.string().min(1).nullable().default(null);
const NetworkEndpoints = z.object({
  /** custom network: the node's CometBFT RPC URL and, optionally, the chain id it must report. */
  customRpcUrl: optionalText,
  customChainId: optionalText,
  /** localnet network: a standalone `npm run localnet` to share instead of running one in-process. */
  sharedLocalnetRpcUrl: optionalText,
});
export type NetworkEndpoints = z.infer<typeof NetworkEndpoints>;

const NETWORK_SETTINGS_VERSION = 1;

/** chain-network.json on the shared document store; files from before its version field still read. */
export class NetworkSettingsStore {
  private readonly store: DocumentStore<typeof NetworkEndpoints>;

  constructor(dataDir: string, logger: DocumentStoreLogger) {
    this.store = new DocumentStore({
      path: dataDirLayout(dataDir).chainNetwork,
      schema: NetworkEndpoints,
      version: { kind: "field", field: "version", version: NETWORK_SETTINGS_VERSION },
      defaults: () => NetworkEndpoints.parse({}),
      logger,
      // Earlier builds wrote the three endpoints with no version (empty strings meaning none).
      legacy: (raw) =>
        raw && typeof raw === "object" && !("version" in raw) && ["customRpcUrl", "customChainId", "sharedLocalnetRpcUrl"].some((key) => key in raw)
          ? Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, value === "" ? null : value]))
          : undefined,
    });
  }

  get(): NetworkEndpoints {
    return this.store.get();
  }

  set(endpoints: NetworkEndpoints): void {
    this.store.set(endpoints);
  }
}
