// The localnet's block hashes are CometBFT header hashes, pinned by CometBFT's own vector.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import {
  dataHash,
  encodeBlockId,
  formatBlockTime,
  headerHash,
  merkleRoot,
  parseBlockTime,
  type Header,
} from "../../../electron/core/localnet/header.js";

const sum = (label: string) => sha256(utf8ToBytes(label));

/** CometBFT types/block_test.go TestHeaderHash: every field set, SHA-256 of labels. */
function cometbftVectorHeader(): Header {
  return {
    version: { block: 1n, app: 2n },
    chainId: "chainId",
    height: 3n,
    time: { seconds: BigInt(Date.UTC(2019, 9, 13, 16, 14, 44) / 1000), nanos: 0 },
    lastBlockId: { hash: new Uint8Array(32), parts: { total: 6, hash: new Uint8Array(32) } },
    lastCommitHash: sum("last_commit_hash"),
    dataHash: sum("data_hash"),
    validatorsHash: sum("validators_hash"),
    nextValidatorsHash: sum("next_validators_hash"),
    consensusHash: sum("consensus_hash"),
    appHash: sum("app_hash"),
    lastResultsHash: sum("last_results_hash"),
    evidenceHash: sum("evidence_hash"),
    proposerAddress: sum("proposer_address").subarray(0, 20),
  };
}

describe("localnet header hash", () => {
  test("reproduces CometBFT's header hash vector", () => {
    assert.equal(
      bytesToHex(headerHash(cometbftVectorHeader())).toUpperCase(),
      "F740121F553B5418C3EFBD343C2DBFE9E007BB67B0D020A0741374BAB65242A4",
    );
  });

  test("changes with any field, including sub-second time", () => {
    const base = bytesToHex(headerHash(cometbftVectorHeader()));
    assert.notEqual(bytesToHex(headerHash({ ...cometbftVectorHeader(), appHash: new Uint8Array(32) })), base);
    assert.notEqual(bytesToHex(headerHash({ ...cometbftVectorHeader(), height: 4n })), base);
    assert.notEqual(bytesToHex(headerHash({ ...cometbftVectorHeader(), time: { ...cometbftVectorHeader().time, nanos: 1 } })), base);
  });

  test("an empty last block id (height 1) still encodes its non-nullable part-set header", () => {
    assert.equal(bytesToHex(encodeBlockId({ hash: new Uint8Array(0), parts: { total: 0, hash: new Uint8Array(0) } })), "1200");
  });

  test("merkle root follows RFC 6962 (empty, leaves, split at the largest power of two)", () => {
    assert.equal(bytesToHex(merkleRoot([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const leaf = (s: string) => sha256(new Uint8Array([0, ...utf8ToBytes(s)]));
    const inner = (a: Uint8Array, b: Uint8Array) => sha256(new Uint8Array([1, ...a, ...b]));
    assert.equal(bytesToHex(merkleRoot(["a", "b", "c"].map(utf8ToBytes))), bytesToHex(inner(inner(leaf("a"), leaf("b")), leaf("c"))));
    const tx = utf8ToBytes("tx");
    assert.equal(bytesToHex(dataHash([tx])), bytesToHex(sha256(new Uint8Array([0, ...sha256(tx)]))));
  });

  test("block times print as RFC 3339 with trimmed nanoseconds and parse back", () => {
    assert.equal(formatBlockTime({ seconds: 1_760_000_000n, nanos: 120_000_000 }), "2025-10-09T08:53:20.12Z");
    assert.equal(formatBlockTime({ seconds: 1_760_000_000n, nanos: 0 }), "2025-10-09T08:53:20Z");
    assert.deepEqual(parseBlockTime("2025-10-09T08:53:20.000000007Z"), { seconds: 1_760_000_000n, nanos: 7 });
  });
});
