// Host headers a URL parser would quietly repair or reinterpret into "127.0.0.1:<port>" — a fragment, path or user
// part, the numeric IPv4 forms (2130706433, 0x7f.1, 127.1, octal), a trailing dot, a zone id, a padded port — are
// misdirected requests: every loopback listener answers them 421 instead of serving them as its own.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { HeadlessServer } from "../../electron/core/app/headless-server.js";
import { OpenAiServer, WorkerSupervisor } from "../../electron/core/inference/index.js";
import { localnetGenesis } from "../../electron/core/localnet/config.js";
import { Localnet } from "../../electron/core/localnet/localnet.js";
import { MetricsServer } from "../../electron/core/relayminer/metrics-server.js";
import { ApiRouter, type ApiHandlers } from "../../electron/core/runtime/api-router.js";
import { EventBus } from "../../electron/core/runtime/events.js";
import { HostNames, parseHostHeader } from "../../electron/core/runtime/host-names.js";
import { LogSink } from "../../electron/core/runtime/logger.js";

/** Forms that name 127.0.0.1 (or localhost) on `port` to a lenient parser, and must not be answered as such. */
function trickForms(port: number): string[] {
  return [
    `127.0.0.1:${port}#.evil.example`,
    `127.0.0.1:${port}/.evil.example`,
    `127.0.0.1:${port}?.evil.example`,
    `127.0.0.1:${port}\\.evil.example`,
    `user@127.0.0.1:${port}`,
    `evil.example@127.0.0.1:${port}`,
    `2130706433:${port}`,
    `0x7f000001:${port}`,
    `0x7f.1:${port}`,
    `0x7f.0.0.1:${port}`,
    `127.1:${port}`,
    `127.0.1:${port}`,
    `0177.0.0.1:${port}`,
    `127.000.000.001:${port}`,
    `127.0.0.1.:${port}`,
    `localhost.:${port}`,
    `%31%32%37.0.0.1:${port}`,
    `[::1%25lo]:${port}`,
    `[::ffff:127.0.0.1]:${port}`,
    `[0:0:0:0:0:0:0:1]:${port}`,
    `127.0.0.1:0${port}`,
    `127.0.0.1:+${port}`,
    `127.0.0.1:${port}:${port}`,
    `127.0.0.1:${port}.evil.example`,
    `127.0.0.1:`,
    `127.0.0.1`,
    `localhost:${port + 65536}`,
    `127.0.0.1 :${port}`,
    `.localhost:${port}`,
    `localhost..:${port}`,
  ];
}

const GOOD = (port: number) => [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`];

/** The status of a GET carrying `host` as its Host header, byte for byte. */
function statusFor(port: number, host: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false, headers: { Host: host } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

async function assertRefusesTricks(port: number, path: string): Promise<void> {
  for (const host of trickForms(port)) assert.equal(await statusFor(port, host, path), 421, `Host: ${host}`);
  for (const host of GOOD(port)) assert.equal(await statusFor(port, host, path), 200, `Host: ${host}`);
}

test("the Host parser takes names, canonical IPv4 and bracketed IPv6 with a plain port, and nothing else", () => {
  for (const host of trickForms(8640)) {
    const parsed = parseHostHeader(host);
    assert.ok(parsed === null || parsed.port !== 8640 || !new HostNames("127.0.0.1").answersTo(host, 8640), host);
  }
  assert.deepEqual(parseHostHeader("127.0.0.1:8640"), { name: "127.0.0.1", port: 8640 });
  assert.deepEqual(parseHostHeader("[::1]:8640"), { name: "::1", port: 8640 });
  assert.deepEqual(parseHostHeader("Rig-7.local"), { name: "rig-7.local", port: null });
  for (const host of ["2130706433", "0x7f.1", "127.1", "0177.0.0.1", "a..b", "-a.b", "a.b:65536", "a.b:080", "[fe80::1%eth0]", "1.2.3.4.5"]) {
    assert.equal(parseHostHeader(host), null, host);
  }
  // On a LAN bind, address literals and this machine's names are answered; the same tricks are not.
  const lan = new HostNames("0.0.0.0", "rig-7");
  for (const host of ["192.168.1.20:8640", "[fe80::1]:8640", "rig-7:8640", "rig-7.local:8640"]) assert.ok(lan.answersTo(host, 8640), host);
  for (const host of ["3232235796:8640", "192.168.276:8640", "rig-7.local.:8640", "192.168.1.20:8640#x"]) assert.ok(!lan.answersTo(host, 8640), host);
});

describe("every loopback listener answers the tricks 421", () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-host-tricks-"));
  const logs = new LogSink({ dir: null });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("dashboard", async () => {
    const rendererDir = join(dir, "renderer");
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(join(rendererDir, "index.html"), "<!doctype html><title>PocketForge</title>");
    const server = new HeadlessServer({
      host: "127.0.0.1",
      port: 0,
      dataDir: dir,
      rendererDir,
      router: new ApiRouter({} as ApiHandlers, logs.logger()),
      events: new EventBus(),
      logger: logs.logger("dashboard"),
    });
    await server.start();
    try {
      await assertRefusesTricks(Number(new URL(server.url).port), "/");
    } finally {
      await server.dispose();
    }
  });

  test("OpenAI-compatible endpoint", async () => {
    const supervisor = new WorkerSupervisor({ logger: logs.logger("inference") });
    const server = new OpenAiServer({ backend: supervisor, logger: logs.logger("openai"), host: "127.0.0.1", port: 0 });
    await server.start();
    try {
      await assertRefusesTricks(server.boundPort!, "/v1/models");
    } finally {
      await server.dispose();
      await supervisor.dispose();
    }
  });

  test("relay miner metrics", async () => {
    const server = new MetricsServer({ host: "127.0.0.1", port: 0, render: () => "up 1\n" });
    await server.start();
    try {
      await assertRefusesTricks(Number(new URL(server.url!).port), "/metrics");
    } finally {
      await server.stop();
    }
  });

  test("localnet RPC", async () => {
    const localnet = new Localnet({ dataDir: join(dir, "localnet"), blockTimeMs: 0, genesis: localnetGenesis({}) });
    await localnet.start();
    try {
      await assertRefusesTricks(Number(new URL(localnet.rpcUrl).port), "/health");
    } finally {
      await localnet.dispose();
    }
  });
});
