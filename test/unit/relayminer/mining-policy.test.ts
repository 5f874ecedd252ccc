// Which served relays are mined (docs/protocol.md §6.5): every answer is signed and returned, but the application
// pays only for relays the supplier actually served: never for a 5xx (as pocket-relay-miner), nor for a 4xx that
// says the supplier lacks the model or route, its backend's credentials, capacity or time.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SUPPLIER_FAULT_STATUSES, unminedStatusReason } from "../../../electron/core/relayminer/mining-policy.js";
import { TEST_SERVICE_ID } from "../../fixtures/relayminer/chain.js";
import { createHarness } from "../../fixtures/relayminer/harness.js";
import { decodeReply, signedRelayRequest } from "../../fixtures/relayminer/relays.js";

/** A backend answering with the status its request body asks for, in OpenAI's error shape for errors. */
function statusHandler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const { status } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { status: number };
    const body = JSON.stringify(status < 400 ? { ok: true } : { error: { message: `status ${status}`, type: "x", param: null, code: null } });
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
}

test("the policy: below 400 and the request's own 4xx mined; 5xx and the supplier's 4xx not", () => {
  for (const status of [200, 201, 204, 301, 400, 405, 409, 413, 415, 422]) assert.equal(unminedStatusReason(status), undefined, String(status));
  for (const status of [401, 403, 404, 407, 408, 421, 429]) assert.equal(unminedStatusReason(status), "backend_refused", String(status));
  for (const status of [500, 502, 503, 504, 599]) assert.equal(unminedStatusReason(status), "backend_error", String(status));
  assert.deepEqual([...SUPPLIER_FAULT_STATUSES].sort(), [401, 403, 404, 407, 408, 421, 429]);
});

test("every answer is signed and returned, and only those the policy allows are mined and counted", async () => {
  const h = createHarness({ handler: statusHandler });
  try {
    const header = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, h.blocks.latest()!.height).header!;
    const statuses = [200, 400, 422, 404, 429, 401, 500, 503];
    for (const status of statuses) {
      const { bytes } = signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: JSON.stringify({ status }) });
      const { response, http } = decodeReply(await h.relay(bytes));
      assert.equal(response.relayMinerError, undefined, `a ${status} is the backend's answer, signed and returned`);
      assert.ok(response.meta.supplierOperatorSignature.length > 0);
      assert.equal(http!.statusCode, status);
    }
    const tree = h.trees.get(`${header.sessionId}/${h.operator.address}/${TEST_SERVICE_ID}`)!;
    assert.equal(tree.minedRelays, 3, "200, 400 and 422 are mined");
    h.ledger.flush();
    const booked = h.ledger.relays().map((r) => [r.httpStatus, r.mined]).sort((a, b) => Number(a[0]) - Number(b[0]));
    assert.deepEqual(booked, [
      [200, true],
      [400, true],
      [401, false],
      [404, false],
      [422, true],
      [429, false],
      [500, false],
      [503, false],
    ]);
    assert.equal(h.metrics.relaysDroppedTotal.get([TEST_SERVICE_ID, "backend_refused"]), 3);
    assert.equal(h.metrics.relaysDroppedTotal.get([TEST_SERVICE_ID, "backend_error"]), 2);
    // The application is charged only for what was mined: the refused relays' budget reservations were released.
    assert.equal(tree.consumedUpokt, 3n * tree.relayCostUpokt);
  } finally {
    h.close();
  }
});
