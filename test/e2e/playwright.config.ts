import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Workers re-read this file; the environment keeps the port and data folder the same across them.
process.env.E2E_PORT ??= String(20000 + Math.floor(Math.random() * 20000));
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "pocketforge-e2e-"));

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.ts$/,
  outputDir: "../../artifacts/e2e-results",
  timeout: 90_000,
  workers: 1,
  reporter: [["list"], ["json"]],
  use: {
    baseURL: `http://127.0.0.1:${process.env.E2E_PORT}/`,
    viewport: { width: 1280, height: 800 },
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
    command: `npm run headless -- --port ${process.env.E2E_PORT} --data-dir ${process.env.E2E_DATA_DIR} --openai-port 0`,
    url: `http://127.0.0.1:${process.env.E2E_PORT}/healthz`,
    cwd: "../..",
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
