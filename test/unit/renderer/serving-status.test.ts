import { test } from "node:test";
import assert from "node:assert/strict";
import type { AvailabilityStatus, MinerStatus, WalletSnapshot } from "../../../shared/api/index.js";
import { servingStatus } from "../../../renderer/src/view-models/serving-status.js";

function miner(state: MinerStatus["state"], message: string | null = null): MinerStatus {
  return { state, message, listenUrl: null, metricsUrl: null, operatorAddress: null, services: [{ serviceId: "qwen", backend: "inference" }], height: 10, startedAt: 1, sessions: [], pendingClaims: 0 };
}
function availability(patch: Partial<AvailabilityStatus>): AvailabilityStatus {
  return { mode: "always", wanted: true, reason: "always", pausedByUser: false, pauseAt: null, serving: "serving", relaysInFlight: 0, ...patch };
}
const unlocked = { state: "unlocked" } as WalletSnapshot;
const locked = { state: "locked" } as WalletSnapshot;

test("a running miner serves, naming its services", () => {
  const view = servingStatus(miner("running"), availability({}), unlocked);
  assert.deepEqual([view.kind, view.label, view.tone], ["serving", "Serving", "ok"]);
  assert.match(view.reason, /qwen/);
});

test("an error says why and what to do", () => {
  const view = servingStatus(miner("error", "the chain node does not answer"), availability({}), unlocked);
  assert.equal(view.kind, "error");
  assert.equal(view.reason, "the chain node does not answer");
  assert.match(view.next ?? "", /Logs page/);
});

test("a locked wallet while serving is an error the person can fix", () => {
  const view = servingStatus(miner("running"), availability({}), locked);
  assert.equal(view.kind, "error");
  assert.match(view.next ?? "", /Unlock the wallet/);
});

test("pauses carry the policy's reason, and a drain counts relays in flight", () => {
  const byUser = servingStatus(miner("running"), availability({ pausedByUser: true, serving: "paused", reason: "paused_by_user" }), unlocked);
  assert.deepEqual([byUser.kind, byUser.reason], ["paused", "You paused serving."]);
  assert.match(byUser.next ?? "", /Resume/);
  const idle = servingStatus(miner("running"), availability({ mode: "idle", wanted: false, serving: "draining", reason: "user_active", relaysInFlight: 3 }), unlocked);
  assert.equal(idle.label, "Pausing");
  assert.match(idle.reason, /while you use the computer.*3 relay/);
});

test("a stopped miner or an unknown state says so", () => {
  assert.equal(servingStatus(miner("stopped"), null, unlocked).kind, "stopped");
  assert.equal(servingStatus(null, null, null).kind, "unknown");
});
