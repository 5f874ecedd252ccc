import assert from "node:assert/strict";
import { test } from "node:test";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { proofPath } from "../../../electron/core/pokt/proof-path.js";

test("proof path vectors of docs/protocol.md §14.4 and §14.5", () => {
  assert.equal(
    bytesToHex(proofPath(hexToBytes("2f511441d42c432f4dddeb1ae8e2624d4d00b0f5f79c062f09175bacc3b2028b"), "7d77021baaa64d9ba0806b932d501f89b54017c8972621cc2b5f0bf6b945b7ea")),
    "2120c9ebcea0e10b76a213b6d94b0128a69b3832799fa6be3e6ea844bd3e752a",
  );
  assert.equal(bytesToHex(proofPath(sha256(utf8ToBytes("seed-0")), "session_id")), "f492577c5b40b30f710813276c75e2994a2e4caa64e3184306a260d36a810fff");
});
