import { test } from "node:test";
import assert from "node:assert/strict";
import { clockLabel, clockTicks, liveWindow, tickStep } from "../../../renderer/src/view-models/time-axis.js";

const at = (hh: number, mm: number, ss = 0) => new Date(2026, 11, 5, hh, mm, ss).getTime() / 1000;

test("one point: a window of the minimum span ending at it, ticked in whole clock steps", () => {
  const window = liveWindow(at(5, 20, 13), at(5, 20, 13), 120);
  assert.deepEqual(window, [at(5, 18, 13), at(5, 20, 13)]);
  const ticks = clockTicks(...window);
  assert.ok(ticks.length >= 2 && ticks.length <= 5, String(ticks.length));
  for (const t of ticks) assert.ok(t >= window[0] && t <= window[1], "inside the window");
  const step = tickStep(...window);
  assert.deepEqual(ticks.map((t) => clockLabel(t, step)), ["05:18:30", "05:19:00", "05:19:30", "05:20:00"]);
});

test("points spread over an hour with a gap: the window starts at the first point, labels are minutes", () => {
  const window = liveWindow(at(4, 10), at(5, 12, 40), 120);
  assert.deepEqual(window, [at(4, 10), at(5, 12, 40)]);
  const ticks = clockTicks(...window);
  const step = tickStep(...window);
  assert.equal(step, 900);
  assert.deepEqual(ticks.map((t) => clockLabel(t, step)), ["04:15", "04:30", "04:45", "05:00"]);
  for (const t of ticks) assert.ok(t >= window[0] && t <= window[1]);
});

test("a few seconds of points never tick below a second, and never read as dates", () => {
  const window = liveWindow(at(5, 37, 0), at(5, 37, 0.4), 1);
  const ticks = clockTicks(...window);
  for (const t of ticks) assert.equal(t % 1, 0, "whole seconds");
  for (const label of ticks.map((t) => clockLabel(t, tickStep(...window)))) assert.match(label, /^\d\d:\d\d:\d\d$/);
});
