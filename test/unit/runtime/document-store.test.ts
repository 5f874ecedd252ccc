import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { DocumentStore, NewerDocumentError, type DocumentVersion } from "../../../electron/core/runtime/document-store.js";

const Schema = z.object({ name: z.string().default("rig"), port: z.number().int().default(1) });
const envelope: DocumentVersion = { kind: "envelope", format: "pocketforge-test-v1", key: "settings" };
const field: DocumentVersion = { kind: "field", field: "version", version: 1 };

function setup(version: DocumentVersion = envelope, mode?: number) {
  const dir = mkdtempSync(join(tmpdir(), "docstore-"));
  const path = join(dir, "doc.json");
  const warnings: string[] = [];
  const logger = { warn: (m: string) => void warnings.push(m) };
  const open = () => new DocumentStore({ path, schema: Schema, version, defaults: () => Schema.parse({}), logger, mode, now: () => 42 });
  return { dir, path, warnings, open, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test("a missing file gives the defaults and writes nothing", () => {
  const t = setup();
  assert.deepEqual(t.open().get(), { name: "rig", port: 1 });
  assert.deepEqual(readdirSync(t.dir), []);
  t.done();
});

test("round trip in both version spellings", () => {
  for (const version of [envelope, field]) {
    const t = setup(version);
    t.open().update((d) => void (d.port = 7));
    assert.deepEqual(t.open().get(), { name: "rig", port: 7 });
    const onDisk = JSON.parse(readFileSync(t.path, "utf8"));
    if (version.kind === "envelope") assert.deepEqual(onDisk, { format: "pocketforge-test-v1", settings: { name: "rig", port: 7 } });
    else assert.deepEqual(onDisk, { name: "rig", port: 7, version: 1 });
    t.done();
  }
});

test("invalid JSON is kept aside, warned about, and defaults used", () => {
  const t = setup();
  writeFileSync(t.path, "{nope");
  const store = t.open();
  assert.deepEqual(store.get(), { name: "rig", port: 1 });
  assert.equal(readFileSync(`${t.path}.unreadable-42`, "utf8"), "{nope");
  assert.equal(store.setAside?.reason, "unreadable");
  assert.equal(t.warnings.length, 1);
  t.done();
});

test("a schema-invalid file is kept aside", () => {
  const t = setup();
  const body = JSON.stringify({ format: "pocketforge-test-v1", settings: { port: "x" } });
  writeFileSync(t.path, body);
  assert.equal(t.open().setAside?.reason, "invalid");
  assert.equal(readFileSync(`${t.path}.invalid-42`, "utf8"), body);
  assert.equal(t.warnings.length, 1);
  t.done();
});

test("a newer file stops the load with what to do, and is never moved or overwritten", () => {
  for (const [version, body] of [
    [envelope, { format: "pocketforge-test-v2", settings: { port: 9 } }],
    [field, { version: 2, port: 9 }],
  ] as const) {
    const t = setup(version);
    writeFileSync(t.path, JSON.stringify(body));
    assert.throws(() => t.open(), (error: unknown) => error instanceof NewerDocumentError && /newer PocketForge.*update PocketForge, or start with another data folder/.test(error.message));
    assert.deepEqual(readdirSync(t.dir), ["doc.json"]);
    assert.deepEqual(JSON.parse(readFileSync(t.path, "utf8")), body);
    assert.deepEqual(t.warnings, []);
    t.done();
  }
});

test("a file from before the version tag is read through the legacy reader and saved tagged", () => {
  const t = setup();
  const legacy = (raw: unknown) => (raw && typeof raw === "object" && "port" in raw ? raw : undefined);
  const open = () => new DocumentStore({ path: t.path, schema: Schema, version: envelope, defaults: () => Schema.parse({}), logger: { warn: (m) => void t.warnings.push(m) }, legacy, now: () => 42 });
  writeFileSync(t.path, JSON.stringify({ name: "old", port: 4 }));
  const store = open();
  assert.deepEqual(store.get(), { name: "old", port: 4 });
  store.update((d) => void (d.port = 5));
  assert.deepEqual(JSON.parse(readFileSync(t.path, "utf8")), { format: "pocketforge-test-v1", settings: { name: "old", port: 5 } });
  // Something the legacy reader does not recognise is still set aside, not guessed at.
  writeFileSync(t.path, JSON.stringify({ other: true }));
  assert.equal(open().setAside?.reason, "invalid");
  assert.deepEqual(t.warnings.length, 1);
  t.done();
});

test("a second bad file never overwrites an earlier kept-aside one", () => {
  const t = setup();
  writeFileSync(t.path, "first");
  t.open();
  writeFileSync(t.path, "second");
  t.open();
  assert.equal(readFileSync(`${t.path}.unreadable-42`, "utf8"), "first");
  assert.equal(readFileSync(`${t.path}.unreadable-42-1`, "utf8"), "second");
  t.done();
});

test("file mode: 0600 by default, or as given", { skip: process.platform === "win32" }, () => {
  const t = setup();
  t.open().set({ name: "a", port: 2 });
  assert.equal(statSync(t.path).mode & 0o777, 0o600);
  t.done();
  const u = setup(envelope, 0o644);
  u.open().set({ name: "a", port: 2 });
  assert.equal(statSync(u.path).mode & 0o777, 0o644);
  u.done();
});

test("a rejected value changes neither memory nor disk", () => {
  const t = setup();
  const store = t.open();
  store.set({ name: "a", port: 2 });
  assert.throws(() => store.set({ name: "a", port: "bad" as unknown as number }));
  assert.deepEqual(store.get(), { name: "a", port: 2 });
  assert.deepEqual(t.open().get(), { name: "a", port: 2 });
  t.done();
});

test("an interrupted write (a stray temp file) leaves the last good file readable", () => {
  const t = setup();
  t.open().set({ name: "a", port: 2 });
  // What a crash between writing the temp file and renaming it leaves behind.
  writeFileSync(join(t.dir, ".doc.json.deadbeef.tmp"), '{"format":"pocketforge-test-v1","settings":{"na');
  assert.deepEqual(t.open().get(), { name: "a", port: 2 });
  assert.deepEqual(t.warnings, []);
  t.done();
});
