import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { AlertKind } from "../../../shared/api/index.js";
import { APP_USER_MODEL_ID, runDesktopApp } from "../../../electron/main/desktop-app.js";
import { repoRoot } from "../../fixtures/paths.js";
import { createFakeElectron } from "../../fixtures/desktop/fake-electron.js";
import { FakeServing } from "../../fixtures/desktop/fake-serving.js";
import { bundleDir, FakeUpdater, flush, launch } from "../../fixtures/desktop/launch-desktop.js";

describe("desktop shell with a fake electron", { timeout: 60_000 }, () => {
  test("a second launch quits at once and the running instance shows its window, on a deep link's page", async (t) => {
    const first = await launch(t);
    // Electron keeps the lock in userData: a second launch pointed at the same data folder does not get it.
    const second = createFakeElectron({ locks: first.fake.locks });
    assert.equal(await runDesktopApp(second.electron, bundleDir, { argv: ["pocketforge"], dataDir: first.fake.userData }), null);
    assert.deepEqual(second.calls, ["setPath:userData", "setPath:sessionData", "quit"], "never got as far as starting an engine");
    assert.equal(second.windows.length, 0);

    const window = first.window();
    window.close();
    assert.equal(window.isVisible(), false, "hidden to the tray, not closed");
    first.fake.secondInstance(["pocketforge", "pocketforge://wallet"]);
    assert.equal(first.fake.windows.length, 1, "the same window, not a new one");
    assert.equal(window.isVisible(), true);
    assert.equal(window.isFocused(), true);
    assert.equal(window.loaded.at(-1)!.hash, "/wallet");
    first.fake.secondInstance(["pocketforge"]);
    assert.equal(window.loaded.length, 2, "a plain second launch only focuses");
    await first.quit();
  });

  test("the GPU is left to inference, and a launch at login stays in the tray unless a deep link asks for a page", async (t) => {
    const hidden = await launch(t, { argv: ["pocketforge", "--hidden"] });
    const calls = hidden.fake.calls;
    assert.deepEqual(
      calls.slice(0, 4),
      ["setPath:userData", "setPath:sessionData", "disableHardwareAcceleration", "whenReady"],
      "before the app is ready, as Electron requires",
    );
    assert.equal(hidden.fake.windows.length, 0);
    assert.match(hidden.tray().tooltip, /^PocketForge — Serving/);
    hidden.tray().emit("click");
    assert.equal(hidden.fake.windows.length, 1, "a tray click opens the window");
    await hidden.quit();

    const linked = await launch(t, { argv: ["pocketforge", "--hidden", "pocketforge://models"] });
    assert.equal(linked.window().loaded[0]!.hash, "/models");
    await linked.quit();
  });

  test("window state is restored from userData, unless the saved place is off every display", async (t) => {
    const first = createFakeElectron();
    writeFileSync(join(first.userData, "window-state.json"), JSON.stringify({ bounds: { x: 40, y: 50, width: 1100, height: 700 }, maximized: true }));
    const restored = await launch(t, { fake: first });
    const options = restored.window().options;
    assert.deepEqual([options.x, options.y, options.width, options.height], [40, 50, 1100, 700]);
    assert.equal(restored.window().isMaximized(), true);
    assert.equal(options.webPreferences.contextIsolation, true, "the secure options are kept");
    await restored.quit();

    const offscreen = createFakeElectron();
    writeFileSync(join(offscreen.userData, "window-state.json"), JSON.stringify({ bounds: { x: 4000, y: 50, width: 1100, height: 700 }, maximized: false }));
    const fresh = await launch(t, { fake: offscreen });
    assert.equal(fresh.window().options.x, undefined);
    assert.equal(fresh.window().options.width, 1280, "the default size");
    await fresh.quit();
    const saved = JSON.parse(readFileSync(join(offscreen.userData, "window-state.json"), "utf8"));
    assert.deepEqual(saved, { bounds: { x: 100, y: 100, width: 1280, height: 820 }, maximized: false }, "saved again on quit");
  });

  test("Quit in the tray menu stops the engine and exits; the window closes for real", async (t) => {
    const app = await launch(t);
    let disposed = false;
    const dispose = app.desktop.core.dispose.bind(app.desktop.core);
    app.desktop.core.dispose = async () => {
      disposed = true;
      await dispose();
    };
    app.tray().choose("Quit PocketForge");
    assert.equal(await app.fake.exited, 0);
    assert.equal(disposed, true);
    assert.equal(app.tray().destroyed, true);
    app.window().close();
    assert.equal(app.window().isDestroyed(), true);
  });

  test("the tray's pause and resume go to the engine, and its icon and menu follow the state", async (t) => {
    const app = await launch(t);
    const tray = app.tray();
    assert.match(tray.image.path, /tray-serving\.png$/);
    assert.deepEqual(tray.labels(), ["Serving", "Open PocketForge", "Pause serving", "Quit PocketForge"]);

    tray.choose("Pause serving");
    assert.deepEqual(app.serving.calls, ["pause(drain)"]);
    assert.equal(app.desktop.core.availability.status().pausedByUser, true);
    assert.match(tray.image.path, /tray-idle\.png$/);
    assert.deepEqual(tray.labels(), ["Paused — paused by you", "Open PocketForge", "Resume serving", "Quit PocketForge"]);
    assert.match(tray.tooltip, /paused by you/);

    tray.choose("Resume serving");
    assert.deepEqual(app.serving.calls, ["pause(drain)", "resume"]);
    assert.match(tray.image.path, /tray-serving\.png$/);

    app.window().hide();
    app.desktop.core.alerts.raise({ kind: "low_operator_balance", title: "Low balance", message: "Top up", route: "wallet" });
    assert.match(tray.image.path, /tray-warning\.png$/, "an alert the user has not seen");
    app.window().focus();
    assert.match(tray.image.path, /tray-serving\.png$/);
    await app.quit();
  });

  test("idle mode pauses when the user comes back and resumes when they are away or the screen locks", async (t) => {
    const app = await launch(t);
    app.fake.powerMonitor.idleSeconds = 0;
    app.clock.advance(5_000);
    assert.deepEqual(app.serving.calls, [], "mode 'always': presence is not even sampled");

    await app.call("settings.update", { availability: { mode: "idle", idleAfterSeconds: 120 } });
    app.serving.startRelay();
    app.clock.advance(5_000);
    assert.deepEqual(app.serving.calls, ["pause(drain)"]);
    assert.equal(app.serving.state(), "draining", "the relay in flight is answered first");
    app.serving.finishRelay();
    assert.equal(app.serving.state(), "paused");

    app.fake.powerMonitor.idleSeconds = 60;
    app.clock.advance(5_000);
    assert.equal(app.serving.state(), "paused", "away for a minute only");
    app.fake.powerMonitor.idleSeconds = 125;
    app.clock.advance(5_000);
    assert.equal(app.serving.state(), "serving");

    app.fake.powerMonitor.idleSeconds = 1;
    app.clock.advance(5_000);
    assert.equal(app.serving.state(), "paused");
    app.fake.powerMonitor.locked = true;
    app.fake.powerMonitor.emit("lock-screen");
    assert.equal(app.serving.state(), "serving", "locking the screen resumes at once");
    assert.deepEqual(app.serving.calls, ["pause(drain)", "resume", "pause(drain)", "resume"]);
    await app.quit();
  });

  test("alerts become OS notifications that open their page; other events and disabled notifications do not", async (t) => {
    const app = await launch(t);
    const { core } = app.desktop;
    for (const kind of AlertKind.options) {
      core.alerts.raise({ kind, key: `${kind}:1`, title: `title ${kind}`, message: "m", route: kind === "low_operator_balance" ? "wallet" : "dashboard" });
    }
    core.events.emit("log.entry", { time: 0, level: "error", scope: "x", message: "not for the user" });
    core.events.emit("miner.session", { sessionId: "s9", serviceId: "llm", stage: "claimed", reason: null });
    assert.deepEqual(app.fake.notifications.map((n) => n.options.title), AlertKind.options.map((kind) => `title ${kind}`));
    // The relay miner's own events reach the user through the engine's alerts.
    core.events.emit("miner.session", { sessionId: "s9", serviceId: "llm", stage: "open", reason: "insufficient_balance: 0 upokt left" });
    assert.equal(app.fake.notifications.at(-1)!.options.title, "Operator balance too low to claim");
    app.fake.notifications.pop();
    assert.ok(app.fake.notifications.every((n) => n.shown));

    app.window().hide();
    app.fake.notifications.find((n) => n.options.title === "title low_operator_balance")!.emit("click");
    assert.equal(app.window().isVisible(), true);
    assert.equal(app.window().loaded.at(-1)!.hash, "/wallet");

    await app.call("settings.update", { desktop: { startOnLogin: true, closeToTray: true, notifications: false } });
    core.alerts.raise({ kind: "proof_failed", key: "proof_failed:2", title: "muted", message: "m", route: "dashboard" });
    assert.equal(app.fake.notifications.length, AlertKind.options.length);
    await app.quit();
  });

  test("an update downloaded while relays are in flight installs only after the session ends and they are answered", async (t) => {
    const updater = new FakeUpdater();
    const serving = new FakeServing();
    const app = await launch(t, { updater, serving });
    assert.deepEqual(
      { autoDownload: updater.autoDownload, channel: updater.channel, prerelease: updater.allowPrerelease, downgrade: updater.allowDowngrade },
      { autoDownload: true, channel: "latest", prerelease: false, downgrade: false },
    );
    app.clock.advance(0);
    assert.equal(updater.checks, 1);

    serving.setBoundary(app.clock.now() + 60_000);
    serving.startRelay();
    updater.emit("update-downloaded", { version: "1.3.0" });
    await flush();
    assert.equal(app.fake.notifications.at(-1)!.options.title, "PocketForge 1.3.0 is ready");
    app.clock.advance(59_999);
    await flush();
    assert.deepEqual(updater.installs, [], "mid-session");
    assert.deepEqual(serving.calls, []);

    app.clock.advance(1);
    await flush();
    assert.deepEqual(serving.calls, ["pause(drain)"], "session over: no new relays");
    assert.deepEqual(updater.installs, [], "one relay still in flight");
    serving.finishRelay();
    await flush();
    assert.deepEqual(updater.installs, [[true, true]]);
    app.window().close();
    assert.equal(app.window().isDestroyed(), true, "the installer may close the window");
    await app.quit();
  });

  test("the release channel follows the settings, and a change looks for an update at once", async (t) => {
    const updater = new FakeUpdater();
    const app = await launch(t, { updater });
    app.clock.advance(0);
    await app.call("settings.update", { updates: { channel: "beta", automatic: true } });
    app.clock.advance(0);
    assert.deepEqual({ channel: updater.channel, prerelease: updater.allowPrerelease, downgrade: updater.allowDowngrade }, { channel: "beta", prerelease: true, downgrade: false });
    assert.equal(updater.checks, 2);
    await app.call("settings.update", { updates: { channel: "stable", automatic: false } });
    app.clock.advance(4 * 3_600_000);
    assert.equal(updater.checks, 2, "automatic updates off: no checks");
    assert.equal(updater.channel, "latest");
    await app.quit();
  });

  test("start on login: XDG autostart entry on Linux, a login item on Windows, nothing for a development run", async (t) => {
    const linux = await launch(t, { fake: createFakeElectron({ packaged: true }) });
    const file = join(linux.fake.userData, "autostart", "pocketforge.desktop");
    const entry = readFileSync(file, "utf8");
    assert.match(entry, /^Exec=.* --hidden$/m);
    assert.match(entry, /^X-GNOME-Autostart-enabled=true$/m);
    assert.ok(linux.fake.calls.includes("setAsDefaultProtocolClient:pocketforge"));
    await linux.call("settings.update", { desktop: { startOnLogin: false, closeToTray: true, notifications: true } });
    assert.equal(existsSync(file), false);
    await linux.quit();

    const windows = await launch(t, { fake: createFakeElectron({ packaged: true }), platform: "win32" });
    assert.deepEqual(windows.fake.loginItemSettings, [{ openAtLogin: true, args: ["--hidden"] }]);
    await windows.quit();

    const dev = await launch(t);
    assert.deepEqual(dev.fake.loginItemSettings, []);
    assert.equal(existsSync(join(dev.fake.userData, "autostart", "pocketforge.desktop")), false);
    await dev.quit();
  });

  test("on Windows the app takes the installer's AppUserModelID before anything else, so its notifications show", async (t) => {
    const windows = await launch(t, { platform: "win32" });
    assert.deepEqual(windows.fake.calls.slice(0, 5), [
      "setPath:userData",
      "setPath:sessionData",
      `setAppUserModelId:${APP_USER_MODEL_ID}`,
      "disableHardwareAcceleration",
      "whenReady",
    ]);
    const appId = /^appId:\s*(\S+)\s*$/m.exec(readFileSync(join(repoRoot, "electron-builder.yml"), "utf8"))?.[1];
    assert.equal(APP_USER_MODEL_ID, appId, "the id the NSIS shortcut carries");
    await windows.quit();

    const linux = await launch(t);
    assert.equal(linux.fake.calls.filter((call) => call.startsWith("setAppUserModelId")).length, 0, "a Windows-only call");
    await linux.quit();
  });

  test("on macOS a click on the Dock icon shows the window again after it was closed to the tray", async (t) => {
    const mac = await launch(t, { platform: "darwin" });
    const window = mac.window();
    window.close();
    assert.equal(window.isVisible(), false, "hidden to the tray");
    mac.fake.activate();
    assert.equal(mac.fake.windows.length, 1, "the same window, not a new one");
    assert.equal(window.isVisible(), true);
    assert.equal(window.isFocused(), true);
    await mac.quit();

    // Started at login, hidden: the first Dock click opens the window.
    const atLogin = await launch(t, { platform: "darwin", argv: ["pocketforge", "--hidden"] });
    assert.equal(atLogin.fake.windows.length, 0);
    atLogin.fake.activate();
    assert.equal(atLogin.fake.windows.length, 1);
    assert.equal(atLogin.window().isVisible(), true);
    await atLogin.quit();
  });

  test("the system is kept awake while serving and released when serving pauses", async (t) => {
    const app = await launch(t);
    assert.ok(app.fake.calls.includes("powerSaveBlocker.start:prevent-app-suspension"));
    assert.equal(app.fake.blockers.size, 1);
    app.tray().choose("Pause serving");
    assert.equal(app.fake.blockers.size, 0);
    app.tray().choose("Resume serving");
    assert.equal(app.fake.blockers.size, 1);
    await app.quit();
    assert.equal(app.fake.blockers.size, 0);
  });
});
