// 10,000 bad relay bodies straight at the relay listener over keep-alive HTTP: random bytes, truncated
// relays, wrong signatures, another supplier, an expired session, an unknown service and oversize bodies.
// Each must get the RelayMinerError its defect calls for, the server must stay up, and nothing may be mined.
import assert from "node:assert/strict";
import { Agent } from "node:http";
import { test } from "node:test";
import { LogSink } from "../../../electron/core/runtime/logger.js";
import { ProtoDecodeError } from "../../../electron/core/pokt/proto/errors.js";
import { RelayRequest } from "../../../electron/core/pokt/proto/service.js";
import { isValidAccountAddress, validateRelayRequest } from "../../../electron/core/pokt/relay.js";
import { RelayServer } from "../../../electron/core/relayminer/relay-server.js";
import { createRingChecker } from "../../../electron/core/relayminer/ring-checker.js";
import { TEST_SERVICE_ID, testKey } from "../../fixtures/relayminer/chain.js";
import { createHarness } from "../../fixtures/relayminer/harness.js";
import { decodeReply, signedRelayRequest } from "../../fixtures/relayminer/relays.js";
import { postBytes } from "../../fixtures/http-post.js";
import { prng } from "../../fixtures/prng.js";

const BODIES = 10_000;
const MAX_BODY = 64 * 1024;
const CONCURRENCY = 8;

/** What docs/protocol.md §3.2 and §4.4 say a body with this defect gets, derived from the bytes alone. */
function expectedForMalformed(body: Uint8Array): string {
  let decoded: RelayRequest;
  try {
    decoded = RelayRequest.decode(body);
  } catch (error) {
    assert.ok(error instanceof ProtoDecodeError);
    return "relayer_proxy:14";
  }
  if (validateRelayRequest(decoded) !== undefined) return "relay_authenticator:4";
  // The miner also refuses a malformed supplier operator address as an invalid request.
  if (!isValidAccountAddress(decoded.meta.supplierOperatorAddress)) return "relay_authenticator:4";
  // Structurally valid but not what was signed.
  return "rings:3";
}

test("10,000 fuzzed bodies each get the right RelayMinerError; the server stays up; nothing is mined", { timeout: 170_000 }, async () => {
  const ringChecker = createRingChecker();
  const h = createHarness({ height: 25n, ringChecker });
  const server = new RelayServer({
    host: "127.0.0.1",
    port: 0,
    maxBodyBytes: MAX_BODY,
    handler: h.handler,
    metrics: h.metrics,
    logger: new LogSink({ dir: null }).logger("fuzz"),
  });
  await server.start();
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const random = prng(0x5eed);
  try {
    const current = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, 25n).header!;
    const expired = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, 15n).header!; // ended at 20, grace ended at 21
    const others = Array.from({ length: 8 }, (_, i) => testKey(`fuzz-other-supplier-${i}`).address);
    const valid = Array.from({ length: 12 }, (_, i) =>
      signedRelayRequest({ header: current, operatorAddress: h.operator.address, signer: h.app, body: `{"fuzz":${i}}` }),
    );
    const stale = Array.from({ length: 4 }, (_, i) =>
      signedRelayRequest({ header: expired, operatorAddress: h.operator.address, signer: h.app, body: `{"old":${i}}` }).bytes,
    );
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const reencode = (mutate: (r: RelayRequest) => RelayRequest) => RelayRequest.toBytes(mutate(structuredClone(pick(valid).request)));

    const cases: Array<{ kind: string; body: Uint8Array; expected: string }> = [];
    for (let i = 0; i < BODIES; i++) {
      switch (i % 7) {
        case 0: {
          const body = Uint8Array.from({ length: Math.floor(random() * 512) }, () => Math.floor(random() * 256));
          cases.push({ kind: "random", body, expected: expectedForMalformed(body) });
          break;
        }
        case 1: {
          const whole = pick(valid).bytes;
          const body = whole.slice(0, Math.floor(random() * whole.length));
          cases.push({ kind: "truncated", body, expected: expectedForMalformed(body) });
          break;
        }
        case 2: {
          const body = reencode((r) => {
            const signature = r.meta.signature;
            const at = Math.floor(random() * signature.length);
            signature[at] ^= 1 + Math.floor(random() * 255);
            return r;
          });
          cases.push({ kind: "wrong signature", body, expected: "rings:3" });
          break;
        }
        case 3:
          cases.push({ kind: "wrong supplier", body: reencode((r) => ((r.meta.supplierOperatorAddress = pick(others)), r)), expected: "relayer_proxy:9" });
          break;
        case 4:
          cases.push({ kind: "expired session", body: pick(stale), expected: "relay_authenticator:1" });
          break;
        case 5:
          cases.push({
            kind: "unknown service",
            body: reencode((r) => ((r.meta.sessionHeader!.serviceId = pick(["svc-a", "openai", "x_y", "ollama"])), r)),
            expected: "relayer_proxy:3",
          });
          break;
        default: {
          const body = new Uint8Array(MAX_BODY + 1 + Math.floor(random() * 4096));
          body.set(pick(valid).bytes);
          cases.push({ kind: "oversize", body, expected: "relayer_proxy:13" });
        }
      }
    }

    const post = (body: Uint8Array) => postBytes(`${server.url}/`, body, agent);

    const mismatches: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) {
          const index = next++;
          const { kind, body, expected } = cases[index];
          const reply = decodeReply(await post(body)).response;
          const error = reply.relayMinerError;
          const got = error ? `${error.codespace}:${error.code}` : "no error";
          if (got !== expected) mismatches.push(`#${index} ${kind}: expected ${expected}, got ${got} (${error?.message ?? ""})`);
          else if (reply.meta.supplierOperatorSignature.length !== 0) mismatches.push(`#${index} ${kind}: an error reply must not be signed`);
        }
      }),
    );
    assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} of ${cases.length} bodies got the wrong answer`);

    for (const tree of h.trees.values()) assert.equal(tree.minedRelays, 0);
    h.ledger.flush();
    assert.equal(h.ledger.minedRelayCount(), 0);
    assert.equal(h.ledger.relays().length, 0);

    // Still up and serving: a genuine relay afterwards is answered and mined.
    const fresh = signedRelayRequest({ header: current, operatorAddress: h.operator.address, signer: h.app, body: '{"after":"fuzz"}' });
    const reply = decodeReply(await post(fresh.bytes));
    assert.equal(reply.response.relayMinerError, undefined);
    assert.equal([...h.trees.values()][0].minedRelays, 1);
  } finally {
    agent.destroy();
    await server.stop();
    await ringChecker.close();
    h.close();
  }
});
