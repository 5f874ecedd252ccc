import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigStore, CONFIG_VERSION } from "../../../electron/core/app/config.js";
import { defaultDataDir } from "../../../electron/core/runtime/data-dir.js";
import { LogSink, silentLogger } from "../../../electron/core/runtime/logger.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "pf-app-"));

test("config: defaults on first run, saved atomically with mode 0600, read back", () => {
  const dir = tempDir();
  const store = new ConfigStore(dir, silentLogger);
  assert.equal(store.get().network, "localnet");
  assert.equal(existsSync(store.path), false, "nothing written until something changes");
  store.update((c) => void (c.inference.modelPath = "/models/a.gguf"));
  assert.equal(statSync(store.path).mode & 0o777, 0o600);
  const again = new ConfigStore(dir, silentLogger);
  assert.equal(again.get().inference.modelPath, "/models/a.gguf");
  assert.equal(JSON.parse(readFileSync(store.path, "utf8")).version, CONFIG_VERSION);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "no temp files left behind");
});

test("config: invalid updates are refused and the file is unchanged", () => {
  const store = new ConfigStore(tempDir(), silentLogger);
  store.update((c) => void (c.dashboard.port = 9000));
  assert.throws(() => store.update((c) => void (c.dashboard.port = 70000)));
  assert.equal(store.get().dashboard.port, 9000);
  assert.equal(JSON.parse(readFileSync(store.path, "utf8")).dashboard.port, 9000);
});

test("config: unreadable file is kept aside, not deleted; newer version is refused", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "config.json"), "{ not json");
  const store = new ConfigStore(dir, silentLogger);
  assert.equal(store.get().network, "localnet");
  const kept = readdirSync(dir).find((f) => f.startsWith("config.json.unreadable-"));
  assert.ok(kept, "the broken file is kept for the user");
  assert.equal(readFileSync(join(dir, kept!), "utf8"), "{ not json");

  writeFileSync(join(dir, "config.json"), JSON.stringify({ version: CONFIG_VERSION + 1 }));
  assert.throws(() => new ConfigStore(dir, silentLogger), /newer PocketForge/);
  assert.equal(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).version, CONFIG_VERSION + 1, "left untouched");
});

test("data dir follows the platform conventions", () => {
  assert.equal(defaultDataDir({ XDG_DATA_HOME: "/xdg" }, "linux"), "/xdg/pocketforge");
  assert.match(defaultDataDir({}, "linux"), /\.local\/share\/pocketforge$/);
  assert.equal(defaultDataDir({ APPDATA: "C:\\Users\\a\\AppData\\Roaming" }, "win32").endsWith("PocketForge"), true);
  assert.match(defaultDataDir({}, "darwin"), /Library\/Application Support\/PocketForge$/);
});

test("logs: JSON lines on disk, secrets redacted, tail filters by level, rotation keeps N files", async () => {
  const dir = tempDir();
  const seen: string[] = [];
  const sink = new LogSink({ dir, maxFileBytes: 2000, maxFiles: 3, level: "debug", onEntry: (e) => seen.push(e.message) });
  const log = sink.logger("wallet");
  log.info("unlocked", { address: "pokt1abc", passphrase: "hunter2", nested: { privateKeyHex: "deadbeef" } });
  log.debug("detail");
  await sink.flush();
  const line = readFileSync(join(dir, "pocketforge.log"), "utf8").split("\n")[0];
  const entry = JSON.parse(line);
  assert.equal(entry.scope, "wallet");
  assert.equal(entry.fields.address, "pokt1abc");
  assert.equal(entry.fields.passphrase, "[redacted]");
  assert.equal(entry.fields.nested.privateKeyHex, "[redacted]");
  assert.doesNotMatch(readFileSync(join(dir, "pocketforge.log"), "utf8"), /hunter2|deadbeef/);
  assert.deepEqual(sink.tail(10, "info").map((e) => e.message), ["unlocked"]);
  assert.deepEqual(seen, ["unlocked", "detail"]);

  for (let i = 0; i < 100; i++) log.info(`line ${i} ${"x".repeat(50)}`);
  await sink.flush();
  const files = readdirSync(dir).filter((f) => f.startsWith("pocketforge.log")).sort();
  assert.deepEqual(files, ["pocketforge.log", "pocketforge.log.1", "pocketforge.log.2"]);
  assert.ok(statSync(join(dir, "pocketforge.log")).size <= 2000);
  assert.match(readFileSync(join(dir, "pocketforge.log"), "utf8"), /line 99/);
});
