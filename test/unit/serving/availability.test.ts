import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AvailabilitySettings, type AvailabilityStatus, type TelemetrySample } from "../../../shared/api/index.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { AvailabilityController } from "../../../electron/core/serving/availability-controller.js";
import { availabilityVerdict, ForeignGpuTracker } from "../../../electron/core/serving/availability-policy.js";
import { isScheduled, nextScheduleChange } from "../../../electron/core/serving/schedule.js";
import { FakeClock } from "../../fixtures/fake-clock.js";
import { FakeServing } from "../../fixtures/desktop/fake-serving.js";

// Local-time dates (the schedule is in the user's wall-clock time). 2026-01-05 is a Monday; no DST change nearby.
const monday = (hour: number, minute = 0) => new Date(2026, 0, 5, hour, minute);

const settings = (over: Partial<AvailabilitySettings> = {}) => AvailabilitySettings.parse({ mode: "idle", ...over });

function sample(time: number, utilizationPercent: number | null): TelemetrySample {
  return {
    time,
    cpuLoadPercent: 5,
    memoryUsedBytes: 1,
    memoryTotalBytes: 2,
    gpus: [{ index: 0, temperatureC: 50, utilizationPercent, powerWatts: null, vramUsedBytes: null, vramTotalBytes: null }],
  };
}

describe("schedule", () => {
  const weekdayNights = { days: [1, 2, 3, 4, 5], hours: [22, 23, 0, 1, 2, 3, 4, 5, 6] };

  test("an hour serves when both its weekday and its hour are listed", () => {
    assert.equal(isScheduled(weekdayNights, monday(22, 59)), true);
    assert.equal(isScheduled(weekdayNights, monday(6, 30)), true);
    assert.equal(isScheduled(weekdayNights, monday(7)), false);
    assert.equal(isScheduled(weekdayNights, monday(21, 59)), false);
    assert.equal(isScheduled(weekdayNights, new Date(2026, 0, 4, 23)), false, "Sunday is not listed");
  });

  test("the next change is the first hour that flips the verdict", () => {
    assert.equal(nextScheduleChange(weekdayNights, monday(12, 17)), monday(22).getTime());
    assert.equal(nextScheduleChange(weekdayNights, monday(23, 5)), new Date(2026, 0, 6, 7).getTime());
    // Friday night runs to Saturday 00:00: Saturday's hours are not served.
    assert.equal(nextScheduleChange(weekdayNights, new Date(2026, 0, 9, 22)), new Date(2026, 0, 10, 0).getTime());
    assert.equal(nextScheduleChange({ days: [0, 1, 2, 3, 4, 5, 6], hours: [...Array(24).keys()] }, monday(3)), null);
    assert.equal(nextScheduleChange({ days: [], hours: [1] }, monday(3)), null);
  });
});

describe("availability verdict", () => {
  const idle = settings({ idleAfterSeconds: 300 });
  const at = { now: monday(12), gpuInUse: false };

  test("idle mode serves when the user is away or the session is locked, not while they type", () => {
    assert.deepEqual(availabilityVerdict(idle, { ...at, presence: { idleSeconds: 299, locked: false } }), { serve: false, reason: "user_active" });
    assert.deepEqual(availabilityVerdict(idle, { ...at, presence: { idleSeconds: 300, locked: false } }), { serve: true, reason: "user_away" });
    assert.deepEqual(availabilityVerdict(idle, { ...at, presence: { idleSeconds: 2, locked: true } }), { serve: true, reason: "user_away" });
    assert.deepEqual(availabilityVerdict(idle, { ...at, presence: null }), { serve: true, reason: "no_user_session" });
  });

  test("another program on the GPU wins over an idle keyboard (a game played with a controller)", () => {
    const verdict = availabilityVerdict(idle, { ...at, gpuInUse: true, presence: { idleSeconds: 9999, locked: false } });
    assert.deepEqual(verdict, { serve: false, reason: "gpu_in_use" });
  });

  test("always ignores presence; schedule follows the clock only", () => {
    const busy = { presence: { idleSeconds: 0, locked: false }, gpuInUse: true };
    assert.equal(availabilityVerdict(settings({ mode: "always" }), { ...busy, now: monday(12) }).serve, true);
    const night = settings({ mode: "schedule", schedule: { days: [1], hours: [22] } });
    assert.deepEqual(availabilityVerdict(night, { ...busy, now: monday(22, 10) }), { serve: true, reason: "in_schedule" });
    assert.deepEqual(availabilityVerdict(night, { ...busy, now: monday(21, 10) }), { serve: false, reason: "outside_schedule" });
  });

  test("GPU use counts as foreign only while this engine runs nothing, and is remembered for the quiet period", () => {
    const tracker = new ForeignGpuTracker(120_000);
    tracker.observe(sample(1_000, 95), 2, 40);
    assert.equal(tracker.inUse(1_000), false, "our own requests explain the load");
    tracker.observe(sample(2_000, 30), 0, 40);
    assert.equal(tracker.inUse(2_000), false, "below the threshold");
    tracker.observe(sample(3_000, 80), 0, 40);
    assert.equal(tracker.inUse(3_000), true);
    assert.equal(tracker.inUse(3_000 + 119_999), true);
    assert.equal(tracker.inUse(3_000 + 120_000), false);
  });
});

describe("AvailabilityController", () => {
  function setup(over: Partial<AvailabilitySettings> = {}) {
    const clock = new FakeClock(monday(12).getTime());
    const serving = new FakeServing();
    let current = settings(over);
    const statuses: AvailabilityStatus[] = [];
    const controller = new AvailabilityController({ serving, settings: () => current, logger: silentLogger, clock });
    controller.onStatus((status) => statuses.push(status));
    return {
      clock,
      serving,
      controller,
      statuses,
      change(next: Partial<AvailabilitySettings>) {
        current = settings({ ...over, ...next });
        controller.settingsChanged();
      },
    };
  }

  test("idle mode: pauses (draining) when the user comes back and resumes when they leave", async () => {
    const { serving, controller } = setup();
    await controller.start();
    controller.reportPresence({ idleSeconds: 600, locked: false });
    assert.equal(serving.state(), "serving");
    assert.deepEqual(serving.calls, []);

    serving.startRelay();
    controller.reportPresence({ idleSeconds: 1, locked: false });
    assert.deepEqual(serving.calls, ["pause(drain)"]);
    assert.equal(serving.state(), "draining", "the relay in flight is still answered");
    serving.finishRelay();
    assert.equal(serving.state(), "paused");
    assert.equal(controller.status().reason, "user_active");

    controller.reportPresence({ idleSeconds: 40, locked: false });
    assert.deepEqual(serving.calls, ["pause(drain)"], "still active: no resume");
    controller.reportPresence({ idleSeconds: 301, locked: false });
    assert.deepEqual(serving.calls, ["pause(drain)", "resume"]);
    assert.equal(serving.state(), "serving");
  });

  test("a session ending soon is finished before pausing; one ending late is not waited for", async () => {
    const { clock, serving, controller } = setup({ maxWaitForSessionEndSeconds: 60 });
    await controller.start();
    serving.setBoundary(clock.now() + 45_000);
    controller.reportPresence({ idleSeconds: 0, locked: false });
    assert.deepEqual(serving.calls, [], "waits for the session end");
    assert.equal(controller.status().pauseAt, clock.now() + 45_000);
    clock.advance(44_999);
    assert.deepEqual(serving.calls, []);
    clock.advance(1);
    assert.deepEqual(serving.calls, ["pause(drain)"]);
    assert.equal(controller.status().pauseAt, null);

    controller.reportPresence({ idleSeconds: 999, locked: false });
    assert.equal(serving.state(), "serving");
    serving.setBoundary(clock.now() + 61_000);
    controller.reportPresence({ idleSeconds: 0, locked: false });
    assert.deepEqual(serving.calls, ["pause(drain)", "resume", "pause(drain)"], "too far away: pause now");
  });

  test("a pending pause is called off when the user leaves again before the session ends", async () => {
    const { clock, serving, controller } = setup();
    await controller.start();
    serving.setBoundary(clock.now() + 30_000);
    controller.reportPresence({ idleSeconds: 0, locked: false });
    assert.notEqual(controller.status().pauseAt, null);
    controller.reportPresence({ idleSeconds: 0, locked: true });
    assert.equal(controller.status().pauseAt, null);
    clock.advance(60_000);
    assert.deepEqual(serving.calls, []);
  });

  test("GPU use by another program pauses; serving comes back only after the GPU has been quiet", async () => {
    const { clock, serving, controller } = setup();
    await controller.start();
    controller.reportPresence({ idleSeconds: 10_000, locked: false });
    controller.observeTelemetry(sample(clock.now(), 90), 0);
    assert.deepEqual(serving.calls, ["pause(drain)"]);
    assert.equal(controller.status().reason, "gpu_in_use");
    clock.advance(60_000);
    controller.observeTelemetry(sample(clock.now(), 3), 0);
    assert.equal(serving.state(), "paused", "quiet for a minute only");
    clock.advance(60_000);
    assert.deepEqual(serving.calls, ["pause(drain)", "resume"], "the regular tick notices the quiet period is over");
  });

  test("schedule mode switches exactly at the schedule's boundaries without presence", async () => {
    const { clock, serving, controller } = setup({ mode: "schedule", schedule: { days: [1], hours: [13] } });
    await controller.start();
    assert.deepEqual(serving.calls, ["pause(drain)"], "12:00 is outside the schedule");
    assert.equal(clock.nextTimerAt(), Math.min(monday(13).getTime(), monday(12).getTime() + 30_000));
    clock.advanceTo(monday(13).getTime());
    assert.deepEqual(serving.calls, ["pause(drain)", "resume"]);
    clock.advanceTo(monday(14).getTime());
    assert.deepEqual(serving.calls, ["pause(drain)", "resume", "pause(drain)"]);
  });

  test("the user's pause is immediate and outlasts the policy; resume hands control back to it", async () => {
    const { clock, serving, controller } = setup({ mode: "always" });
    await controller.start();
    serving.setBoundary(clock.now() + 10_000);
    assert.equal(controller.pauseByUser().reason, "paused_by_user");
    assert.deepEqual(serving.calls, ["pause(drain)"], "no waiting for the session end");
    controller.reportPresence({ idleSeconds: 10_000, locked: true });
    assert.equal(serving.state(), "paused");
    controller.resumeByUser();
    assert.deepEqual(serving.calls, ["pause(drain)", "resume"]);
  });

  test("never resumes a pause it did not make, nor a stopped relay miner", async () => {
    const { serving, controller } = setup();
    await controller.start();
    serving.set("paused"); // e.g. the updater's pause
    controller.reportPresence({ idleSeconds: 10_000, locked: false });
    assert.deepEqual(serving.calls, []);
    serving.set("stopped");
    controller.reportPresence({ idleSeconds: 0, locked: false });
    controller.reportPresence({ idleSeconds: 10_000, locked: false });
    assert.deepEqual(serving.calls, []);
  });

  test("switching the mode to always lifts an idle-mode pause", async () => {
    const { serving, controller, change, statuses } = setup();
    await controller.start();
    controller.reportPresence({ idleSeconds: 0, locked: false });
    assert.equal(serving.state(), "paused");
    change({ mode: "always" });
    assert.equal(serving.state(), "serving");
    const last = statuses.at(-1)!;
    assert.deepEqual({ mode: last.mode, wanted: last.wanted, reason: last.reason, serving: last.serving }, { mode: "always", wanted: true, reason: "always", serving: "serving" });
  });

  test("without a relay miner the verdict is still reported and nothing is touched", async () => {
    const clock = new FakeClock(monday(12).getTime());
    const controller = new AvailabilityController({ serving: null, settings: () => settings(), logger: silentLogger, clock });
    await controller.start();
    controller.reportPresence({ idleSeconds: 0, locked: false });
    assert.deepEqual(controller.status(), { mode: "idle", wanted: false, reason: "user_active", pausedByUser: false, pauseAt: null, serving: null, relaysInFlight: 0 });
    await controller.dispose();
    assert.equal(clock.nextTimerAt(), null, "dispose cancels the timer");
  });
});

test("relays starting and finishing are not news, except while a pause waits for them", async () => {
  const serving = new FakeServing();
  const statuses: AvailabilityStatus[] = [];
  const controller = new AvailabilityController({ serving, settings: () => settings(), logger: silentLogger, clock: new FakeClock(monday(12).getTime()) });
  controller.onStatus((status) => statuses.push(status));
  await controller.start();
  controller.reportPresence({ idleSeconds: 10_000, locked: false });
  const before = statuses.length;
  for (let i = 0; i < 5; i++) serving.startRelay();
  for (let i = 0; i < 3; i++) serving.finishRelay();
  assert.equal(statuses.length, before, "no event per relay");
  controller.reportPresence({ idleSeconds: 0, locked: false });
  serving.finishRelay();
  serving.finishRelay();
  assert.deepEqual(statuses.slice(before).map((s) => [s.serving, s.relaysInFlight]), [["draining", 2], ["draining", 1], ["paused", 0]]);
  await controller.dispose();
});
