import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ApiError, UpdateStatus } from "../../../shared/api/index.js";
import { createCore } from "../../../electron/core/app/create-core.js";
import { UpdateCenter, type UpdateSource } from "../../../electron/core/app/updates.js";

test("a headless engine says who updates it, and refuses Check now with that reason", async (t) => {
  const core = createCore({
    dataDir: mkdtempSync(join(tmpdir(), "pf-updates-")),
    version: "0.0.0-test",
    probeCompute: async () => ({ backend: "cpu", deviceNames: [], vramTotalBytes: null }),
    overrides: (config) => void (config.openAi.port = 0),
    telemetryIntervalMs: 3_600_000,
  });
  t.after(() => core.dispose());
  // A headless engine opens its WebSocket API once it has started (calls before that are refused as "starting").
  await core.start();
  const context = { transport: "websocket" as const };
  assert.deepEqual(UpdateStatus.parse(await core.router.call("updates.status", {}, context)), { state: "unmanaged", reason: "headless" });
  await assert.rejects(
    core.router.call("updates.check", {}, context),
    (error: ApiError) => error.code === "unavailable" && /runs headless and does not update itself/.test(error.message) && error.details?.reason === "headless",
  );
});

test("an attached updater's status is the API's and every change of it is pushed; unmanaged again when it goes", () => {
  const pushed: UpdateStatus[] = [];
  const center = new UpdateCenter((status) => pushed.push(status));
  const listeners = new Set<(status: UpdateStatus) => void>();
  const base = { currentVersion: "1.2.3", channel: "stable", automatic: true, feedUrl: null, lastCheckedAt: null, waitingToInstall: null } as const;
  let current: UpdateStatus = { state: "idle", ...base };
  let checks = 0;
  const source: UpdateSource = {
    status: () => current,
    checkNow: () => {
      checks++;
      current = { state: "checking", ...base };
      for (const listener of listeners) listener(current);
      return current;
    },
    onStatus: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  center.attach(source);
  assert.equal(center.check().state, "checking");
  assert.equal(checks, 1);
  assert.deepEqual(pushed.map((s) => s.state), ["idle", "checking"]);
  center.markUnmanaged("development");
  assert.equal(listeners.size, 0, "no longer listening to the old updater");
  assert.deepEqual(center.status(), { state: "unmanaged", reason: "development" });
  assert.throws(() => center.check(), (error: ApiError) => error.code === "unavailable" && /development run/.test(error.message));
  assert.deepEqual(pushed.at(-1), { state: "unmanaged", reason: "development" });
});
