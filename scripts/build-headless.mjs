// Bundles the headless engine for rigs and servers into dist/headless: headless.mjs and the workers it starts from
// beside itself, so a rig runs plain `node dist/headless/headless.mjs` (no tsx, no TypeScript at run time).
// At run time it reads ../../package.json (its version) and ../renderer (the dashboard, `npm run build:renderer`)
// and imports its dependencies from node_modules. `npm run build:headless` runs both builds.
import { build } from "esbuild";
import { common, workerEntries } from "./bundle-options.mjs";

await Promise.all([
  build({
    ...common,
    entryPoints: { headless: "electron/core/headless.ts" },
    outExtension: { ".js": ".mjs" },
    format: "esm",
    packages: "external",
    outdir: "dist/headless",
  }),
  build({
    ...common,
    entryPoints: workerEntries,
    format: "esm",
    packages: "external",
    outdir: "dist/headless",
  }),
]);
console.log("built dist/headless (headless.mjs, inference-worker.js, relayminer-ring-worker.js)");
