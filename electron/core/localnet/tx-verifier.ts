// Decodes a TxRaw and checks its SIGN_MODE_DIRECT signatures exactly as a cosmos-sdk chain does: one
// signature per unique signer (in order of first appearance among the Msgs), the signer's public key must
// hash to its address, and each signature must verify over SHA-256(SignDoc{body, auth info, chain id,
// account number}) with a low-S secp256k1 signature.
import { fromBech32 } from "@cosmjs/encoding";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, SignDoc, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { sdkErrors } from "./errors.js";
import { SECP256K1_PUBKEY_TYPE_URL } from "./modules/auth.js";

export interface DecodedTx {
  raw: Uint8Array;
  /** SHA-256 of the raw bytes: the CometBFT tx hash. */
  hash: Uint8Array;
  body: TxBody;
  authInfo: AuthInfo;
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
  signatures: Uint8Array[];
  messages: Any[];
  /** Unique signers in order of first appearance. */
  signers: string[];
  /** Public key each signer info carries (undefined when omitted). */
  signerPublicKeys: Array<Uint8Array | undefined>;
  sequences: bigint[];
  gasLimit: bigint;
  /** upokt fee (other denoms are refused). */
  fee: bigint;
  feePayer: string;
}

export type SignerOf = (message: Any) => string[];

export const MAX_MEMO_CHARACTERS = 256;
const MAX_TX_BYTES = 4 * 1024 * 1024;

export function decodeTx(raw: Uint8Array, signersOf: SignerOf): DecodedTx {
  if (raw.length > MAX_TX_BYTES) throw sdkErrors.txTooLarge(`tx of ${raw.length} bytes exceeds ${MAX_TX_BYTES}`);
  let txRaw: TxRaw;
  let body: TxBody;
  let authInfo: AuthInfo;
  try {
    txRaw = TxRaw.decode(raw);
    body = TxBody.decode(txRaw.bodyBytes);
    authInfo = AuthInfo.decode(txRaw.authInfoBytes);
  } catch (error) {
    throw sdkErrors.txDecode(error instanceof Error ? error.message : String(error));
  }
  if (body.messages.length === 0) throw sdkErrors.invalidRequest("must contain at least one message");
  if (body.memo.length > MAX_MEMO_CHARACTERS) {
    throw sdkErrors.invalidRequest(`maximum number of characters is ${MAX_MEMO_CHARACTERS} but received ${body.memo.length} characters`);
  }
  const signers: string[] = [];
  for (const message of body.messages) {
    for (const signer of signersOf(message)) if (!signers.includes(signer)) signers.push(signer);
  }
  if (txRaw.signatures.length === 0) throw sdkErrors.noSignatures("no signatures supplied");
  if (txRaw.signatures.length !== signers.length) {
    throw sdkErrors.unauthorized(`wrong number of signers; expected ${signers.length}, got ${txRaw.signatures.length}`);
  }
  if (authInfo.signerInfos.length !== signers.length) {
    throw sdkErrors.unauthorized(`wrong number of signer infos; expected ${signers.length}, got ${authInfo.signerInfos.length}`);
  }
  const signerPublicKeys = authInfo.signerInfos.map((info) => {
    if (info.publicKey === undefined) return undefined;
    if (info.publicKey.typeUrl !== SECP256K1_PUBKEY_TYPE_URL) {
      throw sdkErrors.invalidPubKey(`unsupported public key type ${info.publicKey.typeUrl}`);
    }
    return PubKey.decode(info.publicKey.value).key;
  });
  for (const [index, info] of authInfo.signerInfos.entries()) {
    const mode = info.modeInfo?.single?.mode;
    if (mode !== SignMode.SIGN_MODE_DIRECT && mode !== SignMode.SIGN_MODE_UNSPECIFIED) {
      throw sdkErrors.notSupported(`signer ${index} uses sign mode ${mode}; the pocket Msgs need SIGN_MODE_DIRECT`);
    }
  }
  const fee = authInfo.fee;
  let upokt = 0n;
  for (const coin of fee?.amount ?? []) {
    if (coin.denom !== "upokt" || !/^\d+$/.test(coin.amount)) throw sdkErrors.invalidCoins(`fee ${coin.amount}${coin.denom}: pay fees in upokt`);
    upokt += BigInt(coin.amount);
  }
  return {
    raw,
    hash: sha256(raw),
    body,
    authInfo,
    bodyBytes: txRaw.bodyBytes,
    authInfoBytes: txRaw.authInfoBytes,
    signatures: txRaw.signatures,
    messages: body.messages,
    signers,
    signerPublicKeys,
    sequences: authInfo.signerInfos.map((info) => info.sequence),
    gasLimit: fee?.gasLimit ?? 0n,
    fee: upokt,
    feePayer: fee?.payer ? fee.payer : signers[0],
  };
}

/** RIPEMD160(SHA256(compressed key)) equals the bech32 payload of `address`. */
export function publicKeyMatchesAddress(publicKey: Uint8Array, address: string): boolean {
  try {
    const { data } = fromBech32(address, 1023);
    const derived = ripemd160(sha256(publicKey));
    return data.length === derived.length && data.every((byte, i) => byte === derived[i]);
  } catch {
    return false;
  }
}

/** The bytes a SIGN_MODE_DIRECT signer signs. */
export function directSignBytes(tx: DecodedTx, chainId: string, accountNumber: bigint): Uint8Array {
  return SignDoc.encode({ bodyBytes: tx.bodyBytes, authInfoBytes: tx.authInfoBytes, chainId, accountNumber }).finish();
}

/** cosmos secp256k1 VerifySignature: 64-byte R‖S, low-S only, ECDSA over SHA-256 of the sign bytes. */
export function verifyDirectSignature(publicKey: Uint8Array, signBytes: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return secp256k1.verify(signature, sha256(signBytes), publicKey, { prehash: false, lowS: true, format: "compact" });
  } catch {
    return false;
  }
}
