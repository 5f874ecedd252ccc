// Claim and proof fees as the relay miner weighs them and staking shows them: a simulated claim transaction,
// a proof priced from a claim's gas.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { EncodeObject, OfflineDirectSigner } from "@cosmjs/proto-signing";
import { ClaimFeeEstimator, DEFAULT_CLAIM_GAS, PROOF_TO_CLAIM_GAS } from "../../../electron/core/chain/claim-fees.js";
import type { ChainClient } from "../../../electron/core/chain/client.js";
import { ChainTxError, explainChainFailure } from "../../../electron/core/chain/errors.js";
import { feeUpokt, gasLimitFor } from "../../../electron/core/chain/fees.js";
import { DEFAULT_MIN_GAS_PRICE } from "../../../electron/core/chain/networks.js";
import type { SessionHeader } from "../../../electron/core/pokt/proto/session.js";

const OPERATOR = "pokt1operator";
const header: SessionHeader = {
  applicationAddress: "pokt1app",
  serviceId: "llm",
  sessionId: "s1",
  sessionStartBlockHeight: 1n,
  sessionEndBlockHeight: 10n,
};
const claim = { header, rootHash: new Uint8Array(48).fill(7) };

/** The client's simulate, answering `answer`; fees priced by the real computation at the default gas price. */
function fakeClient(answer: (messages: readonly EncodeObject[]) => number) {
  const simulated: { signer: OfflineDirectSigner; address: string; messages: readonly EncodeObject[] }[] = [];
  const client = {
    async simulate(signer: OfflineDirectSigner, address: string, messages: readonly EncodeObject[]) {
      simulated.push({ signer, address, messages });
      return answer(messages);
    },
    feeForSimulatedGas: (gas: number, multiplier?: number) => feeUpokt(gasLimitFor(gas, multiplier), DEFAULT_MIN_GAS_PRICE),
  };
  return { client: client as unknown as ChainClient, simulated };
}

const signer = {} as OfflineDirectSigner;
const fee = (gas: number, multiplier = 1.5) => feeUpokt(gasLimitFor(gas, multiplier), DEFAULT_MIN_GAS_PRICE);

test("a claim transaction is simulated with the operator's signer; a proof costs three claims' gas", async () => {
  const { client, simulated } = fakeClient((messages) => 1_000_000 * messages.length);
  const estimator = new ClaimFeeEstimator(client, (address) => (address === OPERATOR ? signer : assert.fail(address)));
  assert.equal(estimator.proofFee(), fee(DEFAULT_CLAIM_GAS * PROOF_TO_CLAIM_GAS), "before any simulation: the default claim gas");

  assert.equal(await estimator.claimFee(OPERATOR, [claim, claim]), fee(2_000_000));
  assert.equal(simulated.length, 1);
  assert.equal(simulated[0].signer, signer);
  assert.equal(simulated[0].address, OPERATOR);
  assert.deepEqual(simulated[0].messages.map((m) => m.typeUrl), ["/pocket.proof.MsgCreateClaim", "/pocket.proof.MsgCreateClaim"]);
  assert.equal(estimator.proofFee(), fee(1_000_000 * PROOF_TO_CLAIM_GAS), "per claim, not per transaction");
});

test("a session's fees before any claim exists are a default claim and proof, never zero; pricing no claim is refused", async () => {
  const { client, simulated } = fakeClient(() => assert.fail("nothing is simulated"));
  const estimator = new ClaimFeeEstimator(client, () => signer);
  const typical = estimator.typicalSessionFees();
  assert.equal(typical.claimUpokt, fee(DEFAULT_CLAIM_GAS));
  assert.equal(typical.proofUpokt, fee(DEFAULT_CLAIM_GAS * PROOF_TO_CLAIM_GAS));
  assert.ok(typical.claimUpokt > 0n && typical.proofUpokt > 0n);
  await assert.rejects(estimator.claimFee(OPERATOR, []), /at least one claim/);
  assert.equal(simulated.length, 0);
});

test("the gas multiplier given applies to claims and proofs", async () => {
  const { client } = fakeClient(() => 3_000_001);
  const estimator = new ClaimFeeEstimator(client, () => signer, 2);
  assert.equal(await estimator.claimFee(OPERATOR, [claim]), fee(3_000_001, 2));
  assert.equal(estimator.proofFee(), fee(3_000_001 * PROOF_TO_CLAIM_GAS, 2));
});

test("a claim the chain refuses to simulate (outside its window) is priced at the default claim gas; other failures surface", async () => {
  const refused = new ChainTxError(explainChainFailure({ code: 1, codespace: "proof", log: "claim window closed" }), "simulate");
  const { client } = fakeClient(() => {
    throw refused;
  });
  const estimator = new ClaimFeeEstimator(client, () => signer);
  assert.equal(await estimator.claimFee(OPERATOR, [claim, claim, claim]), fee(DEFAULT_CLAIM_GAS * 3));
  assert.equal(estimator.proofFee(), fee(DEFAULT_CLAIM_GAS * PROOF_TO_CLAIM_GAS));

  const down = fakeClient(() => {
    throw new Error("connection refused");
  });
  await assert.rejects(new ClaimFeeEstimator(down.client, () => signer).claimFee(OPERATOR, [claim]), /connection refused/);
});
