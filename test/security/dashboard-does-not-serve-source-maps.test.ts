// Source maps carry the dashboard's whole source (comments, internal names, the build machine's paths). The dashboard
// server never serves them, whatever the spelling of the request, and the renderer build does not point at them.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { HeadlessServer } from "../../electron/core/app/headless-server.js";
import { ApiRouter, type ApiHandlers } from "../../electron/core/runtime/api-router.js";
import { EventBus } from "../../electron/core/runtime/events.js";
import { LogSink } from "../../electron/core/runtime/logger.js";
import { repoRoot } from "../fixtures/paths.js";

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("the dashboard answers 404 for source maps, however the path is spelled, and still serves the scripts", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-source-maps-"));
  const rendererDir = join(dir, "renderer");
  mkdirSync(join(rendererDir, "assets"), { recursive: true });
  writeFileSync(join(rendererDir, "index.html"), '<!doctype html><script type="module" src="./assets/index-abc.js"></script>');
  writeFileSync(join(rendererDir, "assets", "index-abc.js"), "console.log(1);\n");
  const secretSource = '{"version":3,"sources":["../src/secret-internals.ts"],"sourcesContent":["// TODO remove the backdoor"]}';
  writeFileSync(join(rendererDir, "assets", "index-abc.js.map"), secretSource);
  writeFileSync(join(rendererDir, "assets", "index-abc.js.MAP"), secretSource);
  const logs = new LogSink({ dir: null });
  const server = new HeadlessServer({ host: "127.0.0.1", port: 0, dataDir: dir, rendererDir, router: new ApiRouter({} as ApiHandlers, logs.logger()), events: new EventBus(), logger: logs.logger("dashboard") });
  await server.start();
  try {
    const port = Number(new URL(server.url).port);
    assert.equal((await get(port, "/assets/index-abc.js")).status, 200);
    for (const path of [
      "/assets/index-abc.js.map",
      "/assets/index-abc.js.MAP",
      "/assets/index-abc.js%2emap",
      "/assets/index-abc.js.map?v=1",
      "/assets/index-abc.js.map/",
      "/assets/index-abc.js.map.",
      "/assets/index-abc.js.map%20",
      "/assets/./index-abc.js.map",
      "//assets//index-abc.js.map",
    ]) {
      const reply = await get(port, path);
      assert.equal(reply.status, 404, path);
      assert.doesNotMatch(reply.body, /backdoor|secret-internals/, path);
    }
  } finally {
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the renderer build is configured to emit hidden maps (its scripts carry no sourceMappingURL) or none", () => {
  const config = readFileSync(join(repoRoot, "renderer", "vite.config.ts"), "utf8");
  assert.match(config, /sourcemap:\s*"hidden"|sourcemap:\s*false/);
});
