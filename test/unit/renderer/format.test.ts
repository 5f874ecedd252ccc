import { test } from "node:test";
import assert from "node:assert/strict";
import { formatAgo, formatCount, formatEta, formatLongDuration, formatTimeLeft, formatParameters, formatRate, formatTokensPerSecond, shortAddress } from "../../../renderer/src/view-models/format.js";

test("rates, times and speeds carry units; unknown values read as a dash", () => {
  assert.equal(formatRate(1536), "1.50 KiB/s");
  assert.equal(formatRate(null), "—");
  assert.equal(formatEta(125), "2 min 5 s");
  assert.equal(formatEta(-1), "—");
  assert.equal(formatTokensPerSecond(42.345), "42.3 tokens/s");
  assert.equal(formatTokensPerSecond(1234.4), "1,234 tokens/s");
  assert.equal(formatTokensPerSecond(undefined), "—");
});

test("parameter counts read as people say them", () => {
  assert.deepEqual([292_800, 8.03e9, 70.6e9, 1.54e9, 494e6].map(formatParameters), ["293K", "8B", "71B", "1.5B", "494M"]);
});

test("relative times and short addresses", () => {
  assert.equal(formatAgo(0, 12_000), "12 s ago");
  assert.equal(formatAgo(0, 5 * 60_000), "5 min ago");
  assert.equal(formatAgo(0, 3 * 3_600_000), "3 h ago");
  assert.equal(formatAgo(Date.UTC(2025, 0, 2), Date.UTC(2025, 0, 9)), "2025-01-02");
  assert.equal(shortAddress("pokt1abcdefghijklmnopqrstuvwxyz0123456789"), "pokt1abcde…456789");
  assert.equal(shortAddress("pokt1short"), "pokt1short");
});

test("long durations switch to days, and big counts to compact notation", () => {
  assert.equal(formatLongDuration(90 * 60_000), "1 h 30 min");
  assert.equal(formatLongDuration(5 * 86_400_000), "5 days");
  assert.equal(formatLongDuration(400 * 86_400_000), "over a year");
  // A fee runway's hint: no "about over a year".
  assert.equal(formatTimeLeft(5 * 86_400_000), "about 5 days");
  assert.equal(formatTimeLeft(998e6 * 20 * 60_000), "more than a year");
  assert.equal(formatCount(9_999), "9,999");
  assert.equal(formatCount(332_666), "332.7K");
  assert.equal(formatCount(Number.POSITIVE_INFINITY), "∞");
});
