// Entry for rigs and servers: the whole engine in plain Node, with the dashboard and API on one HTTP port.
// Rigs run it compiled (`npm run build:headless` bundles it into dist/headless/headless.mjs, beside the workers it
// starts); from sources it runs under tsx. Both sit two folders below the repository root.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createCore } from "./app/create-core.js";
import { installLastResortHandlers } from "./runtime/last-resort.js";
import { keepPrivate } from "./runtime/private-files.js";
import { dataDirLayout, defaultDataDir } from "./runtime/data-dir.js";
import { HeadlessServer } from "./app/headless-server.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..");

const USAGE = `Usage: node dist/headless/headless.mjs [--port 8640] [--host 127.0.0.1] [--data-dir DIR] [--model FILE.gguf] [--openai-port 8641]
       [--fleet-name NAME]
       (npm run build:headless builds it; npm run headless -- [options] builds, then starts it)

  --port      dashboard and API port (default from config.json, else 8640; 0 picks a free port)
  --host      address to bind; anything other than loopback requires the access token printed at start
  --data-dir  folder for settings, keys, ledger and models (default: ${defaultDataDir()})
  --model     GGUF file to load at start (remembered for next time)
  --openai-port  port of the OpenAI-compatible endpoint on 127.0.0.1 (default 8641; 0 picks a free port)
  --fleet-name   this machine's name on a fleet's Fleet page (default: the host name)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "data-dir": { type: "string" },
      model: { type: "string" },
      "openai-port": { type: "string" },
      "fleet-name": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = parsePort("--port", values.port);
  const openAiPort = parsePort("--openai-port", values["openai-port"]);
  const dataDir = resolve(values["data-dir"] ?? defaultDataDir());
  const version = JSON.parse(readFileSync(resolve(repoRoot, "package.json"), "utf8")).version as string;
  const rendererDir = resolve(repoRoot, "dist", "renderer");

  // Everything the engine writes is owner-only (files 0600, folders 0700).
  keepPrivate();
  const core = createCore({
    dataDir,
    version,
    logToConsole: true,
    ...(values["fleet-name"] ? { fleet: { name: values["fleet-name"] } } : {}),
    overrides: (config) => {
      if (port !== undefined) config.dashboard.port = port;
      if (values.host) config.dashboard.host = values.host;
      if (values.model) config.inference.modelPath = resolve(values.model);
      if (openAiPort !== undefined) config.openAi.port = openAiPort;
    },
  });
  installLastResortHandlers(core.logs.logger("process"));
  const server = new HeadlessServer({
    host: core.settings.dashboard.host,
    port: core.settings.dashboard.port,
    dataDir,
    rendererDir,
    router: core.router,
    events: core.events,
    logger: core.logs.logger("dashboard"),
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    core.logger.info(`received ${signal}, shutting down`);
    await server.dispose();
    await core.dispose();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  await core.start();
  await server.start();
  // The one line scripts and people look for; the token (if any) is in it, printed once.
  console.log(`PocketForge dashboard: ${server.url}`);
  if (server.tls) {
    const origin = server.tls.source === "own" ? "your certificate" : "a self-signed certificate made for this machine";
    console.log(`HTTPS with ${origin}: the browser must show SHA-256 fingerprint ${server.tls.fingerprint256}`);
  }
  if (server.url.includes("token=")) {
    console.log(`Access token stored in ${resolve(dataDirLayout(dataDir).accessToken)}; anyone with this URL controls this engine.`);
  } else {
    console.log(`Open it in a browser on this machine; scripts authenticate with the token in ${resolve(dataDirLayout(dataDir).accessToken)}.`);
  }
  console.log(`Data folder: ${dataDir}`);
  if (!existsSync(resolve(rendererDir, "index.html"))) {
    console.log("The dashboard is not built, so the page answers 503 (the API works): run `npm run build:headless` once.");
  }
}

function parsePort(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${flag} must be a number from 0 to 65535, got "${value}"`);
  return port;
}

main().catch((error: Error) => {
  console.error(`PocketForge could not start: ${error.message}`);
  process.exit(1);
});
