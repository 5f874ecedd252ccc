import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import {
  PLACEHOLDER_RING_ADDRESS,
  placeholderRingPublicKey,
  publicKeyFromPrivateKey,
} from "../../../electron/core/pokt/keys.js";
import {
  CURVE_ORDER,
  checkApplicationRingSignature,
  isRingSubsetOf,
  ringAddressesForApplication,
  ringPublicKeysForAddresses,
  serializeRingSignature,
  signRing,
} from "../../../electron/core/pokt/ring/index.js";

const privateKey = (label: string) =>
  numberToBytesBE((bytesToNumberBE(sha256(utf8ToBytes(label))) % (CURVE_ORDER - 1n)) + 1n, 32);
const appKey = privateKey("membership-app");
const gatewayKey = privateKey("membership-gateway");
const strangerKey = privateKey("membership-stranger");
const [appPub, gatewayPub, strangerPub] = [appKey, gatewayKey, strangerKey].map(publicKeyFromPrivateKey);
const message = sha256(utf8ToBytes("membership-message"));

describe("expected ring addresses (poktroll ring client)", () => {
  test("an application without gateways is paired with the placeholder, sorted as strings", () => {
    const addresses = ringAddressesForApplication(
      { address: "pokt1zzzapp", delegateeGatewayAddresses: [], pendingUndelegations: [] },
      100n,
    );
    assert.deepEqual(addresses, [PLACEHOLDER_RING_ADDRESS, "pokt1zzzapp"]);
    assert.deepEqual(
      ringAddressesForApplication({ address: "pokt1aaapp", delegateeGatewayAddresses: [], pendingUndelegations: [] }, 100n),
      ["pokt1aaapp", PLACEHOLDER_RING_ADDRESS],
    );
  });

  test("undelegations recorded at or after the session end still count; earlier ones do not", () => {
    const addresses = ringAddressesForApplication(
      {
        address: "pokt1app",
        delegateeGatewayAddresses: ["pokt1gwc", "pokt1gwa"],
        pendingUndelegations: [
          { height: 99n, gatewayAddresses: ["pokt1gwold"] },
          { height: 100n, gatewayAddresses: ["pokt1gwb", "pokt1gwa"] },
          { height: 250n, gatewayAddresses: ["pokt1gwd"] },
        ],
      },
      100n,
    );
    assert.deepEqual(addresses, ["pokt1app", "pokt1gwa", "pokt1gwb", "pokt1gwc", "pokt1gwd"]);
  });

  test("pending undelegations alone replace the placeholder", () => {
    const addresses = ringAddressesForApplication(
      { address: "pokt1app", delegateeGatewayAddresses: [], pendingUndelegations: [{ height: 120n, gatewayAddresses: ["pokt1gw"] }] },
      110n,
    );
    assert.deepEqual(addresses, ["pokt1app", "pokt1gw"]);
  });

  test("addresses map to public keys, the placeholder to its well-known key", () => {
    const keys = ringPublicKeysForAddresses(["pokt1app", PLACEHOLDER_RING_ADDRESS], new Map([["pokt1app", appPub]]));
    assert.deepEqual(keys.map(bytesToHex), [bytesToHex(appPub), bytesToHex(placeholderRingPublicKey())]);
    assert.throws(() => ringPublicKeysForAddresses(["pokt1missing"], new Map()), /pokt1missing/);
  });

  test("the placeholder key and address are poktroll's", () => {
    assert.equal(bytesToHex(placeholderRingPublicKey()), "021066f293709356a33e9c13017867586baf52513e845bc4335233a15ed1e00baf");
    assert.equal(PLACEHOLDER_RING_ADDRESS, "pokt1v9utztg8z8e6jv9xzv7rnt3m38570xsyjr2crf");
  });
});

describe("subset rule", () => {
  test("order and repetition are ignored; any foreign key fails", () => {
    assert.equal(isRingSubsetOf([gatewayPub, appPub], [appPub, gatewayPub]), true);
    assert.equal(isRingSubsetOf([appPub, appPub], [appPub, gatewayPub]), true);
    assert.equal(isRingSubsetOf([appPub], [appPub, gatewayPub]), true);
    assert.equal(isRingSubsetOf([appPub, strangerPub], [appPub, gatewayPub]), false);
  });

  const expectedRingPublicKeys = [appPub, gatewayPub];
  const signed = (ring: Uint8Array[], key: Uint8Array) => serializeRingSignature(signRing({ message, ring, privateKey: key }));

  test("sorted, unsorted and [app, app] rings from the application's keys are accepted", () => {
    for (const [ring, key] of [
      [[appPub, gatewayPub], gatewayKey],
      [[gatewayPub, appPub], gatewayKey],
      [[appPub, appPub], appKey],
    ] as const) {
      const check = checkApplicationRingSignature({ signature: signed([...ring], key), message, expectedRingPublicKeys });
      assert.equal(check.valid, true);
    }
  });

  test("a valid signature whose ring holds a stranger is refused before verification", () => {
    const check = checkApplicationRingSignature({ signature: signed([appPub, strangerPub], strangerKey), message, expectedRingPublicKeys });
    assert.deepEqual({ valid: check.valid, reason: check.valid ? undefined : check.reason }, { valid: false, reason: "unexpected_ring_member" });
  });

  test("malformed bytes and wrong messages are reported, not thrown", () => {
    const malformed = checkApplicationRingSignature({ signature: new Uint8Array([0, 0, 0, 2, 1]), message, expectedRingPublicKeys });
    assert.equal(malformed.valid === false && malformed.reason, "malformed");
    const wrongMessage = checkApplicationRingSignature({
      signature: signed([appPub, gatewayPub], gatewayKey),
      message: sha256(message),
      expectedRingPublicKeys,
    });
    assert.equal(wrongMessage.valid === false && wrongMessage.reason, "invalid_signature");
  });
});
