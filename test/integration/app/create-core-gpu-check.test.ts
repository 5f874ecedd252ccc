// createCore runs the GPU check through its worker launcher, out of this process: when the GPU driver crashes it,
// the engine starts anyway on the CPU, says why (log, alert, hardware advice) and serves the model.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createCore } from "../../../electron/core/app/create-core.js";
import { ForkWorkerLauncher, type WorkerHandle, type WorkerLauncher } from "../../../electron/core/inference/index.js";
import { parseResult } from "../../../shared/api/index.js";
import { repoRoot, testModelPath } from "../../fixtures/paths.js";

/** Every worker runs the real worker entry on a machine whose GPU driver crashes the GPU check (SIGSEGV). */
class DriverCrashLauncher implements WorkerLauncher {
  readonly exits: Array<{ code: number | null; signal: string | null }> = [];
  private readonly inner = new ForkWorkerLauncher();
  spawn(_scriptPath: string, env: NodeJS.ProcessEnv): WorkerHandle {
    const handle = this.inner.spawn(join(repoRoot, "test", "fixtures", "inference", "driver-crash-worker.ts"), env);
    handle.on("exit", (code, signal) => this.exits.push({ code, signal }));
    return handle;
  }
}

describe("createCore when the GPU check crashes", { timeout: 120_000 }, () => {
  const launcher = new DriverCrashLauncher();
  const logLines: string[] = [];
  const core = createCore({
    dataDir: mkdtempSync(join(tmpdir(), "pf-gpu-crash-")),
    version: "0.0.0-test",
    workerLauncher: launcher,
    telemetryIntervalMs: 3_600_000,
    overrides: (config) => {
      config.openAi.port = 0;
      config.relayMiner.listen.port = 0;
      config.relayMiner.metrics.port = 0;
      config.inference.modelPath = testModelPath();
      config.inference.contextSize = 1024;
      config.inference.parallelSequences = 1;
    },
  });
  core.events.on("log.entry", (entry) => logLines.push(`${entry.scope} ${entry.message}`));
  const call = async <M extends "hardware.info" | "alerts.recent" | "inference.status">(method: M) =>
    parseResult(method, await core.router.call(method, {}, { transport: "internal" }));

  before(() => core.start());
  after(() => core.dispose());

  test("the engine starts on the CPU and says why", async () => {
    assert.deepEqual(launcher.exits[0], { code: null, signal: "SIGSEGV" }, "the first worker, the GPU check, died of the driver");
    const { compute } = await call("hardware.info");
    assert.equal(compute.backend, "cpu");
    assert.deepEqual(compute.deviceNames, []);
    assert.match(compute.advice[0]!, /CPU until the next start because the GPU check's process crashed \(signal SIGSEGV\)/);
    assert.ok(logLines.some((line) => /^hardware models run on the CPU because the GPU check's process crashed \(signal SIGSEGV\)/.test(line)), logLines.join("\n"));
    const alerts = await call("alerts.recent");
    const alert = alerts.find((a) => a.kind === "gpu_check_failed");
    assert.ok(alert, "an alert tells the user");
    assert.match(alert.message, /signal SIGSEGV/);
  });

  test("and serves the model from a CPU worker", async () => {
    const status = await call("inference.status");
    assert.equal(status.state, "ready");
    const reply = await fetch(`${status.endpoint}/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "stories260K", prompt: "Once upon a time", max_tokens: 4 }),
    });
    assert.equal(reply.status, 200);
    assert.ok(((await reply.json()) as { choices: Array<{ text: string }> }).choices[0]!.text.length > 0);
  });
});
