import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError, type LogEntry } from "../../../shared/api/index.js";
import { describeError } from "../../../renderer/src/view-models/errors.js";
import { filterLogs, logScopes } from "../../../renderer/src/view-models/logs.js";

test("engine errors keep their message and gain the next step for their code", () => {
  const wrong = describeError(new ApiError("wrong_passphrase", "The passphrase is wrong"));
  assert.equal(wrong.message, "The passphrase is wrong");
  assert.match(wrong.next, /case-sensitive/);
  // The Electron bridge rejects with a plain {code, message} object.
  const locked = describeError({ code: "locked", message: "Unlock first" });
  assert.deepEqual([locked.code, locked.message], ["locked", "Unlock first"]);
  assert.match(locked.next, /Unlock the wallet/);
});

test("anything else becomes a message with a generic next step", () => {
  const plain = describeError(new TypeError("boom"));
  assert.equal(plain.code, "unknown");
  assert.equal(plain.message, "boom");
  assert.ok(plain.next.length > 10);
  assert.equal(describeError("text").message, "text");
  assert.equal(describeError({ code: "not-a-code", message: "x" }).code, "unknown");
});

const logs: LogEntry[] = [
  { time: 1, level: "debug", scope: "models", message: "block fetched", fields: { cid: "bafy1" } },
  { time: 2, level: "info", scope: "wallet", message: "wallet unlocked" },
  { time: 3, level: "warn", scope: "models", message: "gateway slow", fields: { gateway: "http://gw" } },
  { time: 4, level: "error", scope: "relayminer", message: "claim failed" },
];

test("log filters combine level, scope and text (fields included)", () => {
  assert.deepEqual(filterLogs(logs, { minLevel: "info", scope: "", text: "" }).map((e) => e.time), [2, 3, 4]);
  assert.deepEqual(filterLogs(logs, { minLevel: "debug", scope: "models", text: "" }).map((e) => e.time), [1, 3]);
  assert.deepEqual(filterLogs(logs, { minLevel: "debug", scope: "", text: "HTTP://GW" }).map((e) => e.time), [3]);
  assert.deepEqual(filterLogs(logs, { minLevel: "debug", scope: "", text: "" }, 2).map((e) => e.time), [3, 4]);
  assert.deepEqual(logScopes(logs), ["models", "relayminer", "wallet"]);
});
