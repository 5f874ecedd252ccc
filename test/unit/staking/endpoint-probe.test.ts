import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { probeEndpoint } from "../../../electron/core/staking/endpoint-probe.js";
import { RelayRequest, RelayResponse } from "../../../electron/core/pokt/proto/service.js";
import { publicKeyFromPrivateKey } from "../../../electron/core/pokt/keys.js";
import { signResponseHash } from "../../../electron/core/pokt/response-signature.js";
import { frameStreamBatch, streamBatchResponse } from "../../../electron/core/pokt/stream/index.js";

const OPERATOR = "pokt1qqqsyqcyq5rqwzqfpg9scrgwpugpzysnvvvx0k";

async function serve(handler: (body: Buffer) => { status: number; body: Uint8Array | string }): Promise<{ url: string; server: Server; bodies: Buffer[] }> {
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      bodies.push(body);
      const reply = handler(body);
      res.writeHead(reply.status).end(Buffer.from(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, bodies };
}

function refusal(): Uint8Array {
  return RelayResponse.toBytes({
    meta: { sessionHeader: undefined, supplierOperatorSignature: new Uint8Array(0) },
    payload: new TextEncoder().encode("application not staked"),
    relayMinerError: { codespace: "relayer", code: 3, description: "", message: "application not staked" },
    payloadHash: new Uint8Array(0),
  } as never);
}

test("a relay miner that refuses the signed probe, and counts it, is this engine's: reachable", async () => {
  let activity = 10;
  const { url, server, bodies } = await serve(() => ((activity += 1), { status: 200, body: refusal() }));
  try {
    const check = await probeEndpoint({ url, serviceId: "qwen", operatorAddress: OPERATOR, minerActivity: async () => activity });
    assert.equal(check.reason, "ok");
    assert.equal(check.reachable, true);
    assert.equal(check.relayMinerAnswered, true);
    // What arrived is a ring-signed RelayRequest addressed to our operator and service.
    const request = RelayRequest.decode(new Uint8Array(bodies[0]));
    assert.equal(request.meta?.supplierOperatorAddress, OPERATOR);
    assert.equal(request.meta?.sessionHeader?.serviceId, "qwen");
    assert.ok((request.meta?.signature.length ?? 0) > 64);
  } finally {
    server.close();
  }
});

test("another relay miner at the address (ours saw nothing) is named as such", async () => {
  const { url, server } = await serve(() => ({ status: 200, body: refusal() }));
  try {
    const check = await probeEndpoint({ url, serviceId: "qwen", operatorAddress: OPERATOR, minerActivity: async () => 5 });
    assert.equal(check.reason, "not_relay_miner");
    assert.equal(check.relayMinerAnswered, false);
    assert.match(check.problem ?? "", /not this one/);
  } finally {
    server.close();
  }
});

test("a web page at the address is not a relay miner", async () => {
  const { url, server } = await serve(() => ({ status: 404, body: "<html><body>Not found</body></html>" }));
  try {
    const check = await probeEndpoint({ url, serviceId: "qwen", operatorAddress: OPERATOR, minerActivity: async () => 0 });
    assert.equal(check.reason, "not_relay_miner");
    assert.match(check.problem ?? "", /HTTP 404.*forwards to this machine/);
  } finally {
    server.close();
  }
});

test("a closed port and an unknown name are told apart, each with what to check", async () => {
  const { url, server } = await serve(() => ({ status: 200, body: "" }));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const closed = await probeEndpoint({ url, serviceId: "qwen", operatorAddress: OPERATOR, minerActivity: async () => 0 });
  assert.equal(closed.reason, "connection");
  assert.match(closed.problem ?? "", /not forwarded/);
  const dns = await probeEndpoint({ url: "http://pocketforge-probe.invalid:8642", serviceId: "qwen", operatorAddress: OPERATOR, minerActivity: async () => 0 });
  assert.equal(dns.reason, "dns");
  assert.match(dns.problem ?? "", /does not resolve/);
});

/** Answers every request with `Content-Type` and a body built from the RelayRequest it received. */
async function serveStream(contentType: string, body: (request: RelayRequest) => Uint8Array | string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": contentType, Connection: "close" });
      res.end(Buffer.from(body(RelayRequest.decode(new Uint8Array(Buffer.concat(chunks))))));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test("a relay miner that answers the probe with a stream of signed batches is recognised; with the operator's key, by its signature", async () => {
  const operatorKey = new Uint8Array(32).fill(7);
  const otherKey = new Uint8Array(32).fill(9);
  let activity = 0;
  let signingKey = operatorKey;
  // A miner that serves before it validates (optimistic mode) streams the backend's answer, two signed batches.
  const { url, server } = await serveStream("text/event-stream; charset=utf-8", (request) => {
    activity += 1;
    const header = request.meta.sessionHeader!;
    const sign = (hash: Uint8Array) => signResponseHash(hash, signingKey);
    const batches = ["data: {\"n\":1}\n", "\ndata: [DONE]\n\n"].map((lines) => frameStreamBatch(streamBatchResponse(header, 200, new TextEncoder().encode(lines), sign)));
    return Buffer.concat(batches);
  });
  try {
    const probe = (key?: Uint8Array) =>
      probeEndpoint({ url, serviceId: "qwen", operatorAddress: OPERATOR, minerActivity: async () => activity, ...(key ? { operatorPublicKey: key } : {}) });
    assert.equal((await probe()).reason, "ok");
    assert.equal((await probe(publicKeyFromPrivateKey(operatorKey))).reason, "ok");
    signingKey = otherKey;
    const foreign = await probe(publicKeyFromPrivateKey(operatorKey));
    assert.equal(foreign.reason, "not_relay_miner");
    assert.match(foreign.problem ?? "", /not signed by this operator/);
  } finally {
    server.close();
  }
});

test("a plain event stream (the model server itself at the address) is not a relay miner", async () => {
  const { url, server } = await serveStream("text/event-stream", () => 'data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n');
  try {
    const check = await probeEndpoint({ url, serviceId: "qwen", operatorAddress: OPERATOR, minerActivity: async () => 0 });
    assert.equal(check.reason, "not_relay_miner");
    assert.match(check.problem ?? "", /model server rather than the relay miner/);
  } finally {
    server.close();
  }
});
