// The CometBFT query subset tx_search and Tx subscriptions understand.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { matchesEvents, parseTxQuery, TxQueryError } from "../../../electron/core/localnet/tx-query.js";
import { chatRequest, PROMPT_COUNT } from "../../../electron/core/localnet/traffic/prompts.js";
import { streams } from "../../../electron/core/localnet/traffic/generator.js";
import { requiredFee } from "../../../electron/core/localnet/pocket-app.js";
import { Decimal } from "@cosmjs/math";

describe("tx query language", () => {
  test("parses conditions joined by AND, with quoted strings and numbers", () => {
    assert.deepEqual(parseTxQuery("tx.height>=5 AND message.sender='pokt1abc' AND transfer.amount CONTAINS 'upokt'"), [
      { key: "tx.height", op: ">=", value: "5", numeric: true },
      { key: "message.sender", op: "=", value: "pokt1abc", numeric: false },
      { key: "transfer.amount", op: "CONTAINS", value: "upokt", numeric: false },
    ]);
    assert.deepEqual(parseTxQuery("pocket.proof.EventClaimCreated.session_id EXISTS"), [
      { key: "pocket.proof.EventClaimCreated.session_id", op: "EXISTS", value: undefined, numeric: false },
    ]);
    assert.throws(() => parseTxQuery("tx.height ~ 5"), TxQueryError);
    assert.throws(() => parseTxQuery("message.sender="), TxQueryError);
  });

  test("every condition must match some value of its key", () => {
    const attributes = new Map([
      ["tx.height", ["12"]],
      ["message.sender", ["pokt1a", "pokt1b"]],
    ]);
    assert.equal(matchesEvents(parseTxQuery("tx.height<13 AND message.sender='pokt1b'"), attributes), true);
    assert.equal(matchesEvents(parseTxQuery("tx.height>12"), attributes), false);
    assert.equal(matchesEvents(parseTxQuery("transfer.recipient EXISTS"), attributes), false);
  });
});

describe("traffic prompts", () => {
  test("rotate through varied, valid OpenAI chat requests", () => {
    const bodies = new Set(Array.from({ length: PROMPT_COUNT }, (_, i) => chatRequest(i, "m").messages[1].content));
    assert.equal(bodies.size, PROMPT_COUNT);
    const request = chatRequest(PROMPT_COUNT + 1, "llama");
    assert.equal(request.model, "llama");
    assert.deepEqual(request.messages.map((m) => m.role), ["system", "user"]);
    assert.notEqual(chatRequest(PROMPT_COUNT, "m").messages[0].content, chatRequest(0, "m").messages[0].content);
    assert.equal(JSON.parse(JSON.stringify(request)).stream, false);
  });

  test("a streamed request asks for SSE with the usage chunk; the generator streams the share it is told, spread evenly", () => {
    const streamed = JSON.parse(JSON.stringify(chatRequest(3, "m", true)));
    assert.equal(streamed.stream, true);
    assert.deepEqual(streamed.stream_options, { include_usage: true });
    assert.equal("stream_options" in JSON.parse(JSON.stringify(chatRequest(3, "m"))), false);
    const pattern = (share: number) => Array.from({ length: 8 }, (_, i) => (streams(i, share) ? 1 : 0)).join("");
    assert.equal(pattern(0), "00000000");
    assert.equal(pattern(0.5), "01010101");
    assert.equal(pattern(0.25), "00010001");
    assert.equal(pattern(1), "11111111");
  });
});

describe("minimum fee", () => {
  test("is gas × min gas price rounded up", () => {
    const price = Decimal.fromUserInput("0.000001", 18);
    assert.equal(requiredFee(200_000n, price), 1n);
    assert.equal(requiredFee(1_000_000n, price), 1n);
    assert.equal(requiredFee(1_000_001n, price), 2n);
    assert.equal(requiredFee(0n, price), 0n);
  });
});
