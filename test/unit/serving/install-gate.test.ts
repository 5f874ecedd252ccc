import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { InstallGate } from "../../../electron/core/serving/install-gate.js";
import { FakeClock } from "../../fixtures/fake-clock.js";
import { FakeServing } from "../../fixtures/desktop/fake-serving.js";

/** Tracks whether a promise has settled, without waiting for it. */
function track<T>(promise: Promise<T>) {
  const state = { settled: false, value: undefined as T | undefined };
  promise.then((value) => Object.assign(state, { settled: true, value }));
  return state;
}

/** Lets pending promise callbacks run (no timers involved). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("InstallGate", () => {
  test("with serving paused and nothing in flight, installing is safe at once", async () => {
    const serving = new FakeServing();
    serving.set("paused");
    const moment = await new InstallGate(serving, silentLogger, new FakeClock(0)).waitForSafeMoment();
    assert.deepEqual(moment, { pausedServing: false });
    assert.deepEqual(serving.calls, []);
  });

  test("while serving, waits for the session to end, then pauses and drains the relays in flight", async () => {
    const clock = new FakeClock(1_000);
    const serving = new FakeServing();
    serving.setBoundary(61_000);
    const result = track(new InstallGate(serving, silentLogger, clock).waitForSafeMoment());
    serving.startRelay();
    serving.startRelay();
    clock.advanceTo(60_999);
    await flush();
    assert.equal(result.settled, false);
    assert.deepEqual(serving.calls, [], "not before the session boundary");

    clock.advanceTo(61_000);
    await flush();
    assert.deepEqual(serving.calls, ["pause(drain)"]);
    assert.equal(result.settled, false, "two relays still in flight");
    serving.finishRelay();
    await flush();
    assert.equal(result.settled, false, "one relay still in flight");
    serving.finishRelay();
    await flush();
    assert.deepEqual(result, { settled: true, value: { pausedServing: true } });
  });

  test("a pause by someone else before the boundary is used: no need to wait for the session", async () => {
    const clock = new FakeClock(0);
    const serving = new FakeServing();
    serving.setBoundary(600_000);
    serving.startRelay();
    const result = track(new InstallGate(serving, silentLogger, clock).waitForSafeMoment());
    await flush();
    const othersPause = track(serving.pause({ drain: true }));
    await flush();
    assert.equal(othersPause.settled, false);
    assert.equal(serving.state(), "draining");
    assert.equal(result.settled, false, "a relay is still being answered");
    serving.finishRelay();
    await flush();
    assert.deepEqual(result, { settled: true, value: { pausedServing: false } });
    assert.deepEqual(serving.calls, ["pause(drain)"], "the gate did not pause a second time");
  });

  test("without a known session end, it pauses and drains right away", async () => {
    const serving = new FakeServing();
    const moment = await new InstallGate(serving, silentLogger, new FakeClock(0)).waitForSafeMoment();
    assert.deepEqual(moment, { pausedServing: true });
    assert.equal(serving.state(), "paused");
  });

  test("an aborted wait rejects and leaves serving alone", async () => {
    const clock = new FakeClock(0);
    const serving = new FakeServing();
    serving.setBoundary(100_000);
    const abort = new AbortController();
    const waiting = new InstallGate(serving, silentLogger, clock).waitForSafeMoment(abort.signal);
    abort.abort(new Error("a newer update replaced this one"));
    await assert.rejects(waiting, /newer update/);
    clock.advanceTo(200_000);
    assert.deepEqual(serving.calls, []);
    assert.equal(clock.nextTimerAt(), null);
  });
});
