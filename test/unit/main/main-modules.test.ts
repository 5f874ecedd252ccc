import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { AvailabilityStatus, InferenceStatus } from "../../../shared/api/index.js";
import { deepLinkInArgv, routeFromDeepLink } from "../../../electron/main/deep-link.js";
import { trayIconState, trayMenu, trayStatusLine, type TraySnapshot } from "../../../electron/main/tray-model.js";
import { loadWindowState, restorableBounds, saveWindowState } from "../../../electron/main/window-state.js";
import { autostartDesktopFile, autostartPath, disableAutostart, enableAutostart, isAutostartEnabled } from "../../../electron/main/xdg-autostart.js";

describe("deep links", () => {
  test("pocketforge:// names one of the renderer's pages, in either spelling launchers produce", () => {
    assert.equal(routeFromDeepLink("pocketforge://wallet"), "wallet");
    assert.equal(routeFromDeepLink("pocketforge:///staking/"), "staking");
    assert.equal(routeFromDeepLink("POCKETFORGE://Models"), "models");
    assert.equal(routeFromDeepLink("pocketforge://admin"), null, "unknown pages are refused");
    assert.equal(routeFromDeepLink("https://wallet"), null);
    assert.equal(routeFromDeepLink("not a url"), null);
  });

  test("found among command-line arguments (Windows and Linux hand them over that way)", () => {
    assert.equal(deepLinkInArgv(["/opt/PocketForge/pocketforge", "--hidden", "pocketforge://logs"]), "logs");
    assert.equal(deepLinkInArgv(["/opt/PocketForge/pocketforge", "--hidden"]), null);
    assert.equal(deepLinkInArgv(["pocketforge://nope", "pocketforge://setup"]), "setup");
  });
});

describe("window state", () => {
  const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }, { x: 1920, y: 0, width: 1280, height: 1024 }];

  test("saved and loaded from userData; damaged files count as none", () => {
    const dir = mkdtempSync(join(tmpdir(), "pf-window-"));
    assert.equal(loadWindowState(dir), null);
    saveWindowState(dir, { bounds: { x: 10, y: 20, width: 1200, height: 800 }, maximized: true });
    assert.deepEqual(loadWindowState(dir), { bounds: { x: 10, y: 20, width: 1200, height: 800 }, maximized: true });
    assert.equal(statSync(join(dir, "window-state.json")).mode & 0o777, 0o600);
    saveWindowState(dir, { bounds: { x: 0, y: 0, width: 10, height: 10 }, maximized: false } as never);
    assert.equal(loadWindowState(dir), null, "a 10x10 window is not a state worth restoring");
  });

  test("restored where its title bar is still reachable, shrunk to its display; otherwise the default", () => {
    const state = (x: number, y: number, width = 1200, height = 800) => ({ bounds: { x, y, width, height }, maximized: false });
    assert.deepEqual(restorableBounds(state(100, 100), displays), { x: 100, y: 100, width: 1200, height: 800 });
    assert.deepEqual(restorableBounds(state(2000, 50, 1600, 1200), displays), { x: 2000, y: 50, width: 1280, height: 1024 }, "second monitor, clamped");
    assert.equal(restorableBounds(state(3300, 50), displays), null, "the monitor it was on is gone");
    assert.equal(restorableBounds(state(-1150, 100), displays), null, "only 50 px of title bar on screen");
    assert.equal(restorableBounds(state(100, 1070), displays), null, "title bar below the screen");
    assert.equal(restorableBounds(null, displays), null);
  });
});

describe("XDG autostart entry", () => {
  test("written where the spec says, honouring XDG_CONFIG_HOME", () => {
    assert.equal(autostartPath({}, "/home/ann"), "/home/ann/.config/autostart/pocketforge.desktop");
    assert.equal(autostartPath({ XDG_CONFIG_HOME: "/cfg" }, "/home/ann"), "/cfg/autostart/pocketforge.desktop");
    assert.equal(autostartPath({ XDG_CONFIG_HOME: "relative" }, "/home/ann"), "/home/ann/.config/autostart/pocketforge.desktop");
  });

  test("Exec quotes what needs quoting and escapes what the spec requires", () => {
    const text = autostartDesktopFile({
      executable: "/home/ann/Apps/Pocket Forge 100%/PocketForge.AppImage",
      args: ["--hidden"],
      name: "PocketForge",
      comment: "Serve\nLLMs",
      icon: "/opt/icon.png",
    });
    const lines = text.split("\n");
    assert.equal(lines[0], "[Desktop Entry]");
    assert.ok(lines.includes("Type=Application"));
    assert.ok(lines.includes('Exec="/home/ann/Apps/Pocket Forge 100%%/PocketForge.AppImage" --hidden'));
    assert.ok(lines.includes("Comment=Serve\\nLLMs"), "a newline in a value is escaped, not a new line");
    assert.ok(lines.includes("X-GNOME-Autostart-enabled=true"));
    const tricky = autostartDesktopFile({ executable: '/a/b"$`\\c', args: [], name: "P", comment: "c" });
    // Exec quoting escapes ", $, ` and \ with a backslash; string escaping then doubles each backslash.
    assert.ok(tricky.split("\n").includes('Exec="/a/b\\\\"\\\\$\\\\`\\\\\\\\c"'), tricky);
  });

  test("enabled and disabled by writing and removing the file", () => {
    const path = join(mkdtempSync(join(tmpdir(), "pf-xdg-")), "autostart", "pocketforge.desktop");
    assert.equal(isAutostartEnabled(path), false);
    enableAutostart({ executable: "/opt/PocketForge/pocketforge", args: ["--hidden"], name: "PocketForge", comment: "c" }, path);
    assert.equal(isAutostartEnabled(path), true);
    assert.match(readFileSync(path, "utf8"), /^Exec=\/opt\/PocketForge\/pocketforge --hidden$/m);
    disableAutostart(path);
    assert.equal(existsSync(path), false);
    disableAutostart(path); // already gone: fine
  });
});

describe("tray model", () => {
  const availability = (over: Partial<AvailabilityStatus> = {}): AvailabilityStatus => ({
    mode: "idle",
    wanted: true,
    reason: "user_away",
    pausedByUser: false,
    pauseAt: null,
    serving: "serving",
    relaysInFlight: 0,
    ...over,
  });
  const inference = (over: Partial<InferenceStatus> = {}): InferenceStatus => ({
    state: "ready",
    model: null,
    message: null,
    endpoint: null,
    activeRequests: 0,
    queuedRequests: 0,
    workerRestarts: 0,
    ...over,
  });
  const snap = (a: Partial<AvailabilityStatus> = {}, i: Partial<InferenceStatus> = {}, unseenAlerts = 0): TraySnapshot => ({ availability: availability(a), inference: inference(i), unseenAlerts });

  test("icon: error beats warning beats serving beats idle", () => {
    assert.equal(trayIconState(snap()), "serving");
    assert.equal(trayIconState(snap({ serving: "draining" })), "serving");
    assert.equal(trayIconState(snap({ serving: "paused" })), "idle");
    assert.equal(trayIconState(snap({ serving: null })), "idle", "no relay miner: never shown as serving");
    assert.equal(trayIconState(snap({}, { message: "1 of 2 workers out" })), "warning");
    assert.equal(trayIconState(snap({}, { state: "restarting" })), "warning");
    assert.equal(trayIconState(snap({}, {}, 1)), "warning");
    assert.equal(trayIconState(snap({}, { state: "error", message: "bad model" }, 3)), "error");
  });

  test("status line says why the machine is or is not serving", () => {
    assert.equal(trayStatusLine(snap({ relaysInFlight: 3 })), "Serving", "no count that changes with every relay");
    assert.equal(trayStatusLine(snap({ serving: "paused", reason: "gpu_in_use" })), "Paused — another program is using the GPU");
    assert.equal(trayStatusLine(snap({ pauseAt: 123, reason: "user_active" })), "Serving until this session ends (you are using this PC)");
    assert.equal(trayStatusLine(snap({ serving: "draining", relaysInFlight: 2 })), "Pausing after 2 relays in flight");
    assert.equal(trayStatusLine(snap({ serving: null })), "Relay mining is not connected");
    assert.equal(trayStatusLine(snap({}, { state: "error", message: "out of memory" })), "Inference error: out of memory");
  });

  test("menu: pause or resume depending on the user's pause; disabled without a relay miner", () => {
    const labels = (s: TraySnapshot) => trayMenu(s).filter((i) => i.type !== "separator").map((i) => [i.label, i.action ?? null, i.enabled ?? true]);
    assert.deepEqual(labels(snap()), [["Serving", null, false], ["Open PocketForge", "open", true], ["Pause serving", "toggle-serving", true], ["Quit PocketForge", "quit", true]]);
    assert.deepEqual(labels(snap({ pausedByUser: true, serving: "paused", reason: "paused_by_user" }))[2], ["Resume serving", "toggle-serving", true]);
    assert.deepEqual(labels(snap({ serving: null }))[2], ["Pause serving", "toggle-serving", false]);
    assert.deepEqual(labels(snap({ serving: "stopped" }))[2], ["Pause serving", "toggle-serving", false]);
  });
});
