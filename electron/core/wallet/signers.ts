import { DirectSecp256k1Wallet, type AccountData, type DirectSignResponse, type OfflineDirectSigner } from "@cosmjs/proto-signing";
import type { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { POKT_ADDRESS_PREFIX } from "../pokt/keys.js";
import { signResponseHash, signResponseSignableBytes } from "../pokt/response-signature.js";

/**
 * How signers reach keys. The wallet answers `privateKeyOf` only while unlocked, so a signer handed out earlier
 * stops working the moment the wallet is locked instead of keeping a copy of the key alive.
 */
export interface SigningKeys {
  publicKeyOf(address: string): Uint8Array;
  /** The live key: use it at once, never keep it. Throws ApiError("locked") while locked. */
  privateKeyOf(address: string): Uint8Array;
}

/** A cosmjs SIGN_MODE_DIRECT signer for one wallet account (the operator's fees, claims and proofs). */
export class WalletDirectSigner implements OfflineDirectSigner {
  constructor(
    private readonly keys: SigningKeys,
    readonly address: string,
  ) {}

  async getAccounts(): Promise<readonly AccountData[]> {
    return [{ address: this.address, algo: "secp256k1", pubkey: this.keys.publicKeyOf(this.address) }];
  }

  async signDirect(signerAddress: string, signDoc: SignDoc): Promise<DirectSignResponse> {
    if (signerAddress !== this.address) throw new Error(`This signer signs for ${this.address}, not ${signerAddress}`);
    const key = Uint8Array.from(this.keys.privateKeyOf(this.address));
    try {
      const wallet = await DirectSecp256k1Wallet.fromKey(key, POKT_ADDRESS_PREFIX);
      return await wallet.signDirect(signerAddress, signDoc);
    } finally {
      key.fill(0);
    }
  }
}

/** Signs RelayResponses as the supplier operator (docs/protocol.md §4.5); synchronous, it runs once per relay. */
export class RelayResponseSigner {
  constructor(
    private readonly keys: SigningKeys,
    readonly address: string,
  ) {}

  get publicKey(): Uint8Array {
    return this.keys.publicKeyOf(this.address);
  }

  /** 64-byte R‖S over the signable RelayResponse bytes (hashed twice, as cosmos-sdk does). */
  signSignableBytes(signableBytes: Uint8Array): Uint8Array {
    return signResponseSignableBytes(signableBytes, this.keys.privateKeyOf(this.address));
  }

  /** Same, from RelayResponse.GetSignableBytesHash() when the caller already has it. */
  signHash(msgHash: Uint8Array): Uint8Array {
    return signResponseHash(msgHash, this.keys.privateKeyOf(this.address));
  }
}
