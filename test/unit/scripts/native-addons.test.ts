// Only ABI-stable native code in production: every `.node` file of the production dependency tree (package-lock.json
// without its dev-only packages) is a Node-API addon, which loads in Node and in Electron alike. An addon built for
// Node's own ABI (better-sqlite3 exports node_register_module_v115) crashes the desktop app at start.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../../scripts/layers.js";
import { classifyAddon, productionPackages, scanProductionAddons } from "../../../scripts/native-addons.mjs";

const ELF = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0];
const MACH_O_64 = [0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1];
const PE = [0x4d, 0x5a, 0x90, 0];

/** A stand-in shared library: a header, padding, and the symbol names a linker would leave in its tables. */
function fakeLibrary(header: number[], ...symbols: string[]): Buffer {
  return Buffer.concat([Buffer.from(header), Buffer.alloc(64), ...symbols.map((s) => Buffer.from(`\0${s}\0`, "latin1")), Buffer.alloc(16)]);
}

test("every native addon in the production dependency tree is Node-API (and there are some to check)", () => {
  const scan = scanProductionAddons();
  assert.deepEqual(
    scan.offenders.map((a) => `${a.file}: ${a.reason}`),
    [],
    "production addons that Electron cannot load",
  );
  const packages = new Set(scan.addons.map((a) => a.package));
  assert.ok([...packages].some((p) => p.startsWith("node_modules/@libsql/")), "libsql's SQLite binary for this platform was scanned");
  assert.ok([...packages].some((p) => p.startsWith("node_modules/@node-llama-cpp/")), "node-llama-cpp's prebuilt binaries were scanned");
  const production = productionPackages(JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")));
  assert.ok(!production.some((p) => /(^|\/)node_modules\/better-sqlite3$/.test(p)), "better-sqlite3 is not in the production tree");
});

test("the byte scan tells Node-API addons from ABI-bound ones on ELF, Mach-O and PE", () => {
  for (const [format, header] of [["ELF", ELF], ["Mach-O", MACH_O_64], ["PE", PE]] as const) {
    const napiV1 = classifyAddon(fakeLibrary(header, "napi_register_module_v1", "napi_create_function"));
    assert.deepEqual([napiV1.format, napiV1.ok, napiV1.napi, napiV1.nodeAbis], [format, true, true, []]);
    assert.equal(classifyAddon(fakeLibrary(header, `_napi_module_register`)).ok, true, "an older Node-API addon registers by a call");

    const abiBound = classifyAddon(fakeLibrary(header, "node_register_module_v115", "napi_create_function"));
    assert.equal(abiBound.ok, false);
    assert.deepEqual(abiBound.nodeAbis, [115]);
    assert.match(abiBound.reason, /ABI 115/);
    const both = classifyAddon(fakeLibrary(header, "napi_register_module_v1", "node_register_module_v127"));
    assert.equal(both.ok, false, "exporting a Node ABI entry point too still binds it to that ABI");
    assert.equal(classifyAddon(fakeLibrary(header, "node_module_register")).ok, false, "the legacy NODE_MODULE registration");
    assert.match(classifyAddon(fakeLibrary(header, "sqlite3_extension_init")).reason, /not a Node-API addon/);
  }
  assert.match(classifyAddon(Buffer.from("napi_register_module_v1")).reason, /not a shared library/);
});

test("a production tree with an ABI-bound addon fails the scan; the same addon in a dev-only package does not count", () => {
  const root = mkdtempSync(join(tmpdir(), "pf-addons-"));
  try {
    const write = (path: string, bytes: Buffer) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), bytes);
    };
    write("node_modules/good/build/Release/good.node", fakeLibrary(ELF, "napi_register_module_v1"));
    write("node_modules/good/node_modules/nested-bad/prebuilds/darwin-arm64/bad.node", fakeLibrary(MACH_O_64, "_node_register_module_v115"));
    write("node_modules/bad/build/Release/bad.node", fakeLibrary(ELF, "node_register_module_v115"));
    write("node_modules/dev-tool/bin/tool.node", fakeLibrary(ELF, "node_register_module_v115"));
    const lock = {
      packages: {
        "": { name: "fixture" },
        "node_modules/good": { version: "1.0.0" },
        "node_modules/good/node_modules/nested-bad": { version: "1.0.0", optional: true },
        "node_modules/bad": { version: "1.0.0" },
        "node_modules/dev-tool": { version: "1.0.0", dev: true },
        "node_modules/other-platform": { version: "1.0.0", optional: true },
      },
    };
    const scan = scanProductionAddons({ root, lock });
    assert.deepEqual(scan.addons.map((a) => [a.file, a.ok]), [
      ["node_modules/bad/build/Release/bad.node", false],
      ["node_modules/good/build/Release/good.node", true],
      ["node_modules/good/node_modules/nested-bad/prebuilds/darwin-arm64/bad.node", false],
    ]);
    assert.deepEqual(scan.offenders.map((a) => a.package), ["node_modules/bad", "node_modules/good/node_modules/nested-bad"]);
    assert.deepEqual(scan.notInstalled, ["node_modules/other-platform"]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

// better-sqlite3 left the lockfile, so a fresh `npm ci` no longer installs it; where a checkout still has its build
// (an older node_modules), the scan must call it out as the reason Electron crashed.
const betterSqlite = join(repoRoot, "node_modules", "better-sqlite3");
const betterSqliteBinary = join(betterSqlite, "build", "Release", "better_sqlite3.node");
test(
  "better-sqlite3's real binary fails the scan when it is in the production tree",
  { skip: existsSync(betterSqliteBinary) ? false : "better-sqlite3 is not installed here (a fresh npm ci does not install it)" },
  () => {
    const verdict = classifyAddon(readFileSync(betterSqliteBinary));
    assert.equal(verdict.ok, false);
    assert.ok(verdict.nodeAbis.length > 0, verdict.reason);
    const scan = scanProductionAddons({ root: repoRoot, lock: { packages: { "node_modules/better-sqlite3": { version: "12" } } } });
    assert.ok(scan.offenders.some((a) => a.file === "node_modules/better-sqlite3/build/Release/better_sqlite3.node"));
  },
);
