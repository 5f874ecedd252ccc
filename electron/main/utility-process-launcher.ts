import type { utilityProcess as UtilityProcessModule } from "electron";
import type { WorkerHandle, WorkerLauncher } from "../core/inference/worker-launcher.js";

/**
 * Inference workers in the desktop app run as Electron utility processes: Node processes that Electron supervises
 * and ends with the app, so a llama.cpp crash takes down only the worker.
 */
export class UtilityProcessLauncher implements WorkerLauncher {
  constructor(private readonly utilityProcess: typeof UtilityProcessModule) {}

  spawn(scriptPath: string, env: NodeJS.ProcessEnv): WorkerHandle {
    const child = this.utilityProcess.fork(scriptPath, [], {
      env,
      serviceName: "PocketForge inference",
      stdio: "inherit",
    });
    return {
      get pid() {
        return child.pid;
      },
      postMessage: (message: unknown) => child.postMessage(message),
      on: ((event: "message" | "exit", listener: (...args: any[]) => void) => {
        if (event === "message") child.on("message", (message: unknown) => listener(message));
        else child.once("exit", (code: number) => listener(code, null));
      }) as WorkerHandle["on"],
      kill: () => void child.kill(),
    };
  }
}
