// Every native addon (`.node` file) the app ships must be Node-API: one binary then loads in Node and in
// Electron, whose ABI differs from Node's (an addon bound to Node's ABI crashes the desktop app at start).
// Node-API addons register through `napi_register_module_v1` (exported) or `napi_module_register` (called at load);
// addons bound to one Node ABI export `node_register_module_v<ABI>` (or call the legacy `node_module_register`).
// The symbol names are plain bytes in ELF, Mach-O and PE files alike, so a byte scan judges any platform's binary.
//
// The production tree is package-lock.json's packages that are not dev-only, as `npm ci --omit=dev` (and
// electron-builder) would install them; a package of another platform that is not installed here is listed apart.
//
// Usage: node scripts/native-addons.mjs [--lock <package-lock.json>] [--root <folder holding node_modules>]
// Exits 1 if any production addon is not Node-API. Used by test/unit/scripts/native-addons.test.ts and by
// scripts/package-check.mjs (on the packaged app).
import { existsSync, lstatSync, readFileSync, readdirSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const NAPI_SYMBOLS = ["napi_register_module_v1", "napi_module_register"];
const NODE_ABI_SYMBOL = "node_register_module_v";
const LEGACY_NODE_SYMBOL = "node_module_register";

/** @param {Uint8Array} bytes */
function binaryFormat(bytes) {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46) return "ELF";
  if (b.length >= 2 && b[0] === 0x4d && b[1] === 0x5a) return "PE";
  if (b.length >= 4) {
    const magic = b.readUInt32BE(0);
    if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return "Mach-O";
  }
  return "unknown";
}

/**
 * Judges one `.node` file by its bytes.
 * @param {Uint8Array} bytes
 * @returns {import("./native-addons.d.mts").AddonVerdict}
 */
export function classifyAddon(bytes) {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = binaryFormat(b);
  const napi = NAPI_SYMBOLS.some((symbol) => b.indexOf(symbol, 0, "latin1") !== -1);
  const nodeAbis = new Set();
  for (let at = b.indexOf(NODE_ABI_SYMBOL, 0, "latin1"); at !== -1; at = b.indexOf(NODE_ABI_SYMBOL, at + 1, "latin1")) {
    let end = at + NODE_ABI_SYMBOL.length;
    while (end < b.length && b[end] >= 0x30 && b[end] <= 0x39) end++;
    if (end > at + NODE_ABI_SYMBOL.length) nodeAbis.add(Number(b.toString("latin1", at + NODE_ABI_SYMBOL.length, end)));
  }
  const legacyNodeModule = b.indexOf(LEGACY_NODE_SYMBOL, 0, "latin1") !== -1;
  const abis = [...nodeAbis].sort((x, y) => x - y);
  let reason;
  if (format === "unknown") reason = "not a shared library (no ELF, Mach-O or PE header)";
  else if (abis.length > 0) reason = `bound to Node's ABI ${abis.join(", ")} (exports ${abis.map((v) => NODE_ABI_SYMBOL + v).join(", ")}); Electron cannot load it`;
  else if (legacyNodeModule) reason = "bound to one Node ABI (registers with node_module_register); Electron cannot load it";
  else if (!napi) reason = "not a Node-API addon (neither napi_register_module_v1 nor napi_module_register)";
  return { format, napi, nodeAbis: abis, legacyNodeModule, ok: reason === undefined, reason: reason ?? "Node-API" };
}

/**
 * The production packages of a lockfile (lockfileVersion 2 or 3): every entry that is not dev-only.
 * @param {{ packages?: Record<string, { dev?: boolean; link?: boolean; resolved?: string }> }} lock
 * @returns {string[]} their paths relative to the project root ("node_modules/x", "node_modules/x/node_modules/y")
 */
export function productionPackages(lock) {
  if (!lock.packages) throw new Error("package-lock.json has no `packages` map (lockfileVersion 2 or later is needed)");
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== "" && path.includes("node_modules/") && entry.dev !== true)
    .map(([path, entry]) => (entry.link && entry.resolved ? entry.resolved : path))
    .sort();
}

/** `.node` files of one package folder; nested node_modules are packages of their own and are skipped. */
function addonFiles(dir) {
  const found = [];
  const visit = (folder) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const info = lstatSync(path);
      if (info.isSymbolicLink()) continue;
      if (info.isDirectory()) {
        if (name !== "node_modules") visit(path);
      } else if (name.endsWith(".node")) found.push(path);
    }
  };
  visit(dir);
  return found.sort();
}

/**
 * Scans every production package's `.node` files.
 * @param {{ root?: string; lock?: object; lockPath?: string }} [options] root: the folder holding node_modules
 *   (default: this repository); lock: a parsed lockfile, else lockPath (default: root/package-lock.json)
 * @returns {import("./native-addons.d.mts").AddonScan}
 */
export function scanProductionAddons(options = {}) {
  const root = resolve(options.root ?? join(fileURLToPath(new URL(".", import.meta.url)), ".."));
  const lock = options.lock ?? JSON.parse(readFileSync(options.lockPath ?? join(root, "package-lock.json"), "utf8"));
  const packages = productionPackages(lock);
  const notInstalled = [];
  const addons = [];
  for (const pkg of packages) {
    const dir = join(root, pkg);
    if (!existsSync(dir)) {
      notInstalled.push(pkg);
      continue;
    }
    for (const file of addonFiles(dir)) {
      addons.push({ package: pkg, file: relative(root, file).split(sep).join("/"), ...classifyAddon(readFileSync(file)) });
    }
  }
  return { packages: packages.length, notInstalled, addons, offenders: addons.filter((a) => !a.ok) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const scan = scanProductionAddons({ root: option("--root"), lockPath: option("--lock") });
  for (const addon of scan.addons) console.log(`${addon.ok ? "ok  " : "FAIL"} ${addon.file} (${addon.format}): ${addon.reason}`);
  console.log(
    `${scan.addons.length} native addons in ${scan.packages} production packages ` +
      `(${scan.notInstalled.length} not installed on this platform); ${scan.offenders.length} not Node-API`,
  );
  process.exit(scan.offenders.length > 0 ? 1 : 0);
}
