import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { EngineWorker } from "../../../electron/core/inference/worker/engine-worker.js";
import { workerEnvironment, type WorkerHandle, type WorkerLauncher } from "../../../electron/core/inference/worker-launcher.js";

/** A launcher whose worker says it is ready at once; keeps the environment each spawn got. */
class RecordingLauncher implements WorkerLauncher {
  readonly envs: NodeJS.ProcessEnv[] = [];

  spawn(_scriptPath: string, env: NodeJS.ProcessEnv): WorkerHandle {
    this.envs.push(env);
    const messageListeners: Array<(message: unknown) => void> = [];
    queueMicrotask(() => messageListeners.forEach((listener) => listener({ type: "ready", pid: 4321 })));
    return {
      pid: 4321,
      postMessage: () => {},
      on: ((event: string, listener: (message: unknown) => void) => {
        if (event === "message") messageListeners.push(listener);
      }) as WorkerHandle["on"],
      kill: () => {},
    };
  }
}

describe("inference worker environment", () => {
  test("keeps the parent's variables and gives the worker one libuv thread, whatever the parent had", () => {
    assert.deepEqual(workerEnvironment({ PATH: "/bin", CUDA_VISIBLE_DEVICES: "1" }), {
      PATH: "/bin",
      CUDA_VISIBLE_DEVICES: "1",
      UV_THREADPOOL_SIZE: "1",
    });
    assert.equal(workerEnvironment({ UV_THREADPOOL_SIZE: "16" }).UV_THREADPOOL_SIZE, "1");
  });

  test("every worker (the service's and the compute probe's) is spawned with it", async () => {
    const launcher = new RecordingLauncher();
    const worker = await EngineWorker.start(launcher, "worker.js", { PATH: "/bin" }, silentLogger);
    assert.equal(worker.pid, 4321);
    assert.deepEqual(launcher.envs, [{ PATH: "/bin", UV_THREADPOOL_SIZE: "1" }]);
  });
});
