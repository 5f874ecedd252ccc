import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ApiError,
  apiEvents,
  apiMethods,
  isMethodName,
  parseCall,
  parseEvent,
} from "../../../../shared/api/index.js";

function invalid(method: string, params: unknown): ApiError {
  try {
    parseCall(method, params);
  } catch (error) {
    assert.ok(error instanceof ApiError, "a typed ApiError, not a raw exception");
    return error;
  }
  assert.fail(`${method} accepted ${JSON.stringify(params)}`);
}

test("every method declares params, result and a description; names are namespaced", () => {
  for (const [name, spec] of Object.entries(apiMethods)) {
    assert.match(name, /^[a-z]+\.[a-zA-Z]+$/, name);
    assert.ok(spec.params && spec.result, name);
    assert.ok(spec.description.length > 10, `${name} has a description`);
  }
  for (const name of Object.keys(apiEvents)) assert.match(name, /^[a-z]+\.[a-zA-Z]+$/, name);
});

test("unknown methods are refused with unknown_method", () => {
  const error = invalid("wallet.exportEverything", {});
  assert.equal(error.code, "unknown_method");
  assert.match(error.message, /wallet\.exportEverything/);
  assert.equal(isMethodName("__proto__"), false);
  assert.equal(isMethodName("toString"), false);
});

test("bad payloads are rejected with a sentence naming each bad field", () => {
  const wrongType = invalid("inference.load", { modelPath: 42 });
  assert.equal(wrongType.code, "invalid_params");
  assert.match(wrongType.message, /modelPath/);

  const empty = invalid("inference.load", { modelPath: "" });
  assert.match(empty.message, /choose a \.gguf file/);

  const extra = invalid("inference.status", { sneaky: true });
  assert.match(extra.message, /sneaky|unrecognized/i);

  const badChat = invalid("inference.chat", { requestId: "a b", messages: [] });
  assert.match(badChat.message, /requestId/);
  assert.match(badChat.message, /messages/);

  const badTemperature = invalid("inference.chat", {
    requestId: "r1",
    messages: [{ role: "user", content: "hi" }],
    temperature: 9,
  });
  assert.match(badTemperature.message, /temperature/);

  assert.equal(invalid("logs.tail", "not an object").code, "invalid_params");
});

test("valid payloads parse and get their defaults", () => {
  const { params } = parseCall<"inference.chat">("inference.chat", {
    requestId: "r-1",
    messages: [{ role: "user", content: "hello" }],
  });
  assert.equal(params.maxTokens, 256);
  assert.equal(params.temperature, 0.7);
  const tail = parseCall<"logs.tail">("logs.tail", undefined);
  assert.equal(tail.params.limit, 200);
});

test("events are validated too", () => {
  assert.deepEqual(parseEvent("inference.token", { requestId: "x", delta: "hi" }), { requestId: "x", delta: "hi" });
  assert.throws(() => parseEvent("inference.token", { requestId: "x" }), /delta/);
});

test("ApiError survives serialisation with its code", () => {
  const original = new ApiError("wrong_passphrase", "Wrong passphrase", { attempts: 2 });
  const copy = ApiError.from(JSON.parse(JSON.stringify(original)));
  assert.equal(copy.code, "wrong_passphrase");
  assert.equal(copy.message, "Wrong passphrase");
  assert.deepEqual(copy.details, { attempts: 2 });
  assert.equal(ApiError.from(new Error("boom")).code, "internal");
});
