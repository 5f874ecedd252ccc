import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { EngineStartup } from "../../../shared/api/index.js";
import { runDesktopApp, type DesktopOptions } from "../../../electron/main/desktop-app.js";
import { defaultDataDir } from "../../../electron/core/runtime/data-dir.js";
import type { ComputeFacts } from "../../../electron/core/hardware/compute-probe.js";
import { getConfig } from "app-builder-lib/out/util/config/config.js";
import { createFakeElectron, forkInsideUtilityProcess, type FakeElectron } from "../../fixtures/desktop/fake-electron.js";
import { FakeServing } from "../../fixtures/desktop/fake-serving.js";
import { bundleDir } from "../../fixtures/desktop/launch-desktop.js";
import { repoRoot } from "../../fixtures/paths.js";

const CPU: ComputeFacts = { backend: "cpu", deviceNames: [], vramTotalBytes: null };

function options(fake: FakeElectron, extra: Partial<DesktopOptions> = {}, probeCompute: () => Promise<ComputeFacts> = async () => CPU): DesktopOptions {
  return {
    argv: ["pocketforge"],
    platform: "linux",
    iconsDir: join(repoRoot, "resources", "icons"),
    autostartFile: join(fake.home, "autostart", "pocketforge.desktop"),
    updater: null,
    core: {
      servingControl: new FakeServing(),
      probeCompute,
      telemetryIntervalMs: 3_600_000,
      overrides: (config) => void (config.openAi.port = 0),
    },
    ...extra,
  };
}

async function quit(fake: FakeElectron) {
  fake.app.quit();
  assert.equal(await fake.exited, 0);
}

/** The app.startup events the window received over IPC, in order. */
function startupEvents(fake: FakeElectron): EngineStartup[] {
  return fake.windows.flatMap((w) => w.webContents.sent).filter((m) => m.args[0] === "app.startup").map((m) => m.args[1] as EngineStartup);
}

describe("desktop start: a window at once, one data folder", { timeout: 60_000 }, () => {
  test("the window opens before the engine has started, shows each step, and a second launch meanwhile makes no second window", async (t) => {
    const fake = createFakeElectron();
    t.after(() => (fake.exitCode === null ? quit(fake) : undefined));
    let releaseProbe!: () => void;
    let probing!: () => void;
    const probeStarted = new Promise<void>((resolve) => (probing = resolve));
    const probe = () => {
      probing();
      return new Promise<ComputeFacts>((resolve) => (releaseProbe = () => resolve(CPU)));
    };
    const running = runDesktopApp(fake.electron, bundleDir, options(fake, { dataDir: fake.userData }, probe));
    await probeStarted;

    assert.equal(fake.windows.length, 1, "the window is already open while the GPUs are probed");
    const window = fake.windows[0]!;
    const seen = startupEvents(fake);
    assert.ok(seen.length > 0, "the window hears the start");
    const now = seen.at(-1)!;
    assert.equal(now.state, "starting");
    // The workers are planned from the GPUs the probe finds, so that step waits on it.
    assert.equal(now.steps.find((step) => step.id === "workers")?.state, "running");
    assert.equal(now.steps.find((step) => step.id === "wallet")?.state, "done");

    fake.secondInstance(["pocketforge"]);
    fake.trays[0]!.emit("click");
    assert.equal(fake.windows.length, 1, "a second launch and a tray click during the start reuse the window");
    assert.equal(window.isVisible(), true);

    releaseProbe();
    const desktop = await running;
    assert.ok(desktop);
    assert.equal(fake.windows.length, 1, "still one window once the engine is ready");
    const last = startupEvents(fake).at(-1)!;
    assert.equal(last.state, "ready");
    assert.ok(last.steps.every((step) => step.state === "done"), JSON.stringify(last.steps));
    // The window that opened first is the one that keeps getting events.
    desktop.core.events.emit("log.entry", { time: 1, level: "info", scope: "test", message: "after start" });
    assert.ok(window.webContents.sent.some((m) => m.args[0] === "log.entry" && (m.args[1] as { message: string }).message === "after start"));
    await quit(fake);
  });

  test("calls from a window wait for the start: only the start, the version and the log answer before", async (t) => {
    const fake = createFakeElectron();
    t.after(() => (fake.exitCode === null ? quit(fake) : undefined));
    let releaseProbe!: () => void;
    let probing!: () => void;
    const probeStarted = new Promise<void>((resolve) => (probing = resolve));
    const running = runDesktopApp(
      fake.electron,
      bundleDir,
      options(fake, { dataDir: fake.userData }, () => {
        probing();
        return new Promise<ComputeFacts>((resolve) => (releaseProbe = () => resolve(CPU)));
      }),
    );
    await probeStarted;
    const call = fake.ipcHandlers.get("pocketforge:call")!;
    const trusted = { senderFrame: { url: fake.windows[0]!.webContents.getURL() } };
    const startup = (await call(trusted, "app.startup", {})) as { ok: boolean; result: EngineStartup };
    assert.equal(startup.ok, true);
    assert.equal(startup.result.state, "starting");
    const early = (await call(trusted, "wallet.status", {})) as { ok: boolean; error: { code: string; message: string } };
    assert.equal(early.ok, false);
    assert.equal(early.error.code, "unavailable");
    assert.match(early.error.message, /still starting \(starting the inference workers\)/);
    releaseProbe();
    await running;
    const later = (await call(trusted, "wallet.status", {})) as { ok: boolean };
    assert.equal(later.ok, true);
    await quit(fake);
  });

  test("desktop and headless share one data folder: Electron's userData points there, Chromium's profile beside, earlier data moved", async (t) => {
    const home = mkdtempSync(join(tmpdir(), "pf-home-"));
    const fake = createFakeElectron({ packaged: true, home });
    const electronDefault = fake.userData;
    assert.equal(electronDefault, join(home, ".config", "PocketForge"), "a packaged Linux build's own default");
    // Left by an earlier desktop build in Electron's default folder.
    mkdirSync(join(electronDefault, "models", "files"), { recursive: true });
    writeFileSync(join(electronDefault, "models", "files", "tiny.gguf"), "GGUF model bytes");
    writeFileSync(join(electronDefault, "preferences.json"), JSON.stringify({ format: "pocketforge-preferences-v1", preferences: { theme: "dark" } }));
    writeFileSync(join(electronDefault, "Cookies"), "chromium's");
    const env = { XDG_DATA_HOME: join(home, ".local", "share") };
    const dataDir = defaultDataDir(env, "linux");
    // Something the data folder already has wins; the old copy stays where it was.
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, "access-token"), "already-here-0123456789abcdefghijklmnop\n");
    writeFileSync(join(electronDefault, "access-token"), "older-token-0123456789abcdefghijklmnopq\n");
    t.after(() => (fake.exitCode === null ? quit(fake) : undefined));

    const desktop = await runDesktopApp(fake.electron, bundleDir, options(fake, { env }));
    assert.ok(desktop);
    assert.equal(desktop.core.dataDir, dataDir, "the same folder headless uses");
    assert.equal(fake.path("userData"), dataDir);
    assert.equal(fake.path("sessionData"), join(dataDir, "chromium"));
    assert.equal(readFileSync(join(dataDir, "models", "files", "tiny.gguf"), "utf8"), "GGUF model bytes");
    assert.equal(existsSync(join(electronDefault, "models")), false, "moved, not copied");
    const preferences = (await desktop.core.router.call("preferences.get", {}, { transport: "internal" })) as { theme: string };
    assert.equal(preferences.theme, "dark", "the engine reads what was moved");
    assert.equal(readFileSync(join(dataDir, "access-token"), "utf8"), "already-here-0123456789abcdefghijklmnop\n", "never overwritten");
    assert.equal(existsSync(join(electronDefault, "access-token")), true, "the other copy is left where it was");
    assert.equal(existsSync(join(electronDefault, "Cookies")), true, "Chromium's old profile is not ours to move");
    assert.match(readFileSync(join(electronDefault, "MOVED.txt"), "utf8"), /now keeps its data in/);
    const logged = desktop.core.logs.tail(200, "info").find((entry) => /stayed in its old folder/.test(entry.message));
    assert.ok(logged, "the leftover is logged");
    await quit(fake);
  });

  test("node-llama-cpp can test its binaries from the inference worker under the packaged fuses", async (t) => {
    // node-llama-cpp asks for Electron's utilityProcess and falls back to child_process.fork when there is none,
    // which is the case inside our worker (a utility process): this pins that reading of the library.
    const source = readFileSync(join(repoRoot, "node_modules", "node-llama-cpp", "dist", "bindings", "utils", "testBindingBinary.js"), "utf8");
    assert.match(source, /const \{ utilityProcess \} = await import\("electron"\)/);
    assert.match(source, /import \{ fork \} from "node:child_process"/);
    const config = await getConfig(repoRoot, null, null);
    const child = forkInsideUtilityProcess(config.electronFuses as { runAsNode?: boolean });
    if (child === "app") {
      // What the child would do: start as a second PocketForge on the same machine and data folder.
      const running = createFakeElectron();
      t.after(() => (running.exitCode === null ? quit(running) : undefined));
      const main = await runDesktopApp(running.electron, bundleDir, options(running, { dataDir: running.userData }));
      const copy = createFakeElectron({ locks: running.locks });
      const second = await runDesktopApp(copy.electron, bundleDir, options(copy, { dataDir: running.userData }));
      assert.ok(main);
      assert.equal(second, null, "the copy quits without testing anything");
    }
    assert.equal(child, "node", "the binary test's child runs as Node, so llama.cpp binaries can load in the packaged app");
  });
});
