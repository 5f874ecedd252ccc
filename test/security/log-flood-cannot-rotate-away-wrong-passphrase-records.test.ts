// An attacker who cannot guess the passphrase can still try to hide that they tried: every wrong passphrase is
// logged, but so is every refused request, and a flood of those would rotate the wrong-passphrase records out of
// the log files (and out of the Logs page's ring). Identical entries beyond 20 a minute are only counted, and the
// window's count is written as one "N more suppressed" entry, so the records that matter stay.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { HeadlessServer } from "../../electron/core/app/headless-server.js";
import { ApiRouter, type ApiHandlers } from "../../electron/core/runtime/api-router.js";
import { EventBus } from "../../electron/core/runtime/events.js";
import { DEFAULT_REPEAT_LIMIT, LogSink } from "../../electron/core/runtime/logger.js";
import { WalletService } from "../../electron/core/wallet/wallet-service.js";
import { runBounded, sendRaw } from "../fixtures/security/malformed-input.js";

test("3,000 refused requests after a wrong passphrase leave the wrong-passphrase record in the rotated log", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-log-flood-"));
  const logDir = join(dir, "logs");
  const rendererDir = join(dir, "renderer");
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, "index.html"), "<!doctype html>");
  // Small files (two of 16 KiB) so that the flood would rotate them many times over without the limit.
  const logs = new LogSink({ dir: logDir, maxFileBytes: 16 * 1024, maxFiles: 2 });
  const wallet = new WalletService({ dataDir: dir, logger: logs.logger("wallet"), emit: () => undefined, scryptParams: { n: 16, r: 1, p: 1 } });
  const server = new HeadlessServer({ host: "127.0.0.1", port: 0, dataDir: dir, rendererDir, router: new ApiRouter({} as ApiHandlers, logs.logger()), events: new EventBus(), logger: logs.logger("dashboard") });
  try {
    await wallet.start();
    await wallet.create({ words: 12, label: "main", passphrase: "correct horse battery staple" });
    await wallet.lock();
    await assert.rejects(wallet.unlock("a wrong guess"));
    await server.start();
    const port = Number(new URL(server.url).port);

    const FLOOD = 3_000;
    const request = (i: number) => Buffer.from(`GET /?n=${i} HTTP/1.1\r\nHost: rebound-${i % 7}.evil.example:${port}\r\n\r\n`);
    await runBounded(FLOOD, 32, async (i) => void (await sendRaw(port, [request(i)])));

    // The Logs page's ring keeps the record and shows the flood as a count.
    const refused = logs.tail(10_000).filter((entry) => entry.message === "refused a dashboard request for another host name");
    assert.equal(refused.length, DEFAULT_REPEAT_LIMIT.perWindow, "only the window's share of identical warnings is written");
    assert.ok(logs.tail(10_000).some((entry) => entry.message === "wrong wallet passphrase"));

    await server.dispose();
    await wallet.dispose();
    await logs.close();
    const lines = readdirSync(logDir)
      .filter((name) => name.startsWith("pocketforge.log"))
      .flatMap((name) => readFileSync(join(logDir, name), "utf8").split("\n").filter(Boolean))
      .map((line) => JSON.parse(line) as { level: string; message: string; fields?: Record<string, unknown> });
    assert.ok(
      lines.some((line) => line.message === "wrong wallet passphrase" && line.level === "warn"),
      "the wrong-passphrase record is still in the log files",
    );
    const summary = lines.find((line) => line.message === "2980 more suppressed: refused a dashboard request for another host name");
    assert.ok(summary, `the flood is summarised: ${JSON.stringify(lines.filter((line) => /suppressed/.test(line.message)))}`);
    assert.equal(summary.level, "warn");
    assert.equal(summary.fields?.suppressed, FLOOD - DEFAULT_REPEAT_LIMIT.perWindow);
  } finally {
    await server.dispose();
    await wallet.dispose();
    await logs.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a suppressed window is summarised when it ends, and the next window writes again", async () => {
  let summarised!: () => void;
  const summary = new Promise<void>((resolve) => (summarised = resolve));
  const logs = new LogSink({
    dir: null,
    repeatLimit: { perWindow: 3, windowMs: 40 },
    onEntry: (entry) => {
      if (entry.message.includes("more suppressed")) summarised();
    },
  });
  const log = logs.logger("noisy");
  for (let i = 0; i < 50; i++) log.warn("same thing again", { i });
  log.warn("something else");
  assert.deepEqual(
    logs.tail(100).map((entry) => entry.message),
    ["same thing again", "same thing again", "same thing again", "something else"],
  );
  // The window's end writes the summary (the sink's own timer, which does not hold the process open by itself).
  const keepAlive = setInterval(() => undefined, 60_000);
  await summary;
  clearInterval(keepAlive);
  const entries = logs.tail(100);
  assert.equal(entries.at(-1)!.message, "47 more suppressed: same thing again");
  assert.deepEqual(entries.at(-1)!.fields?.first, { i: 0 });
  log.warn("same thing again", { i: 50 });
  assert.equal(logs.tail(1)[0]!.message, "same thing again", "a new window writes again");
});
