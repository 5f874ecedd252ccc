import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { LoadedModel } from "../../../shared/api/index.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import {
  WorkerSupervisor,
  NoModelLoadedError,
  resolveWorkerScript,
  type WorkerHandle,
  type WorkerLauncher,
} from "../../../electron/core/inference/index.js";
import type { HostMessage, WorkerMessage } from "../../../electron/core/inference/worker/protocol.js";
import { TextBatcher } from "../../../electron/core/inference/worker/text-batcher.js";
import { repoRoot } from "../../fixtures/paths.js";

const FAKE_MODEL: LoadedModel = {
  path: "/models/fake.gguf",
  name: "fake",
  sizeBytes: 1,
  contextSize: 512,
  parallelSequences: 1,
  gpuLayers: 0,
  threads: 1,
  kvCacheBytes: 1024,
};

/**
 * A worker that speaks the protocol without a model; `crashOnLoad` decides, per spawn, whether loading the model
 * makes it die the way a native crash would. It lets the restart policy be tested without real processes.
 */
class ScriptedWorker extends EventEmitter implements WorkerHandle {
  readonly pid: number;
  private dead = false;

  constructor(
    pid: number,
    private readonly crashOnLoad: boolean,
  ) {
    super();
    this.pid = pid;
    queueMicrotask(() => this.reply({ type: "ready", pid }));
  }

  postMessage(message: unknown): void {
    const msg = message as HostMessage;
    if (this.dead) return;
    if (msg.type === "load") {
      if (this.crashOnLoad) this.die(null, "SIGSEGV");
      else this.reply({ type: "reply", id: msg.id, ok: true, value: FAKE_MODEL });
    } else if (msg.type === "shutdown") {
      this.die(0, null);
    }
  }

  kill(): void {
    this.die(null, "SIGKILL");
  }

  die(code: number | null, signal: string | null): void {
    if (this.dead) return;
    this.dead = true;
    setImmediate(() => this.emit("exit", code, signal));
  }

  private reply(message: WorkerMessage): void {
    setImmediate(() => !this.dead && this.emit("message", message));
  }
}

class ScriptedLauncher implements WorkerLauncher {
  readonly spawned: ScriptedWorker[] = [];

  constructor(private readonly crashOnLoad: (spawnIndex: number) => boolean) {}

  spawn(): WorkerHandle {
    const worker = new ScriptedWorker(1000 + this.spawned.length, this.crashOnLoad(this.spawned.length));
    this.spawned.push(worker);
    return worker;
  }
}

describe("worker restarts", () => {
  it("restarts a crashed worker with backoff and gives up with state error after repeated crashes", async () => {
    // The first worker loads fine; every replacement crashes while reloading the model.
    const launcher = new ScriptedLauncher((index) => index > 0);
    const service = new WorkerSupervisor({
      logger: silentLogger,
      launcher,
      workerScript: "scripted",
      restart: { initialDelayMs: 5, maxDelayMs: 20, maxCrashes: 2, windowMs: 60_000 },
    });
    const states: string[] = [];
    service.onStatus((status) => states.push(status.state));
    await service.load({ modelPath: FAKE_MODEL.path });
    assert.equal(service.status().state, "ready");

    launcher.spawned[0]!.die(null, "SIGSEGV");
    const final = await service.waitForStatus((s) => s.state === "error", 5_000);

    // Crash 1 and 2 are retried (two restarts), crash 3 exceeds maxCrashes.
    assert.equal(launcher.spawned.length, 3);
    assert.equal(final.workerRestarts, 2);
    assert.equal(final.model, null);
    assert.match(final.message ?? "", /crashed 3 times/);
    assert.deepEqual(states.filter((s, i) => s !== states[i - 1]), ["loading", "ready", "restarting", "error"]);
    await assert.rejects(
      service.chat({ requestId: "after-give-up", messages: [{ role: "user", content: "hi" }] }),
      NoModelLoadedError,
    );
    await service.dispose();
  });

  it("backs off longer after each crash in the window", async () => {
    const launcher = new ScriptedLauncher(() => false);
    const service = new WorkerSupervisor({
      logger: silentLogger,
      launcher,
      workerScript: "scripted",
      restart: { initialDelayMs: 40, maxDelayMs: 1_000, maxCrashes: 5 },
    });
    const messages: string[] = [];
    service.onStatus((status) => {
      // Each restart announces itself once per change of message (the restart counter ticks within it).
      if (status.state === "restarting" && status.message !== messages.at(-1)) messages.push(status.message ?? "");
    });
    await service.load({ modelPath: FAKE_MODEL.path });
    for (let crash = 0; crash < 3; crash++) {
      launcher.spawned.at(-1)!.die(139, null);
      await service.waitForStatus((s) => s.state === "restarting", 2_000);
      await service.waitForStatus((s) => s.state === "ready", 2_000);
    }
    assert.deepEqual(
      messages.map((m) => /restarting in (\d+) ms/.exec(m)?.[1]),
      ["40", "80", "160"],
    );
    assert.equal(service.status().workerRestarts, 3);
    await service.dispose();
    assert.equal(service.status().state, "idle");
  });

  it("does not restart a worker that was asked to stop", async () => {
    const launcher = new ScriptedLauncher(() => false);
    const service = new WorkerSupervisor({ logger: silentLogger, launcher, workerScript: "scripted" });
    await service.load({ modelPath: FAKE_MODEL.path });
    await service.dispose();
    assert.equal(launcher.spawned.length, 1);
    assert.equal(service.status().workerRestarts, 0);
  });
});

describe("resolveWorkerScript", () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-worker-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the bundled inference-worker.js beside the bundle", () => {
    writeFileSync(join(dir, "inference-worker.js"), "");
    assert.equal(resolveWorkerScript(dir), join(dir, "inference-worker.js"));
  });

  it("finds the TypeScript entry when running from sources", () => {
    const sourceDir = join(repoRoot, "electron", "core", "inference");
    assert.equal(resolveWorkerScript(), join(sourceDir, "worker", "entry.ts"));
  });

  it("says where it looked when there is no worker", () => {
    const empty = mkdtempSync(join(dir, "empty-"));
    assert.throws(() => resolveWorkerScript(empty), /inference-worker\.js/);
  });
});

describe("TextBatcher", () => {
  it("sends the first piece at once and gathers the rest until the interval or a flush", () => {
    const sent: string[] = [];
    // An interval far longer than the test: only push and flush decide what is sent.
    const batcher = new TextBatcher((text) => sent.push(text), 60_000);
    batcher.push("Once");
    assert.deepEqual(sent, ["Once"]);
    batcher.push(" upon");
    batcher.push(" a");
    assert.deepEqual(sent, ["Once"]);
    batcher.flush();
    assert.deepEqual(sent, ["Once", " upon a"]);
    batcher.flush();
    assert.deepEqual(sent, ["Once", " upon a"], "nothing held back, nothing sent");
  });
});
