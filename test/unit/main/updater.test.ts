import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ApiError, AppSettings, IPC_EVENT_CHANNEL, UpdateStatus } from "../../../shared/api/index.js";
import { describeUpdateError } from "../../../electron/main/updater.js";
import { createFakeElectron } from "../../fixtures/desktop/fake-electron.js";
import { FakeServing } from "../../fixtures/desktop/fake-serving.js";
import { FakeUpdater, flush, launch } from "../../fixtures/desktop/launch-desktop.js";

/** The status the Settings page would show, checked against the API contract on the way. */
async function status(app: Awaited<ReturnType<typeof launch>>) {
  return UpdateStatus.parse(await app.call("updates.status", {}));
}

/** The updates.status events the window received over IPC, in order. */
function pushed(app: Awaited<ReturnType<typeof launch>>) {
  return app.window().webContents.sent.filter((m) => m.channel === IPC_EVENT_CHANNEL && m.args[0] === "updates.status").map((m) => UpdateStatus.parse(m.args[1]));
}

/** A data folder whose config.json says `updates`. */
function dataDirWith(updates: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), "pf-updater-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify({ version: 1, updates }));
  return dir;
}

describe("the desktop updater's state, over the API", { timeout: 60_000 }, () => {
  test("idle → checking → available → downloading N % → downloaded, pushed to the window and installed between sessions", async (t) => {
    const updater = new FakeUpdater();
    updater.holdChecks();
    const serving = new FakeServing();
    const app = await launch(t, { updater, serving });
    assert.deepEqual(await status(app), {
      state: "idle",
      currentVersion: "1.2.3",
      channel: "stable",
      automatic: true,
      feedUrl: null,
      lastCheckedAt: null,
      waitingToInstall: null,
    });
    assert.deepEqual(updater.feeds, [], "no override: the installer's app-update.yml feed");

    app.clock.advance(0);
    assert.equal((await status(app)).state, "checking");
    app.clock.advance(5_000);
    const download = updater.answerAvailable("1.3.0");
    await flush();
    assert.deepEqual(await status(app), {
      state: "available",
      version: "1.3.0",
      currentVersion: "1.2.3",
      channel: "stable",
      automatic: true,
      feedUrl: null,
      lastCheckedAt: app.clock.now(),
      waitingToInstall: null,
    });
    download.progress(12.4);
    download.progress(12.9);
    download.progress(57.5);
    const downloading = await status(app);
    assert.equal(downloading.state, "downloading");
    assert.equal(downloading.state === "downloading" && downloading.percent, 57);

    // Installs only between sessions: one relay in flight in a session that ends in a minute.
    serving.setBoundary(app.clock.now() + 60_000);
    serving.startRelay();
    download.finish();
    await flush();
    const downloaded = await status(app);
    assert.equal(downloaded.state, "downloaded");
    assert.equal(downloaded.state === "downloaded" && downloaded.version, "1.3.0");
    assert.equal(downloaded.state === "downloaded" && downloaded.waitingToInstall, "1.3.0");
    assert.deepEqual(updater.installs, []);
    app.clock.advance(60_000);
    await flush();
    serving.finishRelay();
    await flush();
    assert.deepEqual(updater.installs, [[true, true]]);

    const states = pushed(app).map((s) => (s.state === "downloading" ? `downloading ${s.percent}` : s.state));
    assert.deepEqual(states, ["checking", "available", "downloading 12", "downloading 57", "downloaded"], "each step once, whole percents only");
    await app.quit();
  });

  test("a feed with nothing newer says up to date and when it last answered; Check now looks again at once", async (t) => {
    const updater = new FakeUpdater();
    const app = await launch(t, { updater });
    app.clock.advance(0);
    await flush();
    const first = await status(app);
    assert.equal(first.state, "up_to_date");
    assert.equal(first.state === "up_to_date" && first.lastCheckedAt, app.clock.now());
    assert.equal(updater.checks, 1);

    app.clock.advance(600_000);
    updater.holdChecks();
    const checking = UpdateStatus.parse(await app.call("updates.check", {}));
    assert.equal(checking.state, "checking");
    assert.equal(updater.checks, 2);
    await app.call("updates.check", {});
    assert.equal(updater.checks, 2, "a check under way is not started twice");
    updater.answerUpToDate();
    await flush();
    const second = await status(app);
    assert.equal(second.state === "up_to_date" && second.lastCheckedAt, app.clock.now());
    await app.quit();
  });

  test("Check now works with automatic checks off (which otherwise never look)", async (t) => {
    const updater = new FakeUpdater();
    const app = await launch(t, { updater, fake: createFakeElectron({ userData: dataDirWith({ channel: "stable", automatic: false }) }) });
    app.clock.advance(8 * 3_600_000);
    assert.equal(updater.checks, 0);
    const before = await status(app);
    assert.ok(before.state === "idle");
    assert.equal(before.automatic, false);
    await app.call("updates.check", {});
    await flush();
    assert.equal(updater.checks, 1);
    assert.equal((await status(app)).state, "up_to_date");
    await app.quit();
  });

  test("a failed check is logged once and shown with what to do; the next check clears it", async (t) => {
    const updater = new FakeUpdater();
    updater.holdChecks();
    const app = await launch(t, { updater });
    app.clock.advance(0);
    const offline = Object.assign(new Error("net::ERR_INTERNET_DISCONNECTED"), { code: "ERR_INTERNET_DISCONNECTED" });
    updater.failCheck(offline);
    await flush();
    const failed = await status(app);
    assert.equal(failed.state, "error");
    if (failed.state !== "error") return;
    assert.match(failed.message, /Could not reach the update feed built into this installer: net::ERR_INTERNET_DISCONNECTED/);
    assert.match(failed.nextStep, /internet connection/);
    assert.match(failed.nextStep, /tries again in 4 hours, or press Check now/);
    assert.equal(failed.at, app.clock.now());
    assert.equal(failed.lastCheckedAt, null, "the feed never answered");
    const logged = app.desktop.core.logs.tail(500, "warn").filter((e) => e.scope === "update" && e.message === "update check failed");
    assert.equal(logged.length, 1, "the error event and the rejected check are one failure");
    assert.match(JSON.stringify(logged[0]!.fields), /ERR_INTERNET_DISCONNECTED/);

    app.clock.advance(4 * 3_600_000);
    assert.equal(updater.checks, 2, "checked again 4 hours later");
    updater.answerUpToDate();
    await flush();
    assert.equal((await status(app)).state, "up_to_date");
    await app.quit();
  });

  test("a failed download is shown and logged, and does not surface as an unhandled rejection", async (t) => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    t.after(() => void process.off("unhandledRejection", onUnhandled));
    const updater = new FakeUpdater();
    updater.holdChecks();
    const app = await launch(t, { updater });
    app.clock.advance(0);
    const download = updater.answerAvailable("1.3.0");
    download.progress(40);
    download.fail(Object.assign(new Error("sha512 checksum mismatch, expected abc, got def"), { code: "ERR_CHECKSUM_MISMATCH" }));
    await flush();
    const failed = await status(app);
    assert.equal(failed.state, "error");
    if (failed.state !== "error") return;
    assert.match(failed.message, /failed verification and was discarded; nothing was installed/);
    assert.equal(failed.waitingToInstall, null);
    assert.deepEqual(unhandled, []);
    assert.equal(app.desktop.core.logs.tail(500, "warn").filter((e) => e.scope === "update").length, 1);
    await app.quit();
  });

  test("an installer that cannot start is shown as an error, and the downloaded version still waits", async (t) => {
    const updater = new FakeUpdater();
    updater.holdChecks();
    updater.quitAndInstall = () => {
      throw new Error("EACCES: permission denied, open '/opt/PocketForge/pocketforge'");
    };
    const serving = new FakeServing();
    serving.set("paused");
    const app = await launch(t, { updater, serving });
    app.clock.advance(0);
    updater.answerAvailable("1.3.0").finish();
    await flush();
    const failed = await status(app);
    assert.equal(failed.state, "error");
    if (failed.state !== "error") return;
    assert.match(failed.message, /installer for 1\.3\.0 could not start: EACCES/);
    assert.match(failed.nextStep, /Quit PocketForge from the tray menu/);
    assert.equal(failed.waitingToInstall, "1.3.0");
    await app.quit();
  });

  test("a copy that cannot update itself (electron-updater answers null, with no event) says so instead of staying idle", async (t) => {
    const updater = new FakeUpdater();
    updater.active = false;
    const app = await launch(t, { updater });
    app.clock.advance(0);
    await flush();
    const failed = await status(app);
    assert.ok(failed.state === "error");
    assert.match(failed.message, /cannot update itself/);
    assert.match(failed.nextStep, /AppImage, deb, Windows installer or dmg/);
    app.clock.advance(4 * 3_600_000);
    await flush();
    assert.equal(app.desktop.core.logs.tail(500, "warn").filter((e) => e.scope === "update").length, 1, "said once, not every 4 hours");
    await app.quit();
  });

  test("updates.feedUrl in config.json replaces the installer's feed at start, and the status names it", async (t) => {
    const updater = new FakeUpdater();
    const feedUrl = "https://mirror.example.net/pocketforge/stable";
    const app = await launch(t, { updater, fake: createFakeElectron({ userData: dataDirWith({ channel: "beta", feedUrl }) }) });
    assert.deepEqual(updater.feeds, [{ provider: "generic", url: feedUrl }]);
    app.clock.advance(0);
    assert.equal(updater.channel, "beta", "the channel applies to the overriding feed too");
    assert.equal(updater.checks, 1);
    const current = await status(app);
    assert.ok(current.state !== "unmanaged");
    assert.equal(current.feedUrl, feedUrl);

    // The API neither shows the feed among the settings nor lets them replace it.
    const settings = AppSettings.parse(await app.call("settings.get", {}));
    assert.deepEqual(settings.updates, { channel: "beta", automatic: true });
    await assert.rejects(
      app.call("settings.update", { updates: { channel: "stable", automatic: true, feedUrl: "https://evil.example.org/" } as never }),
      (error: ApiError) => error.code === "invalid_params" && /feedUrl/.test(error.message),
    );
    await app.call("settings.update", { updates: { channel: "stable", automatic: true } });
    assert.equal(app.desktop.core.config.get().updates.feedUrl, feedUrl, "changing the channel keeps the feed");
    assert.equal(app.desktop.core.config.get().updates.channel, "stable");
    await app.quit();
  });

  test("a feed that is not https is refused like any invalid setting: config.json set aside, the installer's feed used", async (t) => {
    const updater = new FakeUpdater();
    const userData = dataDirWith({ feedUrl: "http://mirror.example.net/pocketforge" });
    const app = await launch(t, { updater, fake: createFakeElectron({ userData }) });
    assert.deepEqual(updater.feeds, []);
    assert.equal(app.desktop.core.config.get().updates.feedUrl, null);
    assert.equal(readdirSync(userData).filter((name) => name.startsWith("config.json.invalid-")).length, 1, "kept aside, not overwritten");
    const warned = app.desktop.core.logs.tail(500, "warn").map((e) => JSON.stringify(e)).join("\n");
    assert.match(warned, /feedUrl/);
    await app.quit();
  });

  test("a development run has no updater: the status says so and Check now is refused with the reason", async (t) => {
    const app = await launch(t);
    assert.deepEqual(await status(app), { state: "unmanaged", reason: "development" });
    await assert.rejects(app.call("updates.check", {}), (error: ApiError) => error.code === "unavailable" && /development run/.test(error.message));
    await app.quit();
  });
});

describe("what a failed update says to do", () => {
  const context = { during: "update" as const, feedUrl: null, channel: "stable" as const, automatic: true };

  test("a build without app-update.yml names the missing feed and the way out", () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open '/opt/PocketForge/resources/app-update.yml'"), { code: "ENOENT" });
    const described = describeUpdateError(error, context);
    assert.match(described.message, /no update feed \(resources\/app-update\.yml is missing\)/);
    assert.match(described.nextStep, /updates\.feedUrl in config\.json/);
  });

  test("a feed without this channel's file: the beta channel is told to switch, an override to check its URL", () => {
    const error = Object.assign(new Error('Cannot find channel "beta-linux.yml" update info: HttpError: 404 Not Found\n{"headers": {}}'), {
      code: "ERR_UPDATER_CHANNEL_FILE_NOT_FOUND",
    });
    const beta = describeUpdateError(error, { ...context, channel: "beta" });
    assert.match(beta.message, /No beta release for this system was found at the update feed built into this installer/);
    assert.match(beta.nextStep, /Switch to the Stable channel/);
    const overridden = describeUpdateError(error, { ...context, feedUrl: "https://mirror.example.net/pf" });
    assert.match(overridden.message, /updates\.feedUrl: https:\/\/mirror\.example\.net\/pf/);
    assert.match(overridden.nextStep, /points at the folder holding the release's latest\*\.yml files/);
  });

  test("only the first line of a long error is shown, cut short", () => {
    const error = new Error(`${"x".repeat(500)}\nHeaders: {"set-cookie": "secret"}`);
    const described = describeUpdateError(error, { ...context, automatic: false });
    assert.equal(described.message.length, 240);
    assert.doesNotMatch(described.message, /Headers|secret/);
    assert.match(described.nextStep, /^Press Check now to try again\./);
  });

  test("a server error counts as unreachable; a rejection that is not an Error still reads", () => {
    const error = Object.assign(new Error("502 Bad Gateway"), { statusCode: 502 });
    assert.match(describeUpdateError(error, context).message, /^Could not reach/);
    assert.equal(describeUpdateError("boom", context).message, "boom");
  });
});
