// Raw chain failures become actionable sentences, by (codespace, code) or, when cosmjs dropped the codespace,
// by the registered description in the log.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ChainTxError, explainChainFailure, isNotFoundError, parseQueryFailure } from "../../../electron/core/chain/errors.js";

describe("explainChainFailure", () => {
  test("maps registered errors to a reason and a sentence that keeps the chain's words", () => {
    const failure = explainChainFailure({
      code: 1121,
      codespace: "proof",
      log: "failed to execute message; message index: 0: current block height (30) is outside the claim window [32, 36]: claim attempted outside of the session's claim window",
    });
    assert.equal(failure.reason, "claim_outside_window");
    assert.match(failure.message, /^The claim window of this session is not open/);
    assert.match(failure.message, /\(chain: current block height \(30\) is outside the claim window \[32, 36\]/);
    assert.doesNotMatch(failure.message, /message index/);
  });

  test("the same code in another codespace is a different error", () => {
    assert.equal(explainChainFailure({ code: 1101, codespace: "supplier", log: "x: invalid supplier stake" }).reason, "stake_invalid");
    assert.equal(explainChainFailure({ code: 1101, codespace: "proof", log: "x: invalid address" }).reason, "rejected");
  });

  test("without a codespace (a failed simulation) the registered description identifies the error", () => {
    const failure = explainChainFailure({ code: 5, log: "spendable balance 1upokt is smaller than 5upokt: insufficient funds" });
    assert.equal(failure.reason, "insufficient_funds");
    assert.equal(failure.codespace, "sdk");
  });

  test("unknown failures are reported with the chain's words", () => {
    const failure = explainChainFailure({ code: 77, codespace: "mystery", log: "something odd" });
    assert.equal(failure.reason, "rejected");
    assert.equal(failure.message, "The chain rejected the transaction: something odd");
    assert.equal(new ChainTxError(failure, "deliver", "AB", 3).message, failure.message);
  });

  test("cosmjs query failures and gRPC NotFound are recognised", () => {
    assert.deepEqual(parseQueryFailure(new Error("Query failed with (18): bad\nthing")), { code: 18, log: "bad\nthing" });
    assert.equal(parseQueryFailure(new Error("socket hang up")), undefined);
    assert.equal(isNotFoundError(new Error("Query failed with (38): rpc error: code = NotFound desc = account x not found")), true);
    assert.equal(isNotFoundError(new Error("rpc error: code = InvalidArgument desc = x")), false);
  });
});
