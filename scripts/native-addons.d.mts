// Types of scripts/native-addons.mjs (a plain .mjs so that scripts/package-check.mjs can run it under node).

export interface AddonVerdict {
  format: "ELF" | "Mach-O" | "PE" | "unknown";
  /** Registers through Node-API (napi_register_module_v1 or napi_module_register). */
  napi: boolean;
  /** Node ABI versions it exports node_register_module_v<N> for (empty for a Node-API addon). */
  nodeAbis: number[];
  /** Calls the legacy, ABI-bound node_module_register. */
  legacyNodeModule: boolean;
  /** Node-API and bound to no Node ABI. */
  ok: boolean;
  reason: string;
}

export interface ScannedAddon extends AddonVerdict {
  /** The lockfile path of the package that holds it ("node_modules/@libsql/linux-x64-gnu"). */
  package: string;
  /** The file, relative to the scanned root, with forward slashes. */
  file: string;
}

export interface AddonScan {
  /** Production packages in the lockfile. */
  packages: number;
  /** Production packages not on disk (optional packages of other platforms). */
  notInstalled: string[];
  addons: ScannedAddon[];
  offenders: ScannedAddon[];
}

export interface LockfileLike {
  packages?: Record<string, { name?: string; version?: string; dev?: boolean; optional?: boolean; link?: boolean; resolved?: string }>;
}

export function classifyAddon(bytes: Uint8Array): AddonVerdict;
export function productionPackages(lock: LockfileLike): string[];
export function scanProductionAddons(options?: { root?: string; lock?: LockfileLike; lockPath?: string }): AddonScan;
