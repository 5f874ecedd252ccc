// The GPU check runs in a worker process of its own: the real one answers what llama.cpp finds on this machine, and
// one that crashes (a driver fault), exits early or hangs ends in a ComputeProbeError, never in this process.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  ComputeProbeError,
  ForkWorkerLauncher,
  probeComputeInWorker,
  type WorkerHandle,
  type WorkerLauncher,
} from "../../../electron/core/inference/index.js";
import { LlamaEngine } from "../../../electron/core/inference/llama/llama-engine.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { repoRoot } from "../../fixtures/paths.js";

/** Forks real processes and remembers each one with the way it ended. */
class RecordingLauncher implements WorkerLauncher {
  readonly started: Array<{ handle: WorkerHandle; scriptPath: string; exited: Promise<{ code: number | null; signal: string | null }> }> = [];
  private readonly inner = new ForkWorkerLauncher();

  constructor(private readonly script?: string) {}

  spawn(scriptPath: string, env: NodeJS.ProcessEnv): WorkerHandle {
    const handle = this.inner.spawn(this.script ?? scriptPath, env);
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => handle.on("exit", (code, signal) => resolve({ code, signal })));
    this.started.push({ handle, scriptPath: this.script ?? scriptPath, exited });
    return handle;
  }
}

const scratch = mkdtempSync(join(tmpdir(), "pf-gpu-check-"));
function script(name: string, source: string): string {
  const path = join(scratch, name);
  writeFileSync(path, source);
  return path;
}

const isGone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

describe("the GPU check in a worker process", { timeout: 120_000 }, () => {
  const inProcess = new LlamaEngine();
  after(() => inProcess.dispose());

  test("answers what node-llama-cpp finds in this process, from another process that then exits", async () => {
    const launcher = new RecordingLauncher();
    const facts = await probeComputeInWorker({ launcher, logger: silentLogger });
    assert.deepEqual(facts, await inProcess.probe());
    assert.equal(launcher.started.length, 1);
    const [child] = launcher.started;
    assert.match(child!.scriptPath, /inference[\\/]worker[\\/]entry\.ts$|inference-worker\.js$/, "the inference worker's entry");
    assert.notEqual(child!.handle.pid, process.pid);
    assert.deepEqual(await child!.exited, { code: 0, signal: null }, "it exits by itself once it answered");
  });

  test("a GPU driver that crashes the check (SIGSEGV) is reported as a crash, with the signal", async () => {
    const launcher = new RecordingLauncher(join(repoRoot, "test", "fixtures", "inference", "driver-crash-worker.ts"));
    await assert.rejects(probeComputeInWorker({ launcher, logger: silentLogger }), (error: unknown) => {
      assert.ok(error instanceof ComputeProbeError);
      assert.equal(error.reason, "crashed");
      assert.match(error.message, /crashed \(signal SIGSEGV\) before it answered/);
      return true;
    });
    assert.deepEqual(await launcher.started[0]!.exited, { code: null, signal: "SIGSEGV" });
  });

  test("a check that exits with an error before it is ready is reported with its exit code", async () => {
    const launcher = new RecordingLauncher(script("exits.mjs", "process.exit(3);\n"));
    await assert.rejects(probeComputeInWorker({ launcher, logger: silentLogger }), (error: unknown) => {
      assert.ok(error instanceof ComputeProbeError);
      assert.equal(error.reason, "crashed");
      assert.match(error.message, /exit code 3/);
      return true;
    });
  });

  test("a check that never answers is stopped after the timeout", async () => {
    // Ready, then silent: a driver call that never returns.
    const launcher = new RecordingLauncher(script("hangs.mjs", 'process.send({ type: "ready", pid: process.pid });\nprocess.on("message", () => {});\n'));
    await assert.rejects(probeComputeInWorker({ launcher, logger: silentLogger, timeoutMs: 300 }), (error: unknown) => {
      assert.ok(error instanceof ComputeProbeError);
      assert.equal(error.reason, "timeout");
      assert.match(error.message, /did not answer within 0\.3 s/);
      return true;
    });
    const [child] = launcher.started;
    assert.deepEqual(await child!.exited, { code: null, signal: "SIGKILL" }, "the hung process is killed");
    assert.ok(isGone(child!.handle.pid!));
  });

  test("a check that hangs before it is even ready is killed too", async () => {
    const launcher = new RecordingLauncher(script("stalls.mjs", "setInterval(() => {}, 1000);\n"));
    await assert.rejects(probeComputeInWorker({ launcher, logger: silentLogger, timeoutMs: 300 }), { name: "ComputeProbeError", reason: "timeout" });
    assert.deepEqual(await launcher.started[0]!.exited, { code: null, signal: "SIGKILL" });
  });
});
