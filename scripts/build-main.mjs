// Bundles the Electron main process, the preload and the engine's workers into dist/electron (the desktop app).
// The headless engine for rigs is built by build-headless.mjs into dist/headless.
import { build } from "esbuild";
import { common, workerEntries } from "./bundle-options.mjs";

await Promise.all([
  build({
    ...common,
    entryPoints: { main: "electron/main/index.ts" },
    outExtension: { ".js": ".mjs" },
    format: "esm",
    packages: "external",
    outdir: "dist/electron",
  }),
  // Found beside main.mjs at run time.
  build({
    ...common,
    entryPoints: workerEntries,
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
console.log("built dist/electron (main.mjs, preload.cjs, inference-worker.js, relayminer-ring-worker.js)");
