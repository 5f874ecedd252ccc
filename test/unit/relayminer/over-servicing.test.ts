import assert from "node:assert/strict";
import { test } from "node:test";
import { TEST_SERVICE_ID } from "../../fixtures/relayminer/chain.js";
import { createHarness, type Harness } from "../../fixtures/relayminer/harness.js";
import { decodeReply, signedRelayRequest } from "../../fixtures/relayminer/relays.js";

// cupr 100 × CUTTM 42e6 / granularity 1e6 = 4200 upokt per relay. Budget = stake / 15 suppliers / (1 pending
// session + 1) = 390000 / 30 = 13000 upokt: three relays fit, the fourth does not.
const STAKE = 390_000n;

function relay(h: Harness, i: number): Promise<Uint8Array> {
  const header = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, 5n).header!;
  return h.relay(signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: `{"i":${i}}` }).bytes);
}

test("an application past its per-session budget is refused with error 7", async () => {
  const h = createHarness({ appStakeUpokt: STAKE });
  try {
    for (let i = 0; i < 3; i++) assert.equal(decodeReply(await relay(h, i)).response.relayMinerError, undefined, `relay ${i}`);
    const refused = decodeReply(await relay(h, 3)).response.relayMinerError;
    assert.deepEqual([refused?.codespace, refused?.code], ["relayer_proxy", 7]);
    const tree = [...h.trees.values()][0];
    assert.equal(tree.budgetUpokt, 13_000n);
    assert.equal(tree.minedRelays, 3);
  } finally {
    h.close();
  }
});

test("with over-servicing enabled the extra relay is served but never mined", async () => {
  const h = createHarness({ appStakeUpokt: STAKE, enableOverServicing: true });
  try {
    for (let i = 0; i < 4; i++) assert.equal(decodeReply(await relay(h, i)).response.relayMinerError, undefined, `relay ${i}`);
    assert.equal([...h.trees.values()][0].minedRelays, 3);
    assert.equal(h.metrics.relaysDroppedTotal.get([TEST_SERVICE_ID, "over_serviced"]), 1);
  } finally {
    h.close();
  }
});

test("failed relays give their budget back", async () => {
  let fail = true;
  const h = createHarness({
    appStakeUpokt: STAKE,
    handler: (_req, res) => {
      res.writeHead(fail ? 500 : 200, { "Content-Type": "application/json" }).end("{}");
    },
  });
  try {
    for (let i = 0; i < 5; i++) await relay(h, i); // backend 500s: served, not mined, not charged
    fail = false;
    for (let i = 5; i < 8; i++) assert.equal(decodeReply(await relay(h, i)).response.relayMinerError, undefined, `relay ${i}`);
    assert.equal([...h.trees.values()][0].minedRelays, 3);
  } finally {
    h.close();
  }
});
