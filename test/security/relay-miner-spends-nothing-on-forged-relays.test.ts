// Relays that are not signed by their application's ring, sent to the public relay miner: with a real session header
// they are still refused before the backend is called, before the session's record opens, and without creating a
// metric series of their own; junk service ids cannot grow Prometheus's series either.
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { test } from "node:test";
import { TEST_SERVICE_ID, testKey } from "../fixtures/relayminer/chain.js";
import { createHarness, echoHandler } from "../fixtures/relayminer/harness.js";
import { decodeReply, signedRelayRequest } from "../fixtures/relayminer/relays.js";

/** The label values of every series of `metric` in the Prometheus text. */
function seriesOf(text: string, metric: string): string[] {
  return text.split("\n").filter((line) => line.startsWith(`${metric}{`)).map((line) => line.slice(metric.length, line.lastIndexOf(" ")));
}

test("a forged signature on a real session costs no backend call, no session record and no new metric series", async () => {
  let backendCalls = 0;
  const h = createHarness({
    handler: (req: IncomingMessage, res: ServerResponse) => {
      backendCalls++;
      echoHandler(req, res);
    },
  });
  try {
    const header = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, 5n).header!;
    const stranger = testKey("not-the-application");
    for (let i = 0; i < 20; i++) {
      const forged = signedRelayRequest({ header, operatorAddress: h.operator.address, signer: stranger, body: `{"forged":${i}}` });
      const reply = decodeReply(await h.relay(forged.bytes));
      assert.ok(reply.response.relayMinerError, "refused");
    }
    for (let i = 0; i < 50; i++) {
      const junk = signedRelayRequest({ header: { ...header, serviceId: `junk-service-${i}` }, operatorAddress: h.operator.address, signer: stranger });
      assert.ok(decodeReply(await h.relay(junk.bytes)).response.relayMinerError);
    }
    assert.equal(backendCalls, 0, "the backend never ran for a forged relay");
    h.ledger.flush();
    const treeKey = `${header.sessionId}/${h.operator.address}/${TEST_SERVICE_ID}`;
    assert.equal(h.ledger.session(treeKey), undefined, "no session record was opened");
    const text = await h.metrics.render();
    for (const metric of ["relayminer_requests_total", "relayminer_requests_errors_total", "relayminer_request_size_bytes_count"]) {
      const labels = seriesOf(text, metric).join(" ");
      assert.doesNotMatch(labels, /junk-service/, `${metric} has no series named by unverified input`);
      assert.doesNotMatch(labels, new RegExp(`service_id="${TEST_SERVICE_ID}"`), `${metric}: forged relays of a real service are not counted as it`);
    }
    assert.ok(seriesOf(text, "relayminer_requests_errors_total").length <= 1, "every refusal shares the unknown_service_id series");

    // The application's own relay on the same session is served, counted and opens the session.
    const genuine = signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: '{"genuine":true}' });
    const served = decodeReply(await h.relay(genuine.bytes));
    assert.equal(served.response.relayMinerError, undefined);
    assert.equal(backendCalls, 1);
    h.ledger.flush();
    assert.ok(h.ledger.session(treeKey), "the genuine relay opened the session");
    assert.match(seriesOf(await h.metrics.render(), "relayminer_requests_total").join(" "), new RegExp(`service_id="${TEST_SERVICE_ID}"`));
  } finally {
    h.close();
  }
});
