import { defineConfig } from "@playwright/test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Workers re-read this file; the environment keeps the port and data folder the same across them.
process.env.E2E_PORT ??= String(20000 + Math.floor(Math.random() * 20000));
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "pocketforge-e2e-"));
process.env.E2E_RELAY_PORT ??= String(40000 + Math.floor(Math.random() * 20000));

// The relay miner's ports are settings, not flags: give this run its own, so parallel runs on one machine do not collide.
const configFile = join(process.env.E2E_DATA_DIR, "config.json");
if (!existsSync(configFile)) {
  const relayPort = Number(process.env.E2E_RELAY_PORT);
  writeFileSync(
    configFile,
    JSON.stringify({
      version: 1,
      relayMiner: { listen: { host: "127.0.0.1", port: relayPort }, metrics: { enabled: true, host: "127.0.0.1", port: relayPort + 1 } },
    }),
  );
}

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.ts$/,
  outputDir: "../../artifacts/e2e-results",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [["list"], ["json"]],
  use: {
    baseURL: `http://127.0.0.1:${process.env.E2E_PORT}/`,
    viewport: { width: 1280, height: 800 },
    actionTimeout: 15_000,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `npm run headless -- --port ${process.env.E2E_PORT} --data-dir ${process.env.E2E_DATA_DIR} --openai-port 0 --fleet-name e2e-front`,
    url: `http://127.0.0.1:${process.env.E2E_PORT}/healthz`,
    cwd: "../..",
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
