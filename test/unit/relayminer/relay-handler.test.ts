import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { RelayRequest as RelayRequestCodec, RelayResponse, type RelayRequest } from "../../../electron/core/pokt/proto/service.js";
import type { SessionHeader } from "../../../electron/core/pokt/proto/session.js";
import { mineRelay } from "../../../electron/core/pokt/relay.js";
import { relayResponseSignableHash } from "../../../electron/core/pokt/relay-response-signable.js";
import { verifyResponseSignature } from "../../../electron/core/pokt/response-signature.js";
import { TEST_SERVICE_ID, testKey } from "../../fixtures/relayminer/chain.js";
import { createHarness, type Harness } from "../../fixtures/relayminer/harness.js";
import { decodeReply, signedRelayRequest } from "../../fixtures/relayminer/relays.js";

function currentHeader(h: Harness, app = h.app): SessionHeader {
  return h.chain.sessionAt(app.address, TEST_SERVICE_ID, h.blocks.latest()!.height).header!;
}

function errorOf(bytes: Uint8Array): string {
  const { response } = decodeReply(bytes);
  assert.ok(response.relayMinerError, "expected an error reply");
  return `${response.relayMinerError.codespace}:${response.relayMinerError.code}`;
}

test("a valid relay is forwarded, answered with a signed RelayResponse and mined", async () => {
  const h = createHarness();
  try {
    const header = currentHeader(h);
    const { request, bytes } = signedRelayRequest({
      header,
      operatorAddress: h.operator.address,
      signer: h.app,
      url: "http://supplier.example/v1/chat/completions?x=1",
      body: '{"model":"m"}',
    });
    const reply = await h.relay(bytes);
    const { response, http, bodyText } = decodeReply(reply);
    assert.equal(response.relayMinerError, undefined);
    assert.deepEqual(response.meta.sessionHeader, header);
    assert.deepEqual(response.payloadHash, new Uint8Array(createHash("sha256").update(response.payload).digest()));
    assert.ok(
      verifyResponseSignature({ publicKey: h.operator.publicKey, msgHash: relayResponseSignableHash(response), signature: response.meta.supplierOperatorSignature }),
      "the response signature must verify with the operator's key",
    );
    assert.equal(http!.statusCode, 200);
    assert.deepEqual(http!.header.get("Content-Type")?.values, ["application/json"]);
    const echoed = JSON.parse(bodyText!);
    assert.deepEqual([echoed.method, echoed.url, echoed.echo], ["POST", "/v1/chat/completions?x=1", '{"model":"m"}']);

    const tree = h.trees.get(`${header.sessionId}/${h.operator.address}/${TEST_SERVICE_ID}`)!;
    assert.equal(tree.minedRelays, 1);
    // The leaf is the relay with the payload-less signed response, keyed by its hash.
    const expected = mineRelay(request, RelayResponse.decode(reply));
    assert.deepEqual(tree.trie.get(expected.hash)?.value, expected.bytes);
    assert.equal(tree.trie.sum(), 100n);

    h.ledger.flush();
    const mined = [...h.ledger.minedRelays(tree.key)];
    assert.equal(mined.length, 1);
    assert.deepEqual(new Uint8Array(mined[0].relayBytes), expected.bytes);
    const [relay] = h.ledger.relays();
    assert.deepEqual(
      { tokensIn: relay.tokensIn, tokensOut: relay.tokensOut, status: relay.status, httpStatus: relay.httpStatus, mined: relay.mined },
      { tokensIn: 3, tokensOut: 5, status: "ok", httpStatus: 200, mined: true },
    );
    assert.equal(h.served.length, 1);
    assert.equal(h.metrics.requestsSuccessTotal.get([TEST_SERVICE_ID]), 1);
    for (const step of ["decode_request", "verify_session", "verify_signature", "sign_response", "mine"]) {
      assert.equal(h.metrics.instructionTimeSeconds.count([step]), 1, step);
    }
  } finally {
    h.close();
  }
});

test("refused relays get the registered RelayMinerError and are never mined", async () => {
  const stranger = testKey("relayminer-test-stranger");
  const unstaked = testKey("relayminer-test-unstaked-operator");
  const h = createHarness({ extraSigners: [unstaked], maxBodyBytes: 4096 });
  try {
    const header = currentHeader(h);
    const sign = (over: Partial<Parameters<typeof signedRelayRequest>[0]> = {}) =>
      signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: "{}", ...over }).bytes;

    const valid = signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: "{}" });
    const flipped = withSignatureByteFlipped(valid.request);

    const cases: Array<[string, Uint8Array, string]> = [
      ["not protobuf", new Uint8Array([0xff, 0xff, 0xff]), "relayer_proxy:14"],
      ["missing signature", withoutSignature(valid.request), "relay_authenticator:4"],
      ["another supplier", sign({ operatorAddress: stranger.address }), "relayer_proxy:9"],
      ["malformed supplier address", sign({ operatorAddress: "pokt1notanaddress" }), "relay_authenticator:4"],
      ["supplier address of another chain", sign({ operatorAddress: toBech32("cosmos", fromBech32(h.operator.address, 90).data) }), "relay_authenticator:4"],
      ["unknown service", sign({ header: { ...header, serviceId: "other" } }), "relayer_proxy:3"],
      ["forged session id", sign({ header: { ...header, sessionId: "ab".repeat(32) } }), "relay_authenticator:1"],
      ["shifted session bounds", sign({ header: { ...header, sessionStartBlockHeight: 2n } }), "relay_authenticator:1"],
      ["operator not in the session", sign({ operatorAddress: unstaked.address }), "relay_authenticator:2"],
      ["flipped signature byte", flipped, "rings:3"],
      ["signed by a key outside the ring", sign({ signer: stranger, ring: [stranger.publicKey, h.app.publicKey] }), "rings:3"],
      ["body over the service's limit", sign({ body: "x".repeat(5000) }), "relayer_proxy:13"],
    ];
    for (const [name, body, code] of cases) {
      assert.equal(errorOf(await h.relay(body)), code, name);
    }
    for (const tree of h.trees.values()) assert.equal(tree.minedRelays, 0);
    h.ledger.flush();
    assert.equal(h.ledger.minedRelayCount(), 0);
    assert.equal(h.ledger.relays().length, 0, "refused input is not booked");
    assert.equal(h.metrics.requestsErrorsTotal.get([TEST_SERVICE_ID]) + h.metrics.requestsErrorsTotal.get(["unknown_service_id"]) + h.metrics.requestsErrorsTotal.get(["other"]), cases.length);
  } finally {
    h.close();
  }
});

test("the grace period: a relay for the previous session is served and mined until grace ends, then refused", async () => {
  const h = createHarness({ height: 10n });
  try {
    const header = currentHeader(h); // session [1, 10]
    assert.equal(header.sessionEndBlockHeight, 10n);
    h.blocks.advanceTo(11n); // grace_end = 11, claim_open = 12
    const inGrace = await h.relay(signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: "a" }).bytes);
    assert.equal(decodeReply(inGrace).response.relayMinerError, undefined);
    assert.equal([...h.trees.values()][0].minedRelays, 1);
    h.blocks.advanceTo(12n);
    const late = await h.relay(signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: "b" }).bytes);
    assert.equal(errorOf(late), "relay_authenticator:1");
    assert.match(decodeReply(late).response.relayMinerError!.message, /session expired/);
  } finally {
    h.close();
  }
});

test("a future session is refused", async () => {
  const h = createHarness({ height: 5n });
  try {
    const next = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, 15n).header!;
    const reply = await h.relay(signedRelayRequest({ header: next, operatorAddress: h.operator.address, signer: h.app }).bytes);
    assert.equal(errorOf(reply), "relay_authenticator:1");
    // and the current session still works afterwards (nothing cached under the wrong key)
    h.blocks.advanceTo(11n);
    const ok = await h.relay(signedRelayRequest({ header: next, operatorAddress: h.operator.address, signer: h.app }).bytes);
    assert.equal(decodeReply(ok).response.relayMinerError, undefined);
  } finally {
    h.close();
  }
});

test("relays of a known session cost no further chain queries", async () => {
  const h = createHarness();
  try {
    const header = currentHeader(h);
    for (let i = 0; i < 20; i++) {
      const reply = await h.relay(signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: `{"i":${i}}` }).bytes);
      assert.equal(decodeReply(reply).response.relayMinerError, undefined);
    }
    assert.equal(h.chain.calls.get("session"), 1);
    assert.equal(h.chain.calls.get("publicKey"), 1);
    assert.equal(h.chain.calls.get("relayDifficultyTargetAtHeight"), 1);
    assert.deepEqual(h.chain.pricingHeights, [header.sessionStartBlockHeight, header.sessionStartBlockHeight], "prices of the session start");
    assert.equal([...h.trees.values()][0].minedRelays, 20);
  } finally {
    h.close();
  }
});

test("a gateway delegated mid-session is accepted once the ring is re-read", async () => {
  const gateway = testKey("relayminer-test-gateway");
  const h = createHarness();
  try {
    const header = currentHeader(h);
    assert.equal(decodeReply(await h.relay(signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app }).bytes)).response.relayMinerError, undefined);
    // Delegation takes effect at once on chain; the cached ring still says [app, placeholder].
    h.chain.applications.get(h.app.address)!.delegateeGatewayAddresses.push(gateway.address);
    h.chain.publicKeys.set(gateway.address, gateway.publicKey);
    const ring = [h.app.publicKey, gateway.publicKey];
    const sameBlock = await h.relay(signedRelayRequest({ header, operatorAddress: h.operator.address, signer: gateway, ring }).bytes);
    assert.equal(errorOf(sameBlock), "rings:3", "the ring is re-read at most once per block");
    h.blocks.advanceTo(6n);
    const nextBlock = await h.relay(signedRelayRequest({ header, operatorAddress: h.operator.address, signer: gateway, ring }).bytes);
    assert.equal(decodeReply(nextBlock).response.relayMinerError, undefined);
  } finally {
    h.close();
  }
});

test("only relays whose hash is below the difficulty target are mined", async () => {
  const h = createHarness();
  h.chain.targetHash = new Uint8Array(32).fill(0xff);
  h.chain.targetHash[0] = 0x7f; // about half of all relays
  try {
    const header = currentHeader(h);
    let mined = 0;
    for (let i = 0; i < 24; i++) {
      const { request, bytes } = signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: `{"n":${i}}` });
      const reply = await h.relay(bytes);
      const { hash } = mineRelay(request, RelayResponse.decode(reply));
      if (Buffer.compare(Buffer.from(hash), Buffer.from(h.chain.targetHash)) < 0) mined++;
    }
    const tree = [...h.trees.values()][0];
    assert.equal(tree.minedRelays, mined);
    assert.ok(mined > 0 && mined < 24, `expected some but not all relays mined, got ${mined}`);
    assert.equal(tree.trie.sum(), BigInt(mined) * 100n);
  } finally {
    h.close();
  }
});

function withoutSignature(request: RelayRequest): Uint8Array {
  return RelayRequestCodec.toBytes({ ...request, meta: { ...request.meta, signature: new Uint8Array(0) } });
}

function withSignatureByteFlipped(request: RelayRequest): Uint8Array {
  const signature = Uint8Array.from(request.meta.signature);
  signature[4 + 10] ^= 0x01; // inside c0
  return RelayRequestCodec.toBytes({ ...request, meta: { ...request.meta, signature } });
}

