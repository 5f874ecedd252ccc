// What the desktop build (build-main.mjs) and the rig build (build-headless.mjs) bundle alike. Dependencies stay in
// node_modules (node-llama-cpp ships native binaries and must be loaded from disk): the Node bundles are built
// with `packages: "external"` and run from a checkout (or an app folder) that has node_modules.
export const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  absWorkingDir: new URL("..", import.meta.url).pathname,
};

/**
 * The processes and threads the engine starts from a file beside its own bundle: the inference worker
 * (inference/worker-launcher.ts, resolveWorkerScript) and the relay miner's ring-signature threads
 * (relayminer/worker-entry.ts, resolveWorkerEntry). ESM, like the rest of the engine.
 */
export const workerEntries = {
  "inference-worker": "electron/core/inference/worker/entry.ts",
  "relayminer-ring-worker": "electron/core/relayminer/ring-worker.ts",
};
