import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where PocketForge keeps its config, keystore, ledger and models when no folder is given: the platform's usual
 * per-user application data folder (the same one Electron's userData resolves to for this app name).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === "win32") return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "PocketForge");
  if (platform === "darwin") return join(homedir(), "Library", "Application Support", "PocketForge");
  const xdgData = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith("/") ? env.XDG_DATA_HOME : join(homedir(), ".local", "share");
  return join(xdgData, "pocketforge");
}

/**
 * Every file and folder PocketForge keeps in its data folder, named once. Services receive the data folder and take
 * their own paths from here, so a reader (or the diagnostics bundle) finds the whole layout in one place.
 */
export function dataDirLayout(dataDir: string) {
  const models = join(dataDir, "models");
  const wallet = join(dataDir, "wallet");
  return {
    root: dataDir,
    /** Engine settings: network, ports, inference, availability, updates, rig, relay miner. */
    config: join(dataDir, "config.json"),
    /** How the dashboard shows things: theme, currency, electricity price, POKT price source. */
    preferences: join(dataDir, "preferences.json"),
    /** The credential scripts and the headless dashboard use; regenerated when missing. */
    accessToken: join(dataDir, "access-token"),
    /** Endpoints of the custom network and of a shared standalone localnet. */
    chainNetwork: join(dataDir, "chain-network.json"),
    /** The public URL the supplier stakes with. */
    staking: join(dataDir, "staking.json"),
    /** How gateways reach the relay miner: port mapping or a tunnel, the last external address and port. */
    reach: join(dataDir, "reach.json"),
    /** The fleet: this machine's role, its nodes (front node) or the front node it serves (inference node), their pairing keys. */
    fleet: join(dataDir, "fleet.json"),
    logs: join(dataDir, "logs"),
    /** The dashboard's certificate off loopback: the user's own (cert.pem, key.pem) or a generated one. */
    tls: join(dataDir, "tls"),
    ledger: join(dataDir, "ledger", "ledger.sqlite"),
    /** Request sizes and concurrency the inference engine has seen, to size the KV cache at the next start. */
    inferenceUsage: join(dataDir, "inference-usage.json"),
    /** The embedded localnet's own folder (its chain database and traffic keys live inside). */
    localnet: join(dataDir, "localnet"),
    /** The encrypted keystore, the OS-keychain-wrapped key of "remember on this device", and a v1 keystore kept while it is upgraded. */
    wallet: {
      dir: wallet,
      keystore: join(wallet, "keystore.json"),
      deviceUnlock: join(wallet, "device-unlock.json"),
      keystoreV1Backup: join(wallet, "keystore-v1-backup.json"),
    },
    /** Where a browser may pick model files to import (the API never takes other paths). */
    import: join(dataDir, "import"),
    /** The desktop shell's own files: the window's place, and Chromium's profile (caches, local storage). */
    desktop: { windowState: join(dataDir, "window-state.json"), chromium: join(dataDir, "chromium") },
    models: {
      dir: models,
      files: join(models, "files"),
      downloads: join(models, "downloads"),
      published: join(models, "published"),
      index: join(models, "index.json"),
      settings: join(models, "settings.json"),
      benchmarks: join(models, "benchmarks.json"),
      /** Per installed model, the interior nodes of its UnixFS DAG (`<model id>.car`): what the LAN gateway serves besides the file. */
      dags: join(models, "dags"),
      /** LAN sharing: the gateway, mDNS, peers listed by hand, limits. */
      sharing: join(models, "sharing.json"),
    },
  };
}

export type DataDirLayout = ReturnType<typeof dataDirLayout>;
