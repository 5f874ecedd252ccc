// The endpoints behind the "custom" network and a shared standalone localnet, kept beside config.json (whose
// `network` field names the network itself).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../runtime/atomic-file.js";

export interface NetworkEndpoints {
  /** custom network: the node's CometBFT RPC URL and, optionally, the chain id it must report. */
  customRpcUrl: string | null;
  customChainId: string | null;
  /** localnet network: a standalone `npm run localnet` to share instead of running one in-process. */
  sharedLocalnetRpcUrl: string | null;
}

const EMPTY: NetworkEndpoints = { customRpcUrl: null, customChainId: null, sharedLocalnetRpcUrl: null };
export const NETWORK_SETTINGS_FILE = "chain-network.json";

export class NetworkSettingsStore {
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, NETWORK_SETTINGS_FILE);
  }

  get(): NetworkEndpoints {
    if (!existsSync(this.path)) return { ...EMPTY };
    try {
      const parsed = JSON.parse(readFileSync(this.path, "utf8")) as Partial<NetworkEndpoints>;
      const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
      return {
        customRpcUrl: text(parsed.customRpcUrl),
        customChainId: text(parsed.customChainId),
        sharedLocalnetRpcUrl: text(parsed.sharedLocalnetRpcUrl),
      };
    } catch {
      // A damaged file only loses endpoints the user can type again; the network choice is in config.json.
      return { ...EMPTY };
    }
  }

  set(endpoints: NetworkEndpoints): void {
    writeFileAtomic(this.path, JSON.stringify(endpoints, null, 2) + "\n", 0o600);
  }
}
