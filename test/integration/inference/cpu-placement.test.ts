import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { formatCpuList, LinuxCpuPlacer } from "../../../electron/core/inference/cpu-placement.js";
import { WorkerSupervisor } from "../../../electron/core/inference/index.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { ownCpus, placementUnavailable, threadCpus } from "../../fixtures/inference/cpus.js";
import { testModelPath } from "../../fixtures/paths.js";

const skip = placementUnavailable();
const appCpus = ownCpus();
/** What a one-thread engine gets: every CPU of this process but the lowest. */
const engineList = formatCpuList(appCpus.slice(1));
const everyCpu = formatCpuList(appCpus);

describe("LinuxCpuPlacer on real processes", { skip }, () => {
  let child: ChildProcess;
  before(async () => {
    // A Node process that starts one more thread when asked, to show threads started later inherit the placement.
    const script = `const { Worker } = require("node:worker_threads"); setInterval(() => {}, 1000);
      process.on("message", () => new Worker("setInterval(() => {}, 1000)", { eval: true }).once("online", () => process.send("online")));`;
    child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    await once(child, "spawn");
  });
  after(() => child.kill("SIGKILL"));

  it("confines every thread, and threads started afterwards too", async () => {
    const placer = new LinuxCpuPlacer();
    const before = threadCpus(child.pid!).length;
    assert.deepEqual(await placer.place(child.pid!, 1), { pinned: true, cpus: engineList });
    assert.deepEqual(new Set(threadCpus(child.pid!)), new Set([engineList]));
    child.send("start a thread");
    await once(child, "message");
    const threads = threadCpus(child.pid!);
    assert.ok(threads.length > before, `a thread was added (${before} → ${threads.length})`);
    assert.deepEqual(new Set(threads), new Set([engineList]));
  });

  it("gives every CPU back to a worker told to use all of them", async () => {
    const placer = new LinuxCpuPlacer();
    await placer.place(child.pid!, 1);
    const result = await placer.place(child.pid!, appCpus.length);
    assert.equal(result.pinned, false);
    assert.deepEqual(new Set(threadCpus(child.pid!)), new Set([everyCpu]));
  });
});

describe("WorkerSupervisor with a CPU placer (worker process, stories260K)", { skip, timeout: 120_000 }, () => {
  const service = new WorkerSupervisor({ logger: silentLogger, placer: new LinuxCpuPlacer(), restart: { initialDelayMs: 20 } });
  after(() => service.dispose());

  it("confines the worker after a load, again after a crash, and frees it for an engine on every CPU", async () => {
    await service.load({ modelPath: testModelPath(), contextSize: 256, parallelSequences: 1, threads: 1 });
    assert.equal(service.cpus, engineList);
    assert.deepEqual(new Set(threadCpus(service.workerPid!)), new Set([engineList]), "every thread of the worker");

    const crashed = service.workerPid!;
    process.kill(crashed, "SIGKILL");
    await service.waitForStatus((s) => s.state === "ready" && service.workerPid !== null && service.workerPid !== crashed);
    assert.equal(service.cpus, engineList);
    assert.deepEqual(new Set(threadCpus(service.workerPid!)), new Set([engineList]), "the restarted worker");

    await service.load({ modelPath: testModelPath(), contextSize: 256, parallelSequences: 1, threads: appCpus.length });
    assert.equal(service.cpus, null);
    assert.deepEqual(new Set(threadCpus(service.workerPid!)), new Set([everyCpu]));
  });
});
