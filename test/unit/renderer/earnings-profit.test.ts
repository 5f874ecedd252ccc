import { test } from "node:test";
import assert from "node:assert/strict";
import type { EarningsSummary, SessionEarnings, TelemetrySample } from "../../../shared/api/index.js";
import { dailySeries, earningRate, earningsWindow, formatFiat, formatPoktShort, sessionReason, stageView } from "../../../renderer/src/view-models/earnings.js";
import { averageGpuPower, perGpuProfit, profitView } from "../../../renderer/src/view-models/profit.js";

const NOW = Date.UTC(2025, 5, 10, 12, 0, 0);
const DAY = 86_400_000;

function summary(days: Array<[string, string, string]>): EarningsSummary {
  return {
    settledUpokt: "0",
    pendingUpokt: "0",
    lostUpokt: "0",
    penaltiesUpokt: "0",
    settledSessions: 0,
    pendingSessions: 0,
    lost: [],
    days: days.map(([day, settledUpokt, pendingUpokt]) => ({ day, settledUpokt, pendingUpokt, lostUpokt: "0", relays: 1 })),
  };
}

const s = summary([
  ["2025-06-10", "1500000", "250000"],
  ["2025-06-09", "1000000", "0"],
  ["2025-06-04", "7000000", "0"],
  ["2025-06-03", "9000000", "0"],
  ["2025-05-01", "100000000", "0"],
]);

test("today, 7-day and 30-day windows use UTC days and keep settled and pending apart", () => {
  assert.deepEqual(earningsWindow(s, 1, NOW), { days: 1, settledUpokt: 1_500_000n, pendingUpokt: 250_000n });
  assert.deepEqual(earningsWindow(s, 7, NOW), { days: 7, settledUpokt: 9_500_000n, pendingUpokt: 250_000n });
  assert.equal(earningsWindow(s, 30, NOW).settledUpokt, 18_500_000n);
});

test("the chart series has every day of the window, zero-filled, oldest first", () => {
  const series = dailySeries(s, 7, NOW);
  assert.equal(series.times.length, 7);
  assert.equal(series.times[6], Date.UTC(2025, 5, 10) / 1000);
  assert.equal(series.times[0], Date.UTC(2025, 5, 4) / 1000);
  assert.deepEqual(series.settled, [7, 0, 0, 0, 0, 1, 1.5]);
  assert.deepEqual(series.pending, [0, 0, 0, 0, 0, 0, 0.25]);
});

test("the earning pace covers only the time actually served, and needs an hour of it", () => {
  const sessions = (firstRelayAt: number) => [{ createdAt: firstRelayAt } as SessionEarnings, { createdAt: NOW } as SessionEarnings];
  const weekOnly = summary([["2025-06-10", "2000000", "0"]]);
  assert.equal(earningRate(weekOnly, sessions(NOW - 30 * 60_000), NOW), null);
  assert.equal(earningRate(weekOnly, sessions(NOW - DAY / 2), NOW)?.poktPerDay, 4);
  const rate = earningRate(weekOnly, sessions(NOW - 30 * DAY), NOW)!;
  assert.equal(rate.coveredMs, 7 * DAY);
  assert.ok(Math.abs(rate.poktPerDay - 2 / 7) < 1e-12);
  assert.equal(earningRate(weekOnly, [], NOW), null);
});

test("money and POKT read with their units", () => {
  assert.equal(formatFiat(12.345, "EUR"), "12.35 EUR");
  assert.equal(formatFiat(0.0421, "USD"), "0.042 USD");
  assert.equal(formatFiat(0.000123, "USD"), "0.00012 USD");
  assert.equal(formatFiat(null, "USD"), "—");
  assert.equal(formatPoktShort("1500250000"), "1,500.25 POKT");
  assert.equal(formatPoktShort("42"), "42 upokt");
  assert.equal(formatPoktShort("5000"), "0.005 POKT");
  assert.equal(formatPoktShort("0"), "0 POKT");
});

test("session stages read as the lifecycle, and reasons become sentences", () => {
  assert.equal(stageView("open").label, "pending");
  assert.equal(stageView("slashed").label, "penalised");
  assert.equal(stageView("settled").tone, "ok");
  assert.equal(sessionReason({ stage: "skipped", reason: "insufficient_balance: the operator has 3 upokt, the claim fee is 10" }), "Insufficient balance: the operator has 3 upokt, the claim fee is 10");
  assert.equal(sessionReason({ stage: "expired", reason: "proof_missing" }), "Proof missing.");
  assert.match(sessionReason({ stage: "settled", reason: null }), /Paid/);
});

function sample(gpus: Array<[number, number | null]>): TelemetrySample {
  return { time: 0, cpuLoadPercent: 0, memoryUsedBytes: 0, memoryTotalBytes: 1, gpus: gpus.map(([index, powerWatts]) => ({ index, powerWatts, temperatureC: 60, utilizationPercent: 50, vramUsedBytes: 1, vramTotalBytes: 2 })) };
}

test("GPU power is averaged per GPU over the samples, ignoring GPUs that report none", () => {
  const power = averageGpuPower([sample([[0, 200], [1, null]]), sample([[0, 300], [1, null]])]);
  assert.deepEqual([...power], [[0, 250]]);
});

test("profit: electricity from watts × 24 h × tariff, and the break-even tariff where earnings pay for it", () => {
  const view = profitView({ watts: 250, tariffPerKwh: 0.3, poktPerDay: 100, pricePerPokt: 0.03 });
  assert.equal(view.kwhPerDay, 6);
  assert.ok(Math.abs(view.costPerDay! - 1.8) < 1e-9);
  assert.ok(Math.abs(view.earningsPerDay! - 3) < 1e-9);
  assert.ok(Math.abs(view.netPerDay! - 1.2) < 1e-9);
  assert.ok(Math.abs(view.breakEvenTariff! - 0.5) < 1e-9);
  const unknown = profitView({ watts: null, tariffPerKwh: 0.3, poktPerDay: 100, pricePerPokt: null });
  assert.deepEqual([unknown.costPerDay, unknown.earningsPerDay, unknown.netPerDay, unknown.breakEvenTariff], [null, null, null, null]);
});

test("per-GPU verdicts split earnings by each worker's tokens, and make no split up without them", () => {
  const power = new Map([[0, 300], [1, 100]]);
  const split = perGpuProfit({ power, tokensByGpu: new Map([[0, 750], [1, 250]]), tariffPerKwh: 0.5, poktPerDay: 200, pricePerPokt: 0.02 });
  assert.deepEqual(split.map((g) => g.share), [0.75, 0.25]);
  assert.ok(Math.abs(split[0].profit.netPerDay! - (3 - 3.6)) < 1e-9); // earns 3, costs 7.2 kWh × 0.5
  assert.ok(Math.abs(split[1].profit.netPerDay! - (1 - 1.2)) < 1e-9);
  const unsplit = perGpuProfit({ power, tokensByGpu: null, tariffPerKwh: 0.5, poktPerDay: 200, pricePerPokt: 0.02 });
  assert.deepEqual(unsplit.map((g) => [g.share, g.profit.earningsPerDay, g.profit.costPerDay]), [[null, null, 3.6], [null, null, 1.2]]);
  const lone = perGpuProfit({ power: new Map([[0, 300]]), tokensByGpu: null, tariffPerKwh: 0.5, poktPerDay: 200, pricePerPokt: 0.02 });
  assert.equal(lone[0].share, 1);
});
