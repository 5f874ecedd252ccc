// Transaction fees: one computation for estimates, reported fees and the localnet's minimum-fee check, equal to
// what cosmjs charges when it signs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Decimal } from "@cosmjs/math";
import { GasPrice, calculateFee } from "@cosmjs/stargate";
import { DEFAULT_GAS_MULTIPLIER, feeForGas, feeUpokt, gasLimitFor } from "../../../electron/core/chain/fees.js";
import { DEFAULT_MIN_GAS_PRICE } from "../../../electron/core/chain/networks.js";
import { requiredFee } from "../../../electron/core/localnet/pocket-app.js";

describe("transaction fees", () => {
  test("gas × price, rounded up to a whole upokt", () => {
    assert.equal(feeUpokt(0, DEFAULT_MIN_GAS_PRICE), 0n);
    assert.equal(feeUpokt(1, DEFAULT_MIN_GAS_PRICE), 1n);
    assert.equal(feeUpokt(1_000_000, DEFAULT_MIN_GAS_PRICE), 1n);
    assert.equal(feeUpokt(1_000_001, DEFAULT_MIN_GAS_PRICE), 2n);
    assert.equal(feeUpokt(300_000n, "0.025upokt"), 7_500n);
    assert.equal(feeUpokt(3, "0.5upokt"), 2n);
  });

  test("equals cosmjs' calculateFee, which sets what a signed transaction pays", () => {
    const prices = [DEFAULT_MIN_GAS_PRICE, "0.025upokt", "1upokt", "0.000000000000000001upokt", "12.3456789upokt"];
    const limits = [0, 1, 7, 99_999, 100_000, 200_001, 1_234_567, 987_654_321, Number.MAX_SAFE_INTEGER];
    for (const price of prices) {
      for (const gasLimit of limits) {
        const [coin] = calculateFee(gasLimit, GasPrice.fromString(price)).amount;
        assert.equal(feeUpokt(gasLimit, price), BigInt(coin.amount), `${gasLimit} gas at ${price}`);
        assert.equal(coin.denom, "upokt");
      }
    }
  });

  test("is in upokt: a price in another denom is refused rather than added to upokt", () => {
    assert.throws(() => feeUpokt(200_000, "0.025stake"), RangeError);
    assert.equal(feeUpokt(200_000, GasPrice.fromString(DEFAULT_MIN_GAS_PRICE)), 1n);
  });

  test("gas limits are whole, non-negative numbers", () => {
    assert.throws(() => feeUpokt(1.5, DEFAULT_MIN_GAS_PRICE), RangeError);
    assert.throws(() => feeForGas(-1n, Decimal.fromUserInput("1", 6)), RangeError);
  });

  test("the gas limit is the simulated gas × 1.5, rounded up (as signAndBroadcast sets it)", () => {
    assert.equal(DEFAULT_GAS_MULTIPLIER, 1.5);
    assert.equal(gasLimitFor(100_000), 150_000);
    assert.equal(gasLimitFor(100_001), 150_002);
    assert.equal(gasLimitFor(3, 1.3), 4);
  });

  test("the localnet's validators demand exactly what the client pays", () => {
    const price = Decimal.fromUserInput("0.000001", 18);
    for (const gas of [0n, 1n, 999_999n, 1_000_000n, 1_000_001n, 123_456_789n]) {
      assert.equal(requiredFee(gas, price), feeUpokt(gas, DEFAULT_MIN_GAS_PRICE), `${gas} gas`);
    }
  });
});
