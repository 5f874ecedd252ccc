import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { LogSink } from "../../../electron/core/runtime/logger.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "pf-logs-"));
const linesOf = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean);

test("log file: each line is the entry the Logs page shows, with the same field and level names and epoch-ms time", async () => {
  const dir = tempDir();
  const sink = new LogSink({ dir, level: "debug" });
  const log = sink.logger("relayminer").child("server");
  log.warn("slow backend", { serviceId: "llm", ms: 1234 });
  log.info("started");
  await sink.flush();
  const lines = linesOf(join(dir, "pocketforge.log")).map((line) => JSON.parse(line));
  assert.deepEqual(lines, sink.tail(10));
  assert.deepEqual(Object.keys(lines[0]).sort(), ["fields", "level", "message", "scope", "time"]);
  assert.deepEqual(Object.keys(lines[1]).sort(), ["level", "message", "scope", "time"], "no fields key without fields, no pid or hostname");
  assert.equal(lines[0].level, "warn");
  assert.equal(lines[0].scope, "relayminer.server");
  assert.equal(typeof lines[0].time, "number");
  assert.ok(Math.abs(lines[0].time - Date.now()) < 60_000);
  assert.equal(statSync(join(dir, "pocketforge.log")).mode & 0o777, 0o600);
  await sink.close();
});

test("log file: secrets are redacted at any depth and errors become their message, in the file as in the ring", async () => {
  const dir = tempDir();
  const sink = new LogSink({ dir });
  sink.logger("wallet").error("import failed", {
    address: "pokt1abc",
    mnemonic: "abandon ability able",
    authToken: "t0ps3cret",
    nested: { deeper: { seedHex: "deadbeef", keep: 1 } },
    error: new Error("bad checksum"),
  });
  await sink.close();
  const text = readFileSync(join(dir, "pocketforge.log"), "utf8");
  assert.doesNotMatch(text, /abandon|t0ps3cret|deadbeef/);
  const entry = JSON.parse(text);
  assert.deepEqual(entry.fields, {
    address: "pokt1abc",
    mnemonic: "[redacted]",
    authToken: "[redacted]",
    nested: { deeper: { seedHex: "[redacted]", keep: 1 } },
    error: "bad checksum",
  });
  assert.deepEqual(sink.tail(1)[0].fields, entry.fields);
});

test("log rotation by default: 5 files of at most 5 MiB (plus the line that crossed it), the oldest lines dropped", async () => {
  const dir = tempDir();
  const sink = new LogSink({ dir });
  const log = sink.logger("bulk");
  const padding = "x".repeat(1000);
  const count = 32_000; // ~33 MB: more than five files' worth
  for (let i = 0; i < count; i++) log.info(`line ${i}`, { padding });
  await sink.close();
  const files = readdirSync(dir).sort();
  assert.deepEqual(files, ["pocketforge.log", "pocketforge.log.1", "pocketforge.log.2", "pocketforge.log.3", "pocketforge.log.4"]);
  const lineBytes = Buffer.byteLength(readFileSync(join(dir, "pocketforge.log"), "utf8").split("\n")[0]) + 1;
  for (const file of files) assert.ok(statSync(join(dir, file)).size < 5 * 1024 * 1024 + lineBytes + 16, `${file} is bounded`);
  assert.ok(statSync(join(dir, "pocketforge.log")).size < 5 * 1024 * 1024, "the live file is below the limit");
  // Oldest first: .4, .3, .2, .1, then the live file; together a contiguous run ending with the last line.
  const numbers = [...files].reverse().flatMap((file) => linesOf(join(dir, file)).map((line) => Number(/^line (\d+)$/.exec(JSON.parse(line).message)![1])));
  assert.equal(numbers.at(-1), count - 1);
  assert.ok(numbers[0] > 0, "the oldest lines were dropped");
  numbers.forEach((n, i) => assert.equal(n, numbers[0] + i));
});

test("log file: lines still queued when the process exits are written before it goes", () => {
  const dir = tempDir();
  const logger = pathToFileURL(join(import.meta.dirname, "../../../electron/core/runtime/logger.ts")).href;
  const script = `
    import { LogSink } from ${JSON.stringify(logger)};
    const log = new LogSink({ dir: ${JSON.stringify(dir)} }).logger("exit");
    for (let i = 0; i < 2000; i++) log.info("line " + i);
    process.exit(0);
  `;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
  assert.equal(child.status, 0, child.stderr);
  const seen = new Set(linesOf(join(dir, "pocketforge.log")).map((line) => JSON.parse(line).message));
  for (let i = 0; i < 2000; i++) assert.ok(seen.has(`line ${i}`), `line ${i} was written`);
});

test("after close() entries still reach the ring but not the file", async () => {
  const dir = tempDir();
  const sink = new LogSink({ dir });
  sink.logger().info("before");
  await sink.close();
  sink.logger().info("after");
  await sink.flush();
  assert.deepEqual(linesOf(join(dir, "pocketforge.log")).map((line) => JSON.parse(line).message), ["before"]);
  assert.deepEqual(sink.tail(5).map((e) => e.message), ["before", "after"]);
});
