// x/bank: balances, transfers, mint and burn (with total supply), MsgSend and the balance queries.
import { utf8ToBytes } from "@noble/hashes/utils.js";
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
  QuerySupplyOfRequest,
  QuerySupplyOfResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { MsgSend, MsgSendResponse } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { isValidAccountAddress } from "../../pokt/relay.js";
import type { ChainContext } from "../context.js";
import { sdkErrors } from "../errors.js";
import type { Store } from "../state/store.js";
import type { AuthModule } from "./auth.js";

export const DENOM = "upokt";
const decoder = new TextDecoder();

function parseAmount(bytes: Uint8Array | undefined): bigint {
  return bytes === undefined ? 0n : BigInt(decoder.decode(bytes));
}

export class BankModule {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthModule,
  ) {}

  balance(address: string, denom = DENOM): bigint {
    return parseAmount(this.store.get("balance", `${address}/${denom}`));
  }

  supply(denom = DENOM): bigint {
    return parseAmount(this.store.get("supply", denom));
  }

  private setBalance(address: string, amount: bigint, denom: string): void {
    if (amount === 0n) this.store.delete("balance", `${address}/${denom}`);
    else this.store.set("balance", `${address}/${denom}`, utf8ToBytes(amount.toString()));
  }

  private setSupply(amount: bigint, denom: string): void {
    this.store.set("supply", denom, utf8ToBytes(amount.toString()));
  }

  private debit(address: string, amount: bigint, denom: string): void {
    const balance = this.balance(address, denom);
    if (balance < amount) {
      throw sdkErrors.insufficientFunds(`spendable balance ${balance}${denom} is smaller than ${amount}${denom}`);
    }
    this.setBalance(address, balance - amount, denom);
  }

  private credit(address: string, amount: bigint, denom: string): void {
    this.auth.ensure(address); // receiving funds creates the account, as in cosmos-sdk
    this.setBalance(address, this.balance(address, denom) + amount, denom);
  }

  send(from: string, to: string, amount: bigint, denom = DENOM, ctx?: ChainContext): void {
    if (amount < 0n) throw sdkErrors.invalidCoins(`negative amount ${amount}${denom}`);
    if (amount === 0n) return;
    this.debit(from, amount, denom);
    this.credit(to, amount, denom);
    ctx?.events.emit("transfer", { recipient: to, sender: from, amount: `${amount}${denom}` });
  }

  mint(to: string, amount: bigint, denom = DENOM, ctx?: ChainContext): void {
    if (amount <= 0n) return;
    this.credit(to, amount, denom);
    this.setSupply(this.supply(denom) + amount, denom);
    ctx?.events.emit("coinbase", { minter: to, amount: `${amount}${denom}` });
  }

  burn(from: string, amount: bigint, denom = DENOM, ctx?: ChainContext): void {
    if (amount <= 0n) return;
    this.debit(from, amount, denom);
    this.setSupply(this.supply(denom) - amount, denom);
    ctx?.events.emit("burn", { burner: from, amount: `${amount}${denom}` });
  }

  handleSend(ctx: ChainContext, msg: MsgSend): Uint8Array {
    if (!isValidAccountAddress(msg.fromAddress)) throw sdkErrors.invalidAddress(`invalid from address ${msg.fromAddress}`);
    if (!isValidAccountAddress(msg.toAddress)) throw sdkErrors.invalidAddress(`invalid to address ${msg.toAddress}`);
    if (msg.amount.length === 0) throw sdkErrors.invalidCoins("no coins to send");
    for (const coin of msg.amount) {
      if (!/^\d+$/.test(coin.amount) || coin.denom === "") throw sdkErrors.invalidCoins(`${coin.amount}${coin.denom}`);
      this.send(msg.fromAddress, msg.toAddress, BigInt(coin.amount), coin.denom, ctx);
    }
    return MsgSendResponse.encode({}).finish();
  }

  queryBalance(data: Uint8Array): Uint8Array {
    const request = QueryBalanceRequest.decode(data);
    const amount = this.balance(request.address, request.denom);
    return QueryBalanceResponse.encode({ balance: { denom: request.denom, amount: amount.toString() } }).finish();
  }

  queryAllBalances(data: Uint8Array): Uint8Array {
    const request = QueryAllBalancesRequest.decode(data);
    const balances = this.store
      .scan("balance", `${request.address}/`)
      .map((entry) => ({ denom: entry.key.slice(request.address.length + 1), amount: decoder.decode(entry.value) }));
    return QueryAllBalancesResponse.encode({ balances, pagination: { nextKey: new Uint8Array(0), total: BigInt(balances.length) } }).finish();
  }

  querySupplyOf(data: Uint8Array): Uint8Array {
    const { denom } = QuerySupplyOfRequest.decode(data);
    return QuerySupplyOfResponse.encode({ amount: { denom, amount: this.supply(denom).toString() } }).finish();
  }
}
