// The rig entry as rigs run it: `npm run build:headless`, then plain `node dist/headless/headless.mjs` (no tsx, no
// renderer build at start) on a fresh data folder, serving the dashboard and a model from the bundled worker, and
// stopping cleanly on SIGTERM as systemd stops it.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { Worker } from "node:worker_threads";
import { resolveWorkerScript } from "../../electron/core/inference/worker-launcher.js";
import { resolveWorkerEntry } from "../../electron/core/relayminer/worker-entry.js";
import type { RingCheckReply } from "../../electron/core/relayminer/ring-checker.js";
import { DASHBOARD_LINE, freshDataDir, headlessArgs, startHeadless, type HeadlessProcess } from "../fixtures/headless-process.js";
import { repoRoot, testModelPath } from "../fixtures/paths.js";

const run = promisify(execFile);
const bundleDir = join(repoRoot, "dist", "headless");
const entry = join(bundleDir, "headless.mjs");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** The command line of a running process, or null once it is gone. */
function commandLine(pid: number): string | null {
  try {
    return execFileSync("ps", ["-o", "args=", "-p", String(pid)], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

describe("the compiled headless engine (dist/headless)", { timeout: 180_000 }, () => {
  let engine: HeadlessProcess;
  let dashboardUrl: URL;

  before(async () => {
    // What a rig runs once at install (and after each update): the engine bundles and the dashboard.
    await run(npm, ["run", "build:headless"], { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: "" } });
    engine = startHeadless(process.execPath, [entry, ...headlessArgs(freshDataDir(), ["--model", testModelPath()])]);
    dashboardUrl = new URL((await engine.waitForLine(DASHBOARD_LINE))[1]!);
  });

  after(async () => {
    if (engine && engine.child.exitCode === null && engine.child.signalCode === null) {
      engine.child.kill("SIGKILL");
      await engine.exited;
    }
  });

  test("the build puts the workers the engine starts beside its entry", () => {
    for (const file of ["headless.mjs", "inference-worker.js", "relayminer-ring-worker.js"]) {
      assert.ok(existsSync(join(bundleDir, file)), `dist/headless/${file} is built`);
    }
    assert.equal(resolveWorkerScript(bundleDir), join(bundleDir, "inference-worker.js"));
    assert.deepEqual(resolveWorkerEntry("ring-worker", bundleDir), { source: join(bundleDir, "relayminer-ring-worker.js"), eval: false });
  });

  test("it serves the dashboard page and the API's health check", async () => {
    const page = await fetch(dashboardUrl);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await page.text(), /<div id="root">/, "the built renderer's page, not the 'not built' notice");
    const health = await fetch(new URL("/healthz", dashboardUrl));
    assert.equal(health.status, 200);
    assert.ok(!engine.lines.some((line) => line.includes("dashboard is not built")));
  });

  test("its model runs in the bundled inference worker, started without tsx", async () => {
    const pid = Number(engine.lines.map((line) => line.match(/inference worker started \{"pid":(\d+)\}/)?.[1]).find(Boolean));
    assert.ok(pid > 0, "the engine started an inference worker for --model");
    const worker = commandLine(pid);
    assert.ok(worker?.includes(join("dist", "headless", "inference-worker.js")), `the worker runs the bundle: ${worker}`);
    assert.ok(!/tsx/.test(worker!), `no tsx in the worker: ${worker}`);
    assert.ok(!/tsx/.test(commandLine(engine.child.pid!) ?? ""), "no tsx in the engine");

    const openAi = new URL(engine.lines.map((line) => line.match(/OpenAI-compatible endpoint listening \{"url":"([^"]+)"\}/)?.[1]).find(Boolean)!);
    const reply = await fetch(`${openAi.href}/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "stories260K", prompt: "Once upon a time", max_tokens: 4 }),
    });
    assert.equal(reply.status, 200);
    const body = (await reply.json()) as { choices: Array<{ text: string }> };
    assert.ok(body.choices[0]!.text.length > 0, "the worker generated text");
  });

  test("the bundled ring-signature worker runs as a worker thread without tsx", async () => {
    const { source } = resolveWorkerEntry("ring-worker", bundleDir);
    const thread = new Worker(source);
    try {
      const replied = new Promise<RingCheckReply>((resolve, reject) => {
        thread.once("message", resolve);
        thread.once("error", reject);
      });
      thread.postMessage({ id: 7, signature: new Uint8Array(3), message: new Uint8Array(32), expectedKeys: [] });
      const reply = await replied;
      assert.equal(reply.id, 7);
      assert.equal(reply.result.valid, false);
    } finally {
      await thread.terminate();
    }
  });

  test("SIGTERM stops it cleanly: exit code 0, workers gone", async () => {
    const workerPid = Number(engine.lines.map((line) => line.match(/inference worker started \{"pid":(\d+)\}/)?.[1]).find(Boolean));
    engine.child.kill("SIGTERM");
    const { code, signal } = await engine.exited;
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
    await engine.waitForLine(/\[app\] engine stopped/);
    assert.equal(commandLine(workerPid), null, "the inference worker ended with the engine");
  });
});

describe("the systemd unit", () => {
  test("runs the compiled entry with node, not the sources with tsx", () => {
    const unit = readFileSync(join(repoRoot, "resources", "linux", "pocketforge.service"), "utf8");
    const execStart = unit.match(/^ExecStart=(.+)$/m)?.[1] ?? "";
    assert.match(execStart, /\bnode \S*\bdist\/headless\/headless\.mjs\b/);
    assert.doesNotMatch(unit, /^[^#]*\btsx\b/m, "no tsx outside comments");
  });
});
