// x/gateway (docs/protocol.md §10.3): staking (every stake must increase it) and unstaking with unbonding.
import { gateway as gw } from "../../pokt/proto/index.js";
import { sessionBounds } from "../../pokt/session.js";
import type { ChainContext } from "../context.js";
import { gatewayErrors, notFound } from "../errors.js";
import { Collection, type Store } from "../state/store.js";
import { moduleAddress } from "./auth.js";
import type { BankModule } from "./bank.js";
import { paginate, pageRequest } from "./pagination.js";
import type { ParamsModule } from "./params.js";
import { isAddress, upoktAmount } from "./validation.js";

export const GATEWAY_MODULE_ADDRESS = moduleAddress("gateway");

export class GatewayModule {
  readonly gateways: Collection<gw.Gateway>;

  constructor(
    store: Store,
    private readonly bank: BankModule,
    private readonly params: ParamsModule,
  ) {
    this.gateways = new Collection(store, "gateway", gw.Gateway);
  }

  get(address: string): gw.Gateway | undefined {
    return this.gateways.get(address);
  }

  handleStake(ctx: ChainContext, msg: gw.MsgStakeGateway): Uint8Array {
    if (!isAddress(msg.address)) throw gatewayErrors.invalidAddress(`invalid gateway address ${JSON.stringify(msg.address)}`);
    const stake = upoktAmount(msg.stake);
    if (typeof stake === "string") throw gatewayErrors.invalidStake(stake);
    if (stake === undefined) throw gatewayErrors.invalidStake("a stake is required");
    const minStake = BigInt(this.params.get("gateway").minStake?.amount ?? "0");
    if (stake < minStake) throw gatewayErrors.invalidStake(`stake amount ${stake}upokt is below the minimum stake ${minStake}upokt`);
    const existing = this.gateways.get(msg.address);
    const current = BigInt(existing?.stake?.amount ?? "0");
    if (existing && stake <= current) {
      throw gatewayErrors.invalidStake(`stake ${stake}upokt must be greater than the current stake ${current}upokt`);
    }
    this.bank.send(msg.address, GATEWAY_MODULE_ADDRESS, stake - current, "upokt", ctx);
    const gateway: gw.Gateway = { ...(existing ?? gw.Gateway.fromPartial({ address: msg.address })) };
    gateway.stake = { denom: "upokt", amount: stake.toString() };
    gateway.unstakeSessionEndHeight = 0n;
    this.gateways.set(msg.address, gateway);
    ctx.events.emitTyped("pocket.gateway.EventGatewayStaked", { address: msg.address, stake: gateway.stake });
    return gw.MsgStakeGatewayResponse.toBytes({});
  }

  handleUnstake(ctx: ChainContext, msg: gw.MsgUnstakeGateway): Uint8Array {
    const gateway = this.gateways.get(msg.address);
    if (!gateway) throw gatewayErrors.notFound(`gateway ${msg.address} is not staked`);
    if (gateway.unstakeSessionEndHeight !== 0n) throw gatewayErrors.invalidStake(`gateway ${msg.address} is already unstaking`);
    gateway.unstakeSessionEndHeight = sessionBounds(this.params.sharedAt(ctx.height), ctx.height).endHeight;
    this.gateways.set(msg.address, gateway);
    ctx.events.emitTyped("pocket.gateway.EventGatewayUnbondingBegin", {
      address: msg.address,
      session_end_height: gateway.unstakeSessionEndHeight,
    });
    return gw.MsgUnstakeGatewayResponse.toBytes({});
  }

  endBlock(ctx: ChainContext): void {
    for (const gateway of this.gateways.values()) {
      if (gateway.unstakeSessionEndHeight === 0n) continue;
      const shared = this.params.sharedAt(gateway.unstakeSessionEndHeight);
      const end = gateway.unstakeSessionEndHeight + shared.gatewayUnbondingPeriodSessions * shared.numBlocksPerSession;
      if (end > ctx.height) continue;
      this.bank.send(GATEWAY_MODULE_ADDRESS, gateway.address, BigInt(gateway.stake?.amount ?? "0"), "upokt", ctx);
      this.gateways.delete(gateway.address);
      ctx.events.emitTyped("pocket.gateway.EventGatewayUnbondingEnd", { address: gateway.address });
    }
  }

  queryGateway(data: Uint8Array): Uint8Array {
    const request = gw.QueryGetGatewayRequest.decode(data);
    const gateway = this.gateways.get(request.address);
    if (!gateway) throw notFound(`gateway ${JSON.stringify(request.address)} not found`);
    return gw.QueryGetGatewayResponse.toBytes({ gateway: request.dehydrated ? { ...gateway, metadata: undefined } : gateway });
  }

  queryAllGateways(data: Uint8Array): Uint8Array {
    const request = gw.QueryAllGatewaysRequest.decode(data);
    const page = paginate(this.gateways.values(), pageRequest(request.pagination));
    return gw.QueryAllGatewaysResponse.toBytes({ gateways: page.items, pagination: page.pagination });
  }

  queryParams(): Uint8Array {
    return gw.QueryParamsResponse.toBytes({ params: this.params.get("gateway") });
  }
}
