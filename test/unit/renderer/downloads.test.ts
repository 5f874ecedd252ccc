import { test } from "node:test";
import assert from "node:assert/strict";
import type { DownloadProgress } from "../../../shared/api/index.js";
import { downloadView } from "../../../renderer/src/view-models/downloads.js";

const MIB = 1024 ** 2;

function progress(patch: Partial<DownloadProgress>): DownloadProgress {
  return {
    modelId: "m",
    state: "downloading",
    source: "ipfs",
    via: "http://127.0.0.1:8080",
    bytesDone: 0,
    bytesTotal: null,
    bytesPerSecond: 0,
    etaSeconds: null,
    blocksRejected: 0,
    suppliers: [],
    error: null,
    startedAt: 0,
    updatedAt: 0,
    ...patch,
  };
}

test("a running download shows amount, speed and time left with units", () => {
  const view = downloadView(progress({ bytesDone: 256 * MIB, bytesTotal: 1024 * MIB, bytesPerSecond: 16 * MIB, etaSeconds: 48 }));
  assert.equal(view.fraction, 0.25);
  assert.equal(view.amount, "256.0 MiB of 1.00 GiB");
  assert.equal(view.speed, "16.0 MiB/s · 48.0 s left");
  assert.match(view.stateLabel, /Downloading from http:\/\/127\.0\.0\.1:8080/);
  assert.equal(view.canPause, true);
  assert.equal(view.canResume, false);
});

test("an unknown size gives an indeterminate bar and says the time left is unknown", () => {
  const view = downloadView(progress({ bytesDone: 3 * MIB, bytesPerSecond: MIB }));
  assert.equal(view.fraction, null);
  assert.equal(view.amount, "3.00 MiB");
  assert.match(view.speed, /time left unknown/);
});

test("paused and failed downloads can be resumed; a failure says why and what to do", () => {
  const paused = downloadView(progress({ state: "paused", bytesDone: MIB, bytesTotal: 4 * MIB }));
  assert.equal(paused.canResume, true);
  assert.equal(paused.canPause, false);
  assert.equal(paused.tone, "warn");
  const failed = downloadView(progress({ state: "failed", error: { reason: "gateways", message: "No gateway had block bafy…." } }));
  assert.equal(failed.tone, "error");
  assert.equal(failed.canResume, true);
  assert.match(failed.problem ?? "", /^No gateway had block bafy…\. Press Retry/);
});

test("a completed download is full and offers nothing to pause, resume or cancel", () => {
  const view = downloadView(progress({ state: "completed", bytesDone: 10, bytesTotal: 10 }));
  assert.equal(view.fraction, 1);
  assert.deepEqual([view.canPause, view.canResume, view.canCancel], [false, false, false]);
  assert.equal(view.problem, null);
});
