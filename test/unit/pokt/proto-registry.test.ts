// The pocket Msgs work inside cosmjs: a Registry built from pocketTypes encodes and decodes a TxBody
// holding them, and a SIGN_MODE_DIRECT signature over that body verifies.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { Secp256k1, Secp256k1Signature, sha256 } from "@cosmjs/crypto";
import { fromBase64 } from "@cosmjs/encoding";
import {
  DirectSecp256k1Wallet,
  encodePubkey,
  makeAuthInfoBytes,
  makeSignBytes,
  makeSignDoc,
  Registry,
  type EncodeObject,
} from "@cosmjs/proto-signing";
import { hexToBytes } from "@noble/hashes/utils.js";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { pocketTypes, proof, supplier } from "../../../electron/core/pokt/proto/index.js";

const operator = "pokt1zrn4r9krsq2ex8xcktk8w40wnq5ev6c508zzmr";
const owner = "pokt12tn7z9pc0k3uascf78lv0s6lzsnv6ss3u0x8ed";
/** The §15.4 supplier key: SHA256("pokt-ts-vector-supplier") mod n. */
const operatorKey = hexToBytes("93cfd3f4e710a74431b704fe7f7698a8250de98688976be9230fcb47b9c0be12");

const stake = {
  typeUrl: "/pocket.supplier.MsgStakeSupplier",
  value: {
    signer: owner,
    ownerAddress: owner,
    operatorAddress: operator,
    stake: { denom: "upokt", amount: "59500000000" },
    services: [
      {
        serviceId: "llm",
        endpoints: [{ url: "https://rm.example.com", rpcType: 4, configs: [] }],
        revShare: [{ address: owner, revSharePercentage: 100n }],
      },
    ],
  },
} satisfies EncodeObject;

const claim = {
  typeUrl: "/pocket.proof.MsgCreateClaim",
  value: {
    supplierOperatorAddress: operator,
    sessionHeader: {
      applicationAddress: owner,
      serviceId: "llm",
      sessionId: "7d77021baaa64d9ba0806b932d501f89b54017c8972621cc2b5f0bf6b945b7ea",
      // Plain numbers are accepted, as cosmjs callers often pass them.
      sessionStartBlockHeight: 101,
      sessionEndBlockHeight: 120,
    },
    rootHash: hexToBytes("13ca8d563786d35043df536bdeec3abf35553c332ce5e6f94a5219fdeb891f9f00000000000000640000000000000001"),
  },
} satisfies EncodeObject;

describe("cosmjs Registry with pocketTypes", () => {
  const registry = new Registry(pocketTypes);

  test("a TxBody with MsgStakeSupplier and MsgCreateClaim encodes and decodes back", () => {
    const bodyBytes = registry.encode({
      typeUrl: "/cosmos.tx.v1beta1.TxBody",
      value: { messages: [stake, claim], memo: "pocketforge" },
    });
    const rawBody = TxBody.decode(bodyBytes);
    assert.deepEqual(
      rawBody.messages.map((any) => any.typeUrl),
      ["/pocket.supplier.MsgStakeSupplier", "/pocket.proof.MsgCreateClaim"],
    );
    assert.deepEqual(rawBody.messages[1].value, proof.MsgCreateClaim.toBytes(proof.MsgCreateClaim.fromPartial(claim.value)));

    const body = registry.decodeTxBody(bodyBytes);
    assert.equal(body.memo, "pocketforge");
    assert.deepEqual(body.messages[0], supplier.MsgStakeSupplier.fromPartial(stake.value));
    assert.deepEqual(body.messages[1], proof.MsgCreateClaim.fromPartial(claim.value));
    assert.equal(body.messages[1].sessionHeader?.sessionStartBlockHeight, 101n);
  });

  test("the registry's Msg bytes are the codec's canonical bytes", () => {
    assert.deepEqual(
      registry.encode(claim),
      proof.MsgCreateClaim.toBytes(proof.MsgCreateClaim.fromPartial(claim.value)),
    );
  });

  test("a SIGN_MODE_DIRECT signature over a claim tx verifies, and the TxRaw decodes back", async () => {
    const wallet = await DirectSecp256k1Wallet.fromKey(operatorKey, "pokt");
    const [account] = await wallet.getAccounts();
    assert.equal(account.address, operator);

    const bodyBytes = registry.encode({ typeUrl: "/cosmos.tx.v1beta1.TxBody", value: { messages: [claim] } });
    const authInfoBytes = makeAuthInfoBytes(
      [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(account.pubkey)), sequence: 3 }],
      [{ denom: "upokt", amount: "1" }],
      200_000,
      undefined,
      undefined,
    );
    const signDoc = makeSignDoc(bodyBytes, authInfoBytes, "pocket", 42);
    const { signature, signed } = await wallet.signDirect(operator, signDoc);
    const signatureBytes = fromBase64(signature.signature);
    const verified = await Secp256k1.verifySignature(
      Secp256k1Signature.fromFixedLength(signatureBytes),
      sha256(makeSignBytes(signed)),
      account.pubkey,
    );
    assert.equal(verified, true);

    const txBytes = TxRaw.encode(
      TxRaw.fromPartial({ bodyBytes: signed.bodyBytes, authInfoBytes: signed.authInfoBytes, signatures: [signatureBytes] }),
    ).finish();
    const tx = TxRaw.decode(txBytes);
    assert.deepEqual(tx.signatures, [signatureBytes]);
    const [message] = registry.decodeTxBody(tx.bodyBytes).messages;
    assert.deepEqual(message, proof.MsgCreateClaim.fromPartial(claim.value));
  });
});
