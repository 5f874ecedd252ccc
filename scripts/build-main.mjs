// Bundles the Electron main process, the preload and the inference worker. Dependencies stay in node_modules
// (node-llama-cpp ships native binaries and must be loaded from disk, unpacked from the asar).
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  absWorkingDir: new URL("..", import.meta.url).pathname,
};

await Promise.all([
  build({
    ...common,
    entryPoints: { main: "electron/main/index.ts" },
    outExtension: { ".js": ".mjs" },
    format: "esm",
    packages: "external",
    outdir: "dist/electron",
  }),
  build({
    ...common,
    entryPoints: {
      "inference-worker": "electron/core/inference/worker/entry.ts",
      // Worker threads of the relay miner's ring-signature checks (found beside main.mjs at run time).
      "relayminer-ring-worker": "electron/core/relayminer/ring-worker.ts",
    },
    format: "esm",
    packages: "external",
    outdir: "dist/electron",
  }),
  // Sandboxed preloads must be a single CommonJS file that requires nothing but 'electron'.
  build({
    ...common,
    entryPoints: { preload: "electron/preload/index.ts" },
    outExtension: { ".js": ".cjs" },
    format: "cjs",
    external: ["electron"],
    outdir: "dist/electron",
  }),
]);
console.log("built dist/electron (main.mjs, preload.cjs, inference-worker.js)");
