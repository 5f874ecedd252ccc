// Relays that name a fresh random application each: every one is a session the miner has not cached, so without a
// bound each would cost a GetSession query to the chain. A burst of them from one client costs at most a handful of
// queries (its budget of lookups that find nothing, plus the few it may have under way); repeats are answered from
// the negative cache; real sessions still work — for another client at once, for this one once its budget refills,
// and for everyone once they are cached.
import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { DEFAULT_MAX_REQUEST_BYTES } from "../../electron/core/relayminer/config.js";
import { RelayServer } from "../../electron/core/relayminer/relay-server.js";
import { DEFAULT_SESSION_LOOKUP_LIMITS, clientKey } from "../../electron/core/relayminer/session-lookup-limiter.js";
import { LogSink } from "../../electron/core/runtime/logger.js";
import { TEST_SERVICE_ID, testKey } from "../fixtures/relayminer/chain.js";
import { createHarness } from "../fixtures/relayminer/harness.js";
import { decodeReply, signedRelayRequest, type DecodedReply } from "../fixtures/relayminer/relays.js";
import { runBounded } from "../fixtures/security/malformed-input.js";

/** POSTs one relay from `localAddress` (another loopback address is another client). */
function post(port: number, body: Uint8Array, localAddress = "127.0.0.1"): Promise<DecodedReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", localAddress, agent: false, headers: { "Content-Length": body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve(decodeReply(new Uint8Array(Buffer.concat(chunks)))));
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("a burst of relays for random applications costs a bounded number of chain queries; real relays still work", async () => {
  let clock = 0;
  const h = createHarness({ chainCache: { now: () => clock } });
  const logs = new LogSink({ dir: null });
  const server = new RelayServer({ host: "127.0.0.1", port: 0, maxBodyBytes: DEFAULT_MAX_REQUEST_BYTES, handler: h.handler, metrics: h.metrics, logger: logs.logger("relay") });
  await server.start();
  const port = server.address!.port;
  const sessionQueries = () => h.chain.calls.get("session") ?? 0;
  try {
    const real = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, 5n).header!;
    const forged = (i: number) => {
      const app = testKey(`forged-application-${i}`);
      const header = { ...real, applicationAddress: app.address, sessionId: `forged-session-${i}` };
      return signedRelayRequest({ header, operatorAddress: h.operator.address, signer: app, body: `{"n":${i}}` }).bytes;
    };

    const BURST = 150;
    const replies: DecodedReply[] = [];
    await runBounded(BURST, 32, async (i) => void replies.push(await post(port, forged(i))));
    const { missBurst, concurrentPerClient } = DEFAULT_SESSION_LOOKUP_LIMITS;
    assert.ok(sessionQueries() <= missBurst + concurrentPerClient, `${sessionQueries()} GetSession queries for ${BURST} forged relays`);
    assert.ok(replies.every((reply) => reply.response.relayMinerError), "every forged relay is refused");
    const limited = replies.filter((reply) => /sessions the chain does not have from 127\.0\.0\.1/.test(reply.response.relayMinerError!.message));
    assert.ok(limited.length >= BURST - missBurst - concurrentPerClient, `${limited.length} refused without a query`);
    assert.equal(limited[0]!.response.relayMinerError!.code, 7, "refused as an off-chain rate limit");

    // The same forged applications again, from another client: the negative cache answers, the chain is not asked.
    const before = sessionQueries();
    for (let i = 0; i < 3; i++) {
      const reply = await post(port, forged(i), "127.0.0.2");
      assert.match(reply.response.relayMinerError?.message ?? "", /no session/);
    }
    assert.equal(sessionQueries(), before, "remembered misses cost no query");

    // A real relay from another client is served at once (its session is looked up once).
    const genuine = (n: number) => signedRelayRequest({ header: real, operatorAddress: h.operator.address, signer: h.app, body: `{"genuine":${n}}` }).bytes;
    assert.equal((await post(port, genuine(1), "127.0.0.3")).response.relayMinerError, undefined);
    assert.equal(sessionQueries(), before + 1);
    // Now cached, it is served to the limited client too, with no query.
    assert.equal((await post(port, genuine(2))).response.relayMinerError, undefined);
    assert.equal(sessionQueries(), before + 1);

    // The limited client's budget refills with time: a new lookup is allowed again, one.
    assert.match((await post(port, forged(BURST + 1))).response.relayMinerError?.message ?? "", /does not have/);
    clock += 60_000 / DEFAULT_SESSION_LOOKUP_LIMITS.missesPerMinute;
    const looked = (await post(port, forged(BURST + 2))).response.relayMinerError!;
    assert.deepEqual([looked.codespace, looked.code], ["relay_authenticator", 1], "judged by the chain's answer, not refused by the limit");
    assert.equal(sessionQueries(), before + 2);
  } finally {
    await server.stop();
    h.close();
  }
});

test("IPv6 clients are limited per /64, IPv4-mapped addresses as IPv4", () => {
  assert.equal(clientKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  assert.equal(clientKey("2001:db8:1:2::9"), "2001:db8:1:2::/64");
  assert.equal(clientKey("2001:DB8:0001:0002:0:0:0:1"), "2001:db8:1:2::/64");
  assert.equal(clientKey("::1"), "0:0:0:0::/64");
  assert.equal(clientKey("::ffff:192.0.2.7"), "192.0.2.7");
  assert.equal(clientKey("192.0.2.7"), "192.0.2.7");
  assert.equal(clientKey(undefined), "unknown");
});
