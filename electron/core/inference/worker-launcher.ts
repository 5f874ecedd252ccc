import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A started worker process as the service sees it. Small on purpose: Electron's UtilityProcess already has this
 * shape (postMessage, on('message'), on('exit'), kill, pid), and a child_process is wrapped to match.
 */
export interface WorkerHandle {
  /** OS process id once the process exists. */
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: "message", listener: (message: unknown) => void): void;
  /** Fires once when the process is gone, however it ended (or failed to start). */
  on(event: "exit", listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export interface WorkerLauncher {
  /** Starts `scriptPath` as a worker with exactly this environment. */
  spawn(scriptPath: string, env: NodeJS.ProcessEnv): WorkerHandle;
}

/**
 * The environment a worker process starts with: the parent's, with libuv's thread pool cut to one thread.
 * node-llama-cpp runs each decode step and each sampling call as a libuv work item, and ggml starts that step's
 * extra CPU threads from the thread it runs on (node-llama-cpp attaches no persistent ggml threadpool). With libuv's
 * default four threads the steps hop between threads that have just woken, and the new ggml thread was often queued
 * behind its own spinning creator on one core while the other sat idle (measured with `perf sched`: half of them
 * waited over 1 ms, so 2 threads ran at half the speed of 1). With one libuv thread every step starts from the same
 * busy thread and its partner starts at once (README, "What limits the speed"). Nothing in the worker gains from
 * running pool work side by side: one context's steps and samplings are serial anyway, and the worker's own file
 * and crypto calls are synchronous.
 */
export function workerEnvironment(parentEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...parentEnv, UV_THREADPOOL_SIZE: "1" };
}

/**
 * Where the worker's entry is: beside the bundle that holds this code (dist/electron/inference-worker.js, built
 * from worker/entry.ts), or the entry itself when running from sources.
 */
export function resolveWorkerScript(fromDir: string = dirname(fileURLToPath(import.meta.url))): string {
  const candidates = [
    join(fromDir, "inference-worker.js"),
    join(fromDir, "worker", "entry.ts"),
    join(fromDir, "worker", "entry.js"),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`Cannot find the inference worker; looked for ${candidates.join(", ")}`);
  return found;
}

/** Headless and tests: the worker is a Node child process with an IPC channel. */
export class ForkWorkerLauncher implements WorkerLauncher {
  spawn(scriptPath: string, env: NodeJS.ProcessEnv): WorkerHandle {
    const child = fork(scriptPath, [], {
      env,
      // Never inherit the parent's flags (a test runner's --test would make the worker a test file); TypeScript
      // sources need tsx's loader, a bundle needs nothing.
      execArgv: /\.[cm]?ts$/.test(scriptPath) ? ["--import", "tsx"] : [],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
    });
    let exited = false;
    const exitListeners: Array<(code: number | null, signal: string | null) => void> = [];
    const announceExit = (code: number | null, signal: string | null) => {
      if (exited) return;
      exited = true;
      for (const listener of exitListeners) listener(code, signal);
    };
    child.on("exit", announceExit);
    // A process that could not be started emits 'error' and never 'exit'.
    child.on("error", () => {
      if (child.pid === undefined || child.exitCode !== null) announceExit(child.exitCode, null);
    });
    return {
      get pid() {
        return child.pid;
      },
      postMessage(message) {
        // A send racing the child's death fails; the 'exit' event reports that, so the error is dropped here.
        if (child.connected) child.send(message as never, (error) => void error);
      },
      on(event: "message" | "exit", listener: (...args: any[]) => void) {
        if (event === "exit") exitListeners.push(listener);
        else child.on("message", listener);
      },
      kill() {
        child.kill("SIGKILL");
      },
    } as WorkerHandle;
  }
}
