// RelayResponse signable bytes (docs/protocol.md §4.5), pinned by the end-to-end example (docs/protocol.md §14.4).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { RelayResponse } from "../../../electron/core/pokt/proto/service.js";
import { relayResponseSignableBytes, relayResponseSignableHash } from "../../../electron/core/pokt/relay-response-signable.js";
import { verifyResponseSignature } from "../../../electron/core/pokt/response-signature.js";

const wireResponseHex =
  "0abc010a780a2b706f6b743132746e377a397063306b33756173636637386c763073366c7a736e763673733375307838656412036c6c6d1a40" +
  "376437373032316261616136346439626130383036623933326435303166383962353430313763383937323632316363326235663062663662" +
  "39343562376561206528781240680d5d004d84cc73a5ec2df37bf3171bd292f650c7ebdaa307c84415093f75ac08e03797e623759d4000c" +
  "42604bf87a8746a6433a0e79d143fbbbc5812ff0d0512800108c80112300a0c436f6e74656e742d5479706512200a0c436f6e74656e742d54" +
  "79706512106170706c69636174696f6e2f6a736f6e1a497b226964223a2231222c2263686f69636573223a5b7b226d657373616765223a7b22" +
  "726f6c65223a22617373697374616e74222c22636f6e74656e74223a2268656c6c6f227d7d5d7d22209b30a612872dfb80d88dd9b1b051afc2" +
  "bf3fec58e1d455534e43215c195f25c9";
const signableHex =
  "0a7a0a780a2b706f6b743132746e377a397063306b33756173636637386c763073366c7a736e763673733375307838656412036c6c6d1a4037" +
  "643737303231626161613634643962613038303662393332643530316638396235343031376338393732363231636332623566306266366239" +
  "34356237656120652878" +
  "22209b30a612872dfb80d88dd9b1b051afc2bf3fec58e1d455534e43215c195f25c9";
const signableHashHex = "cb6e98c02b5b0b4ad5bb0c20dfda20359a37422cdbdb76a96da8cc1a19d998b9";
const supplierPublicKeyHex = "038dd3afab4b6d12c8765125df809437a3ed04b49b0e25c4d8b039551ce97fea3a";

describe("relayResponseSignableBytes", () => {
  const response = RelayResponse.decode(hexToBytes(wireResponseHex));

  test("drops the signature and the hashed payload, reproducing the vector", () => {
    assert.equal(bytesToHex(relayResponseSignableBytes(response)), signableHex);
    assert.equal(bytesToHex(relayResponseSignableHash(response)), signableHashHex);
    assert.equal(response.payload.length > 0, true, "the caller's payload must be left untouched");
    assert.equal(response.meta.supplierOperatorSignature.length, 64);
  });

  test("the vector's supplier signature verifies over the signable hash and fails once the payload hash changes", () => {
    const publicKey = hexToBytes(supplierPublicKeyHex);
    const signature = response.meta.supplierOperatorSignature;
    assert.equal(verifyResponseSignature({ publicKey, msgHash: relayResponseSignableHash(response), signature }), true);
    const tampered = { ...response, payloadHash: new Uint8Array(32).fill(7) };
    assert.equal(verifyResponseSignature({ publicKey, msgHash: relayResponseSignableHash(tampered), signature }), false);
  });

  test("without a payload hash the payload stays in the signed bytes", () => {
    const legacy = { ...response, payloadHash: new Uint8Array(0) };
    const bytes = relayResponseSignableBytes(legacy);
    assert.equal(RelayResponse.decode(bytes).payload.length, response.payload.length);
  });
});
