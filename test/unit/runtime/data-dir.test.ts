import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { dataDirLayout } from "../../../electron/core/runtime/data-dir.js";

const root = join(import.meta.dirname, "..", "..", "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

test("the layout puts every file inside the data folder, each under its own name", () => {
  const layout = dataDirLayout("/data");
  const paths: string[] = [];
  const collect = (value: unknown) => {
    if (typeof value === "string") paths.push(value);
    else for (const inner of Object.values(value as object)) collect(inner);
  };
  collect(layout);
  for (const path of paths) assert.ok(path === "/data" || path.startsWith(`/data${sep}`), path);
  assert.equal(new Set(paths).size, paths.length, "no two entries share a path");
  assert.equal(layout.accessToken, join("/data", "access-token"));
  assert.equal(layout.wallet.keystore, join("/data", "wallet", "keystore.json"));
});

test("data-folder file names are spelled only in the layout", () => {
  const names = ["access-token", "config.json", "preferences.json", "staking.json", "chain-network.json", "ledger.sqlite", "benchmarks.json", "keystore.json", "device-unlock.json", "keystore-v1-backup.json", "window-state.json"];
  const offenders: string[] = [];
  for (const file of sourceFiles(join(root, "electron"))) {
    if (file.endsWith(join("runtime", "data-dir.ts"))) continue;
    const text = readFileSync(file, "utf8");
    for (const name of names) if (text.includes(`"${name}"`)) offenders.push(`${relative(root, file)}: "${name}"`);
  }
  assert.deepEqual(offenders, []);
});
