// x/application (docs/protocol.md §10.3): staking for exactly one service, gateway delegation (immediate) and
// undelegation (remembered per session end so older sessions' rings still verify), unstaking with unbonding.
import { application as app } from "../../pokt/proto/index.js";
import { sessionBounds } from "../../pokt/session.js";
import type { ChainContext } from "../context.js";
import { applicationErrors, notFound } from "../errors.js";
import { Collection, type Store } from "../state/store.js";
import { moduleAddress } from "./auth.js";
import type { BankModule } from "./bank.js";
import type { GatewayModule } from "./gateway.js";
import { paginate, pageRequest } from "./pagination.js";
import type { ParamsModule } from "./params.js";
import type { ServiceModule } from "./service.js";
import { isAddress, upoktAmount } from "./validation.js";

export const APPLICATION_MODULE_ADDRESS = moduleAddress("application");

export class ApplicationModule {
  readonly applications: Collection<app.Application>;

  constructor(
    store: Store,
    private readonly bank: BankModule,
    private readonly params: ParamsModule,
    private readonly services: ServiceModule,
    private readonly gateways: GatewayModule,
  ) {
    this.applications = new Collection(store, "application", app.Application);
  }

  get(address: string): app.Application | undefined {
    return this.applications.get(address);
  }

  stakeOf(address: string): bigint {
    return BigInt(this.applications.get(address)?.stake?.amount ?? "0");
  }

  handleStake(ctx: ChainContext, msg: app.MsgStakeApplication): Uint8Array {
    if (!isAddress(msg.address)) throw applicationErrors.invalidAddress(`invalid application address ${JSON.stringify(msg.address)}`);
    const existing = this.applications.get(msg.address);
    const stake = upoktAmount(msg.stake);
    if (typeof stake === "string") throw applicationErrors.invalidStake(stake);
    if (stake === undefined) throw applicationErrors.invalidStake("a stake is required");
    const minStake = BigInt(this.params.get("application").minStake?.amount ?? "0");
    if (stake < minStake) throw applicationErrors.invalidStake(`stake amount ${stake}upokt is below the minimum stake ${minStake}upokt`);
    const current = BigInt(existing?.stake?.amount ?? "0");
    if (stake < current) throw applicationErrors.invalidStake(`stake ${stake}upokt is below the current stake ${current}upokt; it cannot decrease`);
    if (existing === undefined && msg.services.length !== 1) {
      throw applicationErrors.invalidServiceConfigs(`an application stakes for exactly one service, got ${msg.services.length}`);
    }
    if (msg.services.length > 1) throw applicationErrors.invalidServiceConfigs("an application stakes for exactly one service");
    for (const config of msg.services) {
      if (!this.services.get(config.serviceId)) {
        throw applicationErrors.invalidServiceConfigs(`service ${JSON.stringify(config.serviceId)} does not exist`);
      }
    }

    const bounds = sessionBounds(this.params.sharedAt(ctx.height), ctx.height);
    const application: app.Application = existing
      ? { ...existing }
      : app.Application.fromPartial({ address: msg.address, stake: { denom: "upokt", amount: "0" } });
    if (stake > current) this.bank.send(msg.address, APPLICATION_MODULE_ADDRESS, stake - current, "upokt", ctx);
    application.stake = { denom: "upokt", amount: stake.toString() };

    const newService = msg.services[0]?.serviceId;
    const currentService = application.serviceConfigs[0]?.serviceId;
    if (newService !== undefined && newService !== currentService) {
      // A new application serves from its current session on (so that session's claims validate at its start
      // height); a change of service applies from the next session.
      const from = existing === undefined ? bounds.startHeight : bounds.endHeight + 1n;
      application.serviceConfigHistory = [
        ...application.serviceConfigHistory
          .filter((update) => update.activationHeight < from)
          .map((update) => (update.deactivationHeight === 0n ? { ...update, deactivationHeight: from } : update)),
        { applicationAddress: msg.address, service: { serviceId: newService }, activationHeight: from, deactivationHeight: 0n },
      ];
      application.serviceConfigs = [{ serviceId: newService }];
    }
    if (msg.perSessionSpendLimit !== undefined) {
      const limit = upoktAmount(msg.perSessionSpendLimit);
      if (typeof limit === "string") throw applicationErrors.invalidStake(`per-session spend limit: ${limit}`);
      application.perSessionSpendLimit = limit === 0n ? undefined : msg.perSessionSpendLimit;
    }
    if (application.unstakeSessionEndHeight !== 0n) application.unstakeSessionEndHeight = 0n;
    this.applications.set(msg.address, application);
    ctx.events.emitTyped("pocket.application.EventApplicationStaked", {
      application_address: msg.address,
      stake: application.stake,
      session_end_height: bounds.endHeight,
    });
    return app.MsgStakeApplicationResponse.toBytes({});
  }

  handleUnstake(ctx: ChainContext, msg: app.MsgUnstakeApplication): Uint8Array {
    const application = this.applications.get(msg.address);
    if (!application) throw applicationErrors.notFound(`application ${msg.address} is not staked`);
    if (application.unstakeSessionEndHeight !== 0n) throw applicationErrors.invalidStake(`application ${msg.address} is already unstaking`);
    const shared = this.params.sharedAt(ctx.height);
    application.unstakeSessionEndHeight = sessionBounds(shared, ctx.height).endHeight;
    this.applications.set(msg.address, application);
    ctx.events.emitTyped("pocket.application.EventApplicationUnbondingBegin", {
      application_address: msg.address,
      session_end_height: application.unstakeSessionEndHeight,
    });
    return app.MsgUnstakeApplicationResponse.toBytes({});
  }

  handleDelegate(ctx: ChainContext, msg: app.MsgDelegateToGateway): Uint8Array {
    if (!isAddress(msg.gatewayAddress)) throw applicationErrors.invalidGatewayAddress(`invalid gateway address ${JSON.stringify(msg.gatewayAddress)}`);
    const application = this.applications.get(msg.appAddress);
    if (!application) throw applicationErrors.notFound(`application ${msg.appAddress} is not staked`);
    if (!this.gateways.get(msg.gatewayAddress)) throw applicationErrors.gatewayNotFound(`gateway ${msg.gatewayAddress} is not staked`);
    if (application.delegateeGatewayAddresses.includes(msg.gatewayAddress)) {
      throw applicationErrors.alreadyDelegated(`application ${msg.appAddress} already delegates to ${msg.gatewayAddress}`);
    }
    const max = this.params.get("application").maxDelegatedGateways;
    if (BigInt(application.delegateeGatewayAddresses.length) >= max) {
      throw applicationErrors.maxDelegatedGateways(`application ${msg.appAddress} delegates to ${max} gateways already`);
    }
    application.delegateeGatewayAddresses = [...application.delegateeGatewayAddresses, msg.gatewayAddress];
    this.applications.set(msg.appAddress, application);
    ctx.events.emitTyped("pocket.application.EventRedelegation", {
      application_address: msg.appAddress,
      gateway_address: msg.gatewayAddress,
    });
    return app.MsgDelegateToGatewayResponse.toBytes({});
  }

  handleUndelegate(ctx: ChainContext, msg: app.MsgUndelegateFromGateway): Uint8Array {
    const application = this.applications.get(msg.appAddress);
    if (!application) throw applicationErrors.notFound(`application ${msg.appAddress} is not staked`);
    if (!application.delegateeGatewayAddresses.includes(msg.gatewayAddress)) {
      throw applicationErrors.notDelegated(`application ${msg.appAddress} does not delegate to ${msg.gatewayAddress}`);
    }
    const sessionEnd = sessionBounds(this.params.sharedAt(ctx.height), ctx.height).endHeight;
    application.delegateeGatewayAddresses = application.delegateeGatewayAddresses.filter((g) => g !== msg.gatewayAddress);
    const pending = new Map(application.pendingUndelegations);
    const list = pending.get(sessionEnd)?.gatewayAddresses ?? [];
    pending.set(sessionEnd, { gatewayAddresses: [...list, msg.gatewayAddress] });
    application.pendingUndelegations = pending;
    this.applications.set(msg.appAddress, application);
    ctx.events.emitTyped("pocket.application.EventRedelegation", {
      application_address: msg.appAddress,
      gateway_address: msg.gatewayAddress,
      undelegated: true,
    });
    return app.MsgUndelegateFromGatewayResponse.toBytes({});
  }

  /** Burns up to `amount` of the application's stake (settlement); returns what was burned. */
  burnStake(ctx: ChainContext, address: string, amount: bigint): bigint {
    const application = this.applications.get(address);
    if (!application) return 0n;
    const stake = BigInt(application.stake?.amount ?? "0");
    const burned = amount < stake ? amount : stake;
    this.bank.burn(APPLICATION_MODULE_ADDRESS, burned, "upokt", ctx);
    application.stake = { denom: "upokt", amount: (stake - burned).toString() };
    this.applications.set(address, application);
    return burned;
  }

  /** Moves up to `amount` of the stake to `to` (the reimbursement request paid to the DAO). */
  transferStake(ctx: ChainContext, address: string, to: string, amount: bigint): bigint {
    const application = this.applications.get(address);
    if (!application) return 0n;
    const stake = BigInt(application.stake?.amount ?? "0");
    const moved = amount < stake ? amount : stake;
    this.bank.send(APPLICATION_MODULE_ADDRESS, to, moved, "upokt", ctx);
    application.stake = { denom: "upokt", amount: (stake - moved).toString() };
    this.applications.set(address, application);
    return moved;
  }

  endBlock(ctx: ChainContext): void {
    for (const application of this.applications.values()) {
      if (application.unstakeSessionEndHeight === 0n) continue;
      const shared = this.params.sharedAt(application.unstakeSessionEndHeight);
      const end = application.unstakeSessionEndHeight + shared.applicationUnbondingPeriodSessions * shared.numBlocksPerSession;
      if (end > ctx.height) continue;
      this.bank.send(APPLICATION_MODULE_ADDRESS, application.address, BigInt(application.stake?.amount ?? "0"), "upokt", ctx);
      this.applications.delete(application.address);
      ctx.events.emitTyped("pocket.application.EventApplicationUnbondingEnd", { application_address: application.address });
    }
  }

  queryApplication(data: Uint8Array): Uint8Array {
    const { address } = app.QueryGetApplicationRequest.decode(data);
    const application = this.applications.get(address);
    if (!application) throw notFound(`application ${JSON.stringify(address)} not found`);
    return app.QueryGetApplicationResponse.toBytes({ application });
  }

  queryAllApplications(data: Uint8Array): Uint8Array {
    const request = app.QueryAllApplicationsRequest.decode(data);
    const filtered = this.applications
      .values()
      .filter((a) => !request.delegateeGatewayAddress || a.delegateeGatewayAddresses.includes(request.delegateeGatewayAddress));
    const page = paginate(filtered, pageRequest(request.pagination));
    return app.QueryAllApplicationsResponse.toBytes({ applications: page.items, pagination: page.pagination });
  }

  queryParams(): Uint8Array {
    return app.QueryParamsResponse.toBytes({ params: this.params.get("application") });
  }
}
