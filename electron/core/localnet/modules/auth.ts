// x/auth: base accounts (number, sequence, public key) and module account addresses.
import { toBech32 } from "@cosmjs/encoding";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { Any } from "cosmjs-types/google/protobuf/any";
import { notFound } from "../errors.js";
import { Collection, type Store } from "../state/store.js";

export const SECP256K1_PUBKEY_TYPE_URL = "/cosmos.crypto.secp256k1.PubKey";
export const BASE_ACCOUNT_TYPE_URL = "/cosmos.auth.v1beta1.BaseAccount";

/** A module account's address: the first 20 bytes of SHA-256(name), as cosmos-sdk derives it. */
export function moduleAddress(name: string): string {
  return toBech32("pokt", sha256(utf8ToBytes(name)).subarray(0, 20));
}

const baseAccountCodec = {
  toBytes: (value: BaseAccount) => BaseAccount.encode(value).finish(),
  decode: (bytes: Uint8Array) => BaseAccount.decode(bytes),
};

const NEXT_NUMBER_KEY = "next_account_number";

export class AuthModule {
  private readonly accounts: Collection<BaseAccount>;

  constructor(private readonly store: Store) {
    this.accounts = new Collection(store, "account", baseAccountCodec);
  }

  get(address: string): BaseAccount | undefined {
    return this.accounts.get(address);
  }

  /** The account, created with the next account number when it does not exist yet. */
  ensure(address: string): BaseAccount {
    const existing = this.accounts.get(address);
    if (existing) return existing;
    const numberBytes = this.store.get("auth_meta", NEXT_NUMBER_KEY);
    const accountNumber = numberBytes ? BigInt(new TextDecoder().decode(numberBytes)) : 0n;
    this.store.set("auth_meta", NEXT_NUMBER_KEY, utf8ToBytes((accountNumber + 1n).toString()));
    const account = BaseAccount.fromPartial({ address, accountNumber, sequence: 0n });
    this.accounts.set(address, account);
    return account;
  }

  publicKeyOf(address: string): Uint8Array | undefined {
    const pubKey = this.accounts.get(address)?.pubKey;
    if (!pubKey || pubKey.typeUrl !== SECP256K1_PUBKEY_TYPE_URL) return undefined;
    return PubKey.decode(pubKey.value).key;
  }

  setPublicKey(address: string, key: Uint8Array): void {
    const account = this.ensure(address);
    account.pubKey = Any.fromPartial({ typeUrl: SECP256K1_PUBKEY_TYPE_URL, value: PubKey.encode({ key }).finish() });
    this.accounts.set(address, account);
  }

  incrementSequence(address: string): void {
    const account = this.ensure(address);
    account.sequence += 1n;
    this.accounts.set(address, account);
  }

  queryAccount(data: Uint8Array): Uint8Array {
    const { address } = QueryAccountRequest.decode(data);
    const account = this.accounts.get(address);
    if (!account) throw notFound(`account ${address} not found`);
    return QueryAccountResponse.encode({
      account: Any.fromPartial({ typeUrl: BASE_ACCOUNT_TYPE_URL, value: BaseAccount.encode(account).finish() }),
    }).finish();
  }
}
