import assert from "node:assert/strict";
import { test } from "node:test";
import { parseEvent, type Alert, type TelemetrySample } from "../../../shared/api/index.js";
import { AlertCenter } from "../../../electron/core/runtime/alerts.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { reportGpuHeat } from "../../../electron/core/hardware/heat-alerts.js";
import { GpuHeatMonitor } from "../../../electron/core/hardware/heat-monitor.js";
import { alertForMinerSession } from "../../../electron/core/relayminer/session-alerts.js";
import { FakeClock } from "../../fixtures/fake-clock.js";

function temps(...values: Array<number | null>): TelemetrySample {
  return {
    time: 0,
    cpuLoadPercent: 0,
    memoryUsedBytes: 0,
    memoryTotalBytes: 1,
    gpus: values.map((temperatureC, index) => ({ index, temperatureC, utilizationPercent: 90, powerWatts: 200, vramUsedBytes: null, vramTotalBytes: null })),
  };
}

test("one problem is one alert until it is resolved or the repeat period passes", () => {
  const clock = new FakeClock(1_000);
  const emitted: Alert[] = [];
  const alerts = new AlertCenter({ emit: (a) => emitted.push(a), logger: silentLogger, clock, repeatAfterMs: 60_000 });
  const proofFailed = { kind: "proof_failed" as const, key: "proof:s1", title: "Proof failed", message: "Session s1", route: "dashboard" as const };
  assert.ok(alerts.raise(proofFailed));
  assert.equal(alerts.raise(proofFailed), null, "repeat suppressed");
  assert.ok(alerts.raise({ ...proofFailed, key: "proof:s2" }), "another session is another problem");
  clock.advance(60_000);
  assert.ok(alerts.raise(proofFailed), "raised again after the repeat period");
  alerts.resolve("proof:s2");
  assert.ok(alerts.raise({ ...proofFailed, key: "proof:s2" }), "raised again after being resolved");
  assert.deepEqual(emitted.map((a) => [a.key, a.time]), [["proof:s1", 1_000], ["proof:s2", 1_000], ["proof:s1", 61_000], ["proof:s2", 61_000]]);
  for (const alert of emitted) parseEvent("alerts.raised", alert);
  assert.equal(alerts.recent().length, 4);
});

test("a GPU over the limit raises one alert, none while it stays hot, and a new one after it cooled", () => {
  const emitted: Alert[] = [];
  const alerts = new AlertCenter({ emit: (a) => emitted.push(a), logger: silentLogger, clock: new FakeClock(0) });
  const monitor = new GpuHeatMonitor();
  const limits = { maxC: 85, resumeC: 75 };
  reportGpuHeat(monitor, alerts, temps(70, 86), limits);
  reportGpuHeat(monitor, alerts, temps(70, 90), limits);
  reportGpuHeat(monitor, alerts, temps(70, null), limits); // sensor dropout: still hot
  reportGpuHeat(monitor, alerts, temps(70, 80), limits);
  assert.deepEqual([...monitor.hot()], [1]);
  assert.equal(emitted.length, 1);
  assert.deepEqual({ kind: emitted[0]!.kind, key: emitted[0]!.key, route: emitted[0]!.route }, { kind: "gpu_over_temperature", key: "gpu_over_temperature:1", route: "dashboard" });
  assert.match(emitted[0]!.title, /GPU 1 is at 86 °C/);
  assert.match(emitted[0]!.message, /75 °C/);
  reportGpuHeat(monitor, alerts, temps(70, 75), limits);
  assert.deepEqual([...monitor.hot()], []);
  reportGpuHeat(monitor, alerts, temps(85, 88), limits);
  assert.deepEqual(emitted.map((a) => a.key), ["gpu_over_temperature:1", "gpu_over_temperature:0", "gpu_over_temperature:1"]);
});

test("relay miner session changes that cost money become alerts; routine ones do not", () => {
  const session = (stage: string, reason: string | null, sessionId = "s1") => ({ sessionId, serviceId: "llm", stage: stage as never, reason });
  const noMoney = alertForMinerSession(session("open", "insufficient_balance: the operator has 5 upokt left for this claim but claim and proof fees need up to 20 upokt"));
  assert.deepEqual({ kind: noMoney?.kind, key: noMoney?.key, route: noMoney?.route }, { kind: "low_operator_balance", key: "low_operator_balance", route: "wallet" });
  assert.match(noMoney!.message, /the operator has 5 upokt left/);
  assert.doesNotMatch(noMoney!.message, /insufficient_balance:/);

  const fees = alertForMinerSession(session("skipped", "unprofitable: the claim would earn about 3 upokt but claiming and proving it costs up to 9 upokt"));
  assert.deepEqual({ kind: fees?.kind, key: fees?.key }, { kind: "claim_skipped_fees", key: "claim_skipped_fees" });

  for (const [stage, reason] of [["slashed", "proof_missing: penalty"], ["expired", "proof_missing: the required proof was not accepted in time"], ["proven", "the proof window closed before a proof was accepted: timeout"]] as const) {
    const alert = alertForMinerSession(session(stage, reason, `s-${stage}`));
    assert.equal(alert?.kind, "proof_failed", stage);
    assert.equal(alert?.key, `proof_failed:s-${stage}`);
  }
  for (const [stage, reason] of [["open", null], ["claimed", null], ["proven", null], ["settled", null], ["empty", null], ["expired", "discarded: claim superseded"]] as const) {
    assert.equal(alertForMinerSession(session(stage, reason)), null, `${stage} ${reason}`);
  }
});
