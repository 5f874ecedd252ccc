// x/supplier (docs/protocol.md §10.1): staking with service configs that take effect at the next session start,
// unstaking with an unbonding period, and the supplier queries.
import { supplier as sup, shared } from "../../pokt/proto/index.js";
import { RPCType } from "../../pokt/proto/shared.js";
import { isServiceConfigActive, sessionBounds } from "../../pokt/session.js";
import type { ChainContext } from "../context.js";
import { invalidArgument, notFound, supplierErrors } from "../errors.js";
import { Collection, type Store } from "../state/store.js";
import { moduleAddress } from "./auth.js";
import type { BankModule } from "./bank.js";
import { paginate, pageRequest } from "./pagination.js";
import type { ParamsModule } from "./params.js";
import type { ServiceModule } from "./service.js";
import { endpointUrlProblem, isAddress, upoktAmount } from "./validation.js";

export const SUPPLIER_MODULE_ADDRESS = moduleAddress("supplier");
/** Module accounts cannot own a supplier: nobody could ever withdraw the stake or the rewards. */
const MODULE_ACCOUNTS = new Set(["fee_collector", "supplier", "application", "gateway", "service", "proof", "tokenomics"].map(moduleAddress));

function sameConfigs(a: readonly shared.SupplierServiceConfig[], b: readonly shared.SupplierServiceConfig[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((config, i) => {
    const left = shared.SupplierServiceConfig.toBytes(config);
    const right = shared.SupplierServiceConfig.toBytes(b[i]);
    return left.length === right.length && left.every((byte, j) => byte === right[j]);
  });
}

export class SupplierModule {
  readonly suppliers: Collection<shared.Supplier>;

  constructor(
    store: Store,
    private readonly bank: BankModule,
    private readonly params: ParamsModule,
    private readonly services: ServiceModule,
  ) {
    this.suppliers = new Collection(store, "supplier", shared.Supplier);
  }

  get(operatorAddress: string): shared.Supplier | undefined {
    return this.suppliers.get(operatorAddress);
  }

  all(): shared.Supplier[] {
    return this.suppliers.values();
  }

  /** Every supplier's service-config history, what session hydration selects from. */
  allServiceConfigUpdates(): shared.ServiceConfigUpdate[] {
    return this.suppliers.values().flatMap((supplier) => supplier.serviceConfigHistory);
  }

  private validateServices(services: readonly shared.SupplierServiceConfig[]): void {
    if (services.length === 0) throw supplierErrors.invalidServiceConfig("at least one service is required");
    const seen = new Set<string>();
    for (const config of services) {
      if (seen.has(config.serviceId)) throw supplierErrors.invalidServiceConfig(`service ${config.serviceId} listed twice`);
      seen.add(config.serviceId);
      if (!this.services.get(config.serviceId)) {
        throw supplierErrors.serviceNotFound(`service ${JSON.stringify(config.serviceId)} does not exist`);
      }
      if (config.endpoints.length === 0) {
        throw supplierErrors.invalidServiceConfig(`service ${config.serviceId} needs at least one endpoint`);
      }
      for (const endpoint of config.endpoints) {
        const problem = endpointUrlProblem(endpoint.url);
        if (problem) throw supplierErrors.invalidServiceConfig(problem);
        if (endpoint.rpcType === RPCType.UNKNOWN_RPC || !Object.values(RPCType).includes(endpoint.rpcType as RPCType)) {
          throw supplierErrors.invalidServiceConfig(`endpoint ${endpoint.url} has an unknown RPC type ${endpoint.rpcType}`);
        }
      }
      if (config.revShare.length === 0) throw supplierErrors.invalidServiceConfig(`service ${config.serviceId} has no revenue share`);
      const shareAddresses = new Set<string>();
      let total = 0n;
      for (const share of config.revShare) {
        if (!isAddress(share.address)) throw supplierErrors.invalidServiceConfig(`invalid revenue share address ${share.address}`);
        if (shareAddresses.has(share.address)) {
          throw supplierErrors.invalidServiceConfig(`revenue share address ${share.address} listed twice`);
        }
        shareAddresses.add(share.address);
        if (share.revSharePercentage < 1n || share.revSharePercentage > 100n) {
          throw supplierErrors.invalidServiceConfig(`revenue share of ${share.address} must be 1..100%, got ${share.revSharePercentage}%`);
        }
        total += share.revSharePercentage;
      }
      if (total !== 100n) throw supplierErrors.invalidServiceConfig(`revenue shares of ${config.serviceId} total ${total}%, not 100%`);
    }
  }

  handleStake(ctx: ChainContext, msg: sup.MsgStakeSupplier): Uint8Array {
    for (const [field, address] of [["signer", msg.signer], ["owner", msg.ownerAddress], ["operator", msg.operatorAddress]]) {
      if (!isAddress(address)) throw supplierErrors.invalidAddress(`invalid ${field} address ${JSON.stringify(address)}`);
    }
    if (msg.signer !== msg.ownerAddress && msg.signer !== msg.operatorAddress) {
      throw supplierErrors.invalidAddress(`signer ${msg.signer} is neither the owner nor the operator`);
    }
    if (MODULE_ACCOUNTS.has(msg.ownerAddress)) throw supplierErrors.invalidAddress(`owner ${msg.ownerAddress} is a module account`);
    const params = this.params.get("supplier");
    const minStake = BigInt(params.minStake?.amount ?? "0");
    const existing = this.suppliers.get(msg.operatorAddress);
    const stake = upoktAmount(msg.stake);
    if (typeof stake === "string") throw supplierErrors.invalidStake(stake);
    if (stake === undefined && existing === undefined) throw supplierErrors.invalidStake("a new supplier needs a stake");
    if (stake !== undefined && stake < minStake) {
      throw supplierErrors.invalidStake(`stake amount ${stake}upokt is below the minimum stake ${minStake}upokt`);
    }
    if (existing && existing.ownerAddress !== msg.ownerAddress) {
      throw supplierErrors.invalidAddress(`the owner of supplier ${msg.operatorAddress} is ${existing.ownerAddress} and cannot change`);
    }
    if (existing && existing.unstakeSessionEndHeight !== 0n && msg.signer !== existing.ownerAddress) {
      throw supplierErrors.isUnstaking(`supplier ${msg.operatorAddress} is unstaking; only its owner can cancel that`);
    }
    const servicesGiven = msg.services.length > 0;
    if (existing === undefined || servicesGiven) this.validateServices(msg.services);
    if (existing && servicesGiven && msg.signer !== msg.operatorAddress && !sameConfigs(existing.services, msg.services)) {
      throw supplierErrors.invalidServiceConfig("only the operator may change the services of an existing supplier");
    }

    const sharedParams = this.params.sharedAt(ctx.height);
    const nextSessionStart = sessionBounds(sharedParams, ctx.height).endHeight + 1n;
    const supplier: shared.Supplier = existing
      ? { ...existing }
      : {
          ownerAddress: msg.ownerAddress,
          operatorAddress: msg.operatorAddress,
          stake: { denom: "upokt", amount: "0" },
          services: [],
          unstakeSessionEndHeight: 0n,
          serviceConfigHistory: [],
        };

    const current = BigInt(supplier.stake?.amount ?? "0");
    const target = stake ?? current;
    if (target > current) this.bank.send(msg.signer, SUPPLIER_MODULE_ADDRESS, target - current, "upokt", ctx);
    if (target < current) this.bank.send(SUPPLIER_MODULE_ADDRESS, supplier.ownerAddress, current - target, "upokt", ctx);
    const fee = BigInt(params.stakingFee?.amount ?? "0");
    this.bank.burn(msg.signer, fee, "upokt", ctx);
    supplier.stake = { denom: "upokt", amount: target.toString() };

    if (existing && existing.unstakeSessionEndHeight !== 0n) {
      supplier.unstakeSessionEndHeight = 0n; // the owner cancelled the unstake
      ctx.events.emitTyped("pocket.supplier.EventSupplierUnbondingCanceled", { operator_address: msg.operatorAddress, height: ctx.height });
    }
    if (servicesGiven && (existing === undefined || !sameConfigs(existing.services, msg.services) || existing.unstakeSessionEndHeight !== 0n)) {
      supplier.serviceConfigHistory = this.replaceConfigs(supplier, msg.services, nextSessionStart);
      supplier.services = msg.services;
    }
    this.suppliers.set(msg.operatorAddress, supplier);
    ctx.events.emitTyped("pocket.supplier.EventSupplierStaked", {
      operator_address: msg.operatorAddress,
      owner_address: supplier.ownerAddress,
      stake: supplier.stake,
      session_end_height: nextSessionStart - 1n,
    });
    return sup.MsgStakeSupplierResponse.toBytes({});
  }

  /** Ends every config active at `from` there and schedules `services` from `from` on. */
  private replaceConfigs(
    supplier: shared.Supplier,
    services: readonly shared.SupplierServiceConfig[],
    from: bigint,
  ): shared.ServiceConfigUpdate[] {
    const kept = supplier.serviceConfigHistory
      // A config scheduled for `from` that has not started yet is simply replaced.
      .filter((update) => update.activationHeight < from)
      .map((update) =>
        update.deactivationHeight === 0n || update.deactivationHeight > from ? { ...update, deactivationHeight: from } : update,
      );
    return [
      ...kept,
      ...services.map((service) => ({
        operatorAddress: supplier.operatorAddress,
        service,
        activationHeight: from,
        deactivationHeight: 0n,
      })),
    ];
  }

  handleUnstake(ctx: ChainContext, msg: sup.MsgUnstakeSupplier): Uint8Array {
    if (!isAddress(msg.signer)) throw supplierErrors.invalidAddress(`invalid signer address ${JSON.stringify(msg.signer)}`);
    // A malformed operator address is malformed, not an unknown supplier (Go's ValidateBasic).
    if (!isAddress(msg.operatorAddress)) throw supplierErrors.invalidAddress(`invalid operator address ${JSON.stringify(msg.operatorAddress)}`);
    const supplier = this.suppliers.get(msg.operatorAddress);
    if (!supplier) throw supplierErrors.notFound(`no supplier with operator address ${msg.operatorAddress}`);
    if (msg.signer !== supplier.ownerAddress && msg.signer !== supplier.operatorAddress) {
      throw supplierErrors.invalidAddress(`signer ${msg.signer} is neither the owner nor the operator`);
    }
    if (supplier.unstakeSessionEndHeight !== 0n) throw supplierErrors.isUnstaking(`supplier ${msg.operatorAddress} is already unstaking`);
    const sessionEnd = sessionBounds(this.params.sharedAt(ctx.height), ctx.height).endHeight;
    supplier.unstakeSessionEndHeight = sessionEnd;
    supplier.serviceConfigHistory = supplier.serviceConfigHistory
      .filter((update) => update.activationHeight <= sessionEnd)
      .map((update) =>
        update.deactivationHeight === 0n || update.deactivationHeight > sessionEnd + 1n
          ? { ...update, deactivationHeight: sessionEnd + 1n }
          : update,
      );
    this.suppliers.set(msg.operatorAddress, supplier);
    ctx.events.emitTyped("pocket.supplier.EventSupplierUnbondingBegin", {
      operator_address: msg.operatorAddress,
      session_end_height: sessionEnd,
      unbonding_end_height: this.unbondingEndHeight(supplier),
    });
    return sup.MsgUnstakeSupplierResponse.toBytes({});
  }

  private unbondingEndHeight(supplier: shared.Supplier): bigint {
    const params = this.params.sharedAt(supplier.unstakeSessionEndHeight);
    return supplier.unstakeSessionEndHeight + params.supplierUnbondingPeriodSessions * params.numBlocksPerSession;
  }

  /** Returns the stake of suppliers whose unbonding period ended and removes them. */
  endBlock(ctx: ChainContext): void {
    for (const supplier of this.suppliers.values()) {
      if (supplier.unstakeSessionEndHeight === 0n || this.unbondingEndHeight(supplier) > ctx.height) continue;
      const stake = BigInt(supplier.stake?.amount ?? "0");
      this.bank.send(SUPPLIER_MODULE_ADDRESS, supplier.ownerAddress, stake, "upokt", ctx);
      this.suppliers.delete(supplier.operatorAddress);
      ctx.events.emitTyped("pocket.supplier.EventSupplierUnbondingEnd", {
        operator_address: supplier.operatorAddress,
        owner_address: supplier.ownerAddress,
        stake: supplier.stake,
      });
    }
  }

  /** Takes up to `amount` from the supplier's stake (proof missing penalty); returns what was taken. */
  slash(ctx: ChainContext, operatorAddress: string, amount: bigint): bigint {
    const supplier = this.suppliers.get(operatorAddress);
    if (!supplier) return 0n;
    const stake = BigInt(supplier.stake?.amount ?? "0");
    const taken = amount < stake ? amount : stake;
    this.bank.burn(SUPPLIER_MODULE_ADDRESS, taken, "upokt", ctx);
    supplier.stake = { denom: "upokt", amount: (stake - taken).toString() };
    this.suppliers.set(operatorAddress, supplier);
    return taken;
  }

  querySupplier(data: Uint8Array): Uint8Array {
    const request = sup.QueryGetSupplierRequest.decode(data);
    // Go validates the request first: a malformed address is an invalid argument, not a missing supplier.
    if (!isAddress(request.operatorAddress)) {
      throw invalidArgument(`invalid supplier operator address ${request.operatorAddress}: ${supplierErrors.invalidAddress.description}`);
    }
    const supplier = this.suppliers.get(request.operatorAddress);
    if (!supplier) throw notFound(`supplier with operator address ${JSON.stringify(request.operatorAddress)} not found`);
    return sup.QueryGetSupplierResponse.toBytes({
      supplier: request.dehydrated ? { ...supplier, serviceConfigHistory: [] } : supplier,
    });
  }

  queryAllSuppliers(data: Uint8Array, height: bigint): Uint8Array {
    const request = sup.QueryAllSuppliersRequest.decode(data);
    const filtered = this.suppliers.values().filter((supplier) => {
      if (request.operatorAddress && supplier.operatorAddress !== request.operatorAddress) return false;
      if (request.ownerAddress && supplier.ownerAddress !== request.ownerAddress) return false;
      if (request.serviceId) {
        return supplier.serviceConfigHistory.some(
          (update) => update.service?.serviceId === request.serviceId && isServiceConfigActive(update, height),
        );
      }
      return true;
    });
    const page = paginate(
      filtered.map((supplier) => (request.dehydrated ? { ...supplier, serviceConfigHistory: [] } : supplier)),
      pageRequest(request.pagination),
    );
    return sup.QueryAllSuppliersResponse.toBytes({ supplier: page.items, pagination: page.pagination });
  }

  queryParams(): Uint8Array {
    return sup.QueryParamsResponse.toBytes({ params: this.params.get("supplier") });
  }
}
