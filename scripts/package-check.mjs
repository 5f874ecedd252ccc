// Packaging check, offline (CI runs it after the tests): builds the app, packs electron-builder's Linux `dir` target
// around a stub Electron (the real binary is downloaded on first use, which CI cannot), and checks what an installer
// would ship. Fuses are flipped inside the real Electron binary, so the stub build turns them off and they are
// checked in electron-builder.yml instead. Usage: node scripts/package-check.mjs [--keep] [--skip-build]
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { extractFile, listPackage, statFile } from "@electron/asar";
import { getConfig } from "app-builder-lib/out/util/config/config.js";
import { Arch, archFromString, build, Platform } from "electron-builder";
// electron-updater reads app-update.yml with js-yaml (its own dependency); the check parses it the same way.
import { load as loadYaml } from "js-yaml";
import { classifyAddon } from "./native-addons.mjs";

const root = new URL("..", import.meta.url).pathname;
const keep = process.argv.includes("--keep");
const problems = [];
const check = (ok, message) => {
  if (!ok) problems.push(message);
};

if (!process.argv.includes("--skip-build")) {
  const built = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) {
    console.error("package check: npm run build failed");
    process.exit(1);
  }
}

const stub = mkdtempSync(join(tmpdir(), "pf-electron-stub-"));
writeFileSync(join(stub, "electron"), "#!/bin/sh\n# Stands in for the Electron binary in the offline packaging check.\nexit 0\n");
chmodSync(join(stub, "electron"), 0o755);
const output = mkdtempSync(join(tmpdir(), "pf-package-"));

const config = await getConfig(root, null, null);
const started = performance.now();
try {
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget("dir"),
    publish: "never",
    // Merged over electron-builder.yml: where Electron comes from, where the output goes, no fuses, and no rebuild
    // of native modules for Electron (nothing runs the stub, and a rebuild in place would leave node_modules
    // unusable for the Node tests).
    config: { electronDist: stub, directories: { output }, electronFuses: null, npmRebuild: false },
  });

  const appDir = join(output, "linux-unpacked");
  const resources = join(appDir, "resources");
  const asarPath = join(resources, "app.asar");
  const unpackedDir = join(resources, "app.asar.unpacked");
  check(existsSync(join(appDir, config.linux?.executableName ?? "pocketforge")), "the executable is named after linux.executableName");
  check(existsSync(asarPath), "resources/app.asar exists");

  const inAsar = listPackage(asarPath, { isPack: false }).map((entry) => entry.replaceAll("\\", "/").replace(/^\/?/, "/"));
  const inAsarSet = new Set(inAsar);
  const unpacked = existsSync(unpackedDir) ? walk(unpackedDir).map((file) => "/" + relative(unpackedDir, file).split(sep).join("/")) : [];

  // The app itself: main, preload and renderer inside the asar.
  for (const file of ["/package.json", "/dist/electron/main.mjs", "/dist/electron/preload.cjs", "/dist/renderer/index.html"]) {
    check(inAsarSet.has(file), `app.asar holds ${file}`);
  }
  check(inAsar.some((file) => /^\/dist\/renderer\/assets\/.+\.js$/.test(file)), "app.asar holds the renderer's scripts");
  const packaged = JSON.parse(extractFile(asarPath, "package.json").toString("utf8"));
  check(packaged.main === "dist/electron/main.mjs", `package.json main points at the bundle (got ${packaged.main})`);
  check(inAsarSet.has(packaged.main.replace(/^\/?/, "/")), "the main entry exists in the asar");

  // What must run from disk: the worker script and node-llama-cpp's code and native binaries.
  check(unpacked.includes("/dist/electron/inference-worker.js"), "the inference worker is unpacked");
  check(unpacked.includes("/node_modules/node-llama-cpp/package.json"), "node-llama-cpp is unpacked");
  // Only this target's llama.cpp binaries: linux-<arch> and its GPU variants, nothing for other systems or CPUs, and
  // every variant npm installed here for this target (CUDA and Vulkan included).
  // electron-builder packs the host's architecture when none is given (Node's "arm" is its "armv7l").
  const target = `linux-${Arch[archFromString(process.arch)]}`;
  const isTargetPackage = (name) => name === target || name.startsWith(`${target}-`);
  const llamaPackages = [...new Set(everythingUnder(unpacked, "/node_modules/@node-llama-cpp/").concat(everythingUnder(inAsar, "/node_modules/@node-llama-cpp/")))];
  const foreign = llamaPackages.filter((name) => !isTargetPackage(name));
  check(foreign.length === 0, `no other platform's or architecture's node-llama-cpp binaries in the ${target} pack (found ${foreign.join(", ")})`);
  const installed = readdirSync(join(root, "node_modules", "@node-llama-cpp")).filter(isTargetPackage);
  check(installed.length > 0, `node-llama-cpp's ${target} binaries are installed (npm ci on a ${target} machine)`);
  for (const name of installed) {
    check(unpacked.includes(`/node_modules/@node-llama-cpp/${name}/package.json`), `@node-llama-cpp/${name} ships unpacked`);
  }
  check(!unpacked.includes("/node_modules/node-llama-cpp/llama/gitRelease.bundle"), "llama.cpp's source bundle is not shipped");

  const llamaAddons = unpacked.filter((file) => /^\/node_modules\/(@node-llama-cpp\/[^/]+|node-llama-cpp)\/.*\.node$/.test(file));
  check(llamaAddons.length > 0, "node-llama-cpp's native binaries are unpacked");
  check(unpacked.some((file) => /^\/node_modules\/@libsql\/[^/]+\/.*\.node$/.test(file)), "libsql's native SQLite binary is unpacked");
  // Electron's ABI is not Node's: every native binary that ships must be Node-API (see scripts/native-addons.mjs).
  for (const file of unpacked.filter((f) => f.endsWith(".node"))) {
    const verdict = classifyAddon(readFileSync(join(unpackedDir, file)));
    check(verdict.ok, `${file} is a Node-API addon (${verdict.reason})`);
  }
  const packedNatives = inAsar.filter((file) => /\.node$/.test(file) && !statFile(asarPath, file.slice(1)).unpacked);
  check(packedNatives.length === 0, `no native binary is packed inside the asar (found ${packedNatives.join(", ")})`);

  // Nothing that is not the product: tests, benchmarks, models, sources, source maps.
  const everything = [...inAsar, ...unpacked];
  const forbidden = [
    [/(^|\/)(test|tests|__tests__|bench|benchmark|benchmarks)\//, "test or benchmark folders"],
    [/\.(test|spec)\.[cm]?[jt]sx?$|\/test_[^/]*\.node$/, "test files"],
    [/\.gguf$/i, "GGUF models"],
    [/^\/(electron|renderer|shared|scripts)\//, "TypeScript sources"],
    [/^\/dist\/.*\.map$/, "source maps"],
  ];
  for (const [pattern, what] of forbidden) {
    const found = everything.filter((file) => pattern.test(file));
    check(found.length === 0, `no ${what} in the package (found ${found.slice(0, 5).join(", ")}${found.length > 5 ? ", …" : ""})`);
  }

  // Updates: electron-updater reads resources/app-update.yml; without it every check fails.
  const appUpdatePath = join(resources, "app-update.yml");
  check(existsSync(appUpdatePath), "resources/app-update.yml is written (a publish feed is configured)");
  if (existsSync(appUpdatePath)) {
    const feed = loadYaml(readFileSync(appUpdatePath, "utf8"));
    check(feed?.provider === "generic", `app-update.yml names the generic provider (got ${feed?.provider})`);
    check(typeof feed?.url === "string" && feed.url.startsWith("https://"), `app-update.yml has an https feed URL (got ${feed?.url})`);
    check(typeof feed?.updaterCacheDirName === "string" && feed.updaterCacheDirName.length > 0, "app-update.yml names the updater's cache folder");
  }
  // macOS updates from a zip (Squirrel.Mac), not from the dmg.
  const macTargets = [config.mac?.target ?? []].flat().map((t) => (typeof t === "string" ? t : t.target));
  check(macTargets.includes("dmg") && macTargets.includes("zip"), `mac.target has dmg and zip (got ${macTargets.join(", ")})`);

  // Icons the tray and window load at run time.
  for (const icon of ["tray-idle.png", "tray-serving.png", "tray-warning.png", "tray-error.png", "256x256.png"]) {
    check(existsSync(join(resources, "icons", icon)), `resources/icons/${icon} is shipped`);
  }

  // Uninstalling keeps the user's keys, ledger and models.
  check(config.nsis?.deleteAppDataOnUninstall === false, "nsis.deleteAppDataOnUninstall is false");
  const afterRemove = config.deb?.afterRemove ? join(root, config.deb.afterRemove) : null;
  check(afterRemove !== null && existsSync(afterRemove), "deb.afterRemove names an existing script");
  if (afterRemove && existsSync(afterRemove)) {
    const commands = readFileSync(afterRemove, "utf8").split("\n").filter((line) => line.trim() && !line.trim().startsWith("#"));
    check(!commands.some((line) => /\b(rm|rmdir|unlink|shred)\b|-delete\b/.test(line)), "the deb after-remove script deletes nothing");
  }

  // The fuses the real build flips (the stub build cannot).
  const expectedFuses = {
    // node-llama-cpp's binary test forks with ELECTRON_RUN_AS_NODE from the inference worker (see electron-builder.yml).
    runAsNode: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableCookieEncryption: true,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
  };
  for (const [fuse, value] of Object.entries(expectedFuses)) {
    check(config.electronFuses?.[fuse] === value, `electronFuses.${fuse} is ${value} in electron-builder.yml`);
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const asarMiB = (statSync(asarPath).size / 2 ** 20).toFixed(1);
  console.log(
    `package check: app.asar ${inAsar.length} entries (${asarMiB} MiB), ${unpacked.length} unpacked files ` +
      `(${llamaAddons.length} node-llama-cpp binaries; ${llamaPackages.join(", ")}), ${(dirBytes(appDir) / 2 ** 20).toFixed(0)} MiB in all, packed in ${seconds}s`,
  );
} finally {
  rmSync(stub, { recursive: true, force: true });
  if (keep) console.log(`package check: output kept in ${output}`);
  else rmSync(output, { recursive: true, force: true });
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`package check FAILED: ${problem}`);
  process.exit(1);
}
console.log("package check: ok");

/** The first path segment below `prefix` of every path under it (the package names in a scope). */
function everythingUnder(paths, prefix) {
  return paths.filter((path) => path.startsWith(prefix) && path.length > prefix.length).map((path) => path.slice(prefix.length).split("/")[0]);
}

function dirBytes(dir) {
  return walk(dir).reduce((sum, file) => sum + statSync(file).size, 0);
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}
