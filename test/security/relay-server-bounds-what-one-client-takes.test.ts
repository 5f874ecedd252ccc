// One client against the public relay listener: a body past the request limit is refused without being buffered,
// one address cannot hold more than its share of relays in flight, and hanging up is not an error worth a log line.
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { test } from "node:test";
import { RelayServer } from "../../electron/core/relayminer/relay-server.js";
import { DEFAULT_MAX_REQUEST_BYTES, defaultRelayMinerConfig } from "../../electron/core/relayminer/config.js";
import { LogSink } from "../../electron/core/runtime/logger.js";
import { TEST_SERVICE_ID } from "../fixtures/relayminer/chain.js";
import { createHarness, echoHandler } from "../fixtures/relayminer/harness.js";
import { decodeReply, signedRelayRequest } from "../fixtures/relayminer/relays.js";
import { sendRaw } from "../fixtures/security/malformed-input.js";

test("the listener reads at most 1 MiB of a relay by default and says so", async () => {
  assert.equal(defaultRelayMinerConfig().maxRequestBytes, DEFAULT_MAX_REQUEST_BYTES);
  assert.equal(DEFAULT_MAX_REQUEST_BYTES, 1024 * 1024);
  const h = createHarness({ maxBodyBytes: 64 * 1024 * 1024 });
  const logs = new LogSink({ dir: null, level: "debug" });
  const server = new RelayServer({ host: "127.0.0.1", port: 0, maxBodyBytes: DEFAULT_MAX_REQUEST_BYTES, handler: h.handler, metrics: h.metrics, logger: logs.logger("relay") });
  await server.start();
  try {
    const declared = await fetch(server.url!, { method: "POST", body: Buffer.alloc(DEFAULT_MAX_REQUEST_BYTES + 1) });
    const refused = decodeReply(new Uint8Array(await declared.arrayBuffer()));
    assert.match(refused.response.relayMinerError?.message ?? "", /maximum allowed body: 1048577 bytes > 1048576 bytes/);
    // A chunked body that grows past the limit is cut off too.
    const chunked = await sendRaw(server.address!.port, [
      Buffer.from(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n`),
      ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from("40000\r\n"), Buffer.alloc(0x40000, 1), Buffer.from("\r\n")])),
      Buffer.from("0\r\n\r\n"),
    ]);
    assert.match(chunked.toString("latin1"), /^HTTP\/1\.1 200 /);
    assert.match(chunked.toString("latin1"), /more than 1048576 bytes/);
  } finally {
    await server.stop();
    h.close();
  }
});

test("one address holds at most its share of relays in flight; others are refused at once, then it may send again", async () => {
  const held: Array<() => void> = [];
  const h = createHarness({
    handler: (req: IncomingMessage, res: ServerResponse) => {
      held.push(() => echoHandler(req, res));
    },
  });
  const logs = new LogSink({ dir: null, level: "debug" });
  const server = new RelayServer({
    host: "127.0.0.1",
    port: 0,
    maxBodyBytes: DEFAULT_MAX_REQUEST_BYTES,
    maxInFlightPerClient: 3,
    handler: h.handler,
    metrics: h.metrics,
    logger: logs.logger("relay"),
  });
  await server.start();
  try {
    const header = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, 5n).header!;
    const relay = (i: number) => signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: `{"n":${i}}` }).bytes;
    const post = async (i: number) => decodeReply(new Uint8Array(await (await fetch(server.url!, { method: "POST", body: Buffer.from(relay(i)) })).arrayBuffer()));
    const first = [post(1), post(2), post(3)];
    while (held.length < 3) await new Promise((resolve) => setImmediate(resolve));
    const fourth = await post(4);
    assert.match(fourth.response.relayMinerError?.message ?? "", /too many relays in flight from 127\.0\.0\.1/);
    assert.equal(held.length, 3, "the refused relay never reached the backend");
    for (const release of held.splice(0)) release();
    for (const reply of await Promise.all(first)) assert.equal(reply.response.relayMinerError, undefined);
    const again = post(5);
    while (held.length < 1) await new Promise((resolve) => setImmediate(resolve));
    held.pop()!();
    assert.equal((await again).response.relayMinerError, undefined);
  } finally {
    await server.stop();
    h.close();
  }
});

test("a gateway hanging up mid-request is logged at debug, not as an error", async () => {
  const h = createHarness();
  let hangUps = 0;
  let allSeen!: () => void;
  const seen = new Promise<void>((resolve) => (allSeen = resolve));
  const logs = new LogSink({
    dir: null,
    level: "debug",
    onEntry: (entry) => {
      if (entry.message === "a client hung up before its relay was answered" && ++hangUps === 5) allSeen();
    },
  });
  const server = new RelayServer({ host: "127.0.0.1", port: 0, maxBodyBytes: DEFAULT_MAX_REQUEST_BYTES, handler: h.handler, metrics: h.metrics, logger: logs.logger("relay") });
  await server.start();
  try {
    for (let i = 0; i < 5; i++) {
      await sendRaw(server.address!.port, [Buffer.from(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\npartial`)], 100);
    }
    await seen;
    assert.deepEqual(logs.tail(100, "error").map((e) => e.message), []);
  } finally {
    await server.stop();
    h.close();
  }
});
