// x/service: services (MsgAddService, docs/protocol.md §10.2), compute units per relay with history, and relay
// mining difficulty per service with history (docs/protocol.md §6.2).
import { isValidAccountAddress, baseRelayDifficultyTarget, isValidComputeUnitsPerRelay, COMPUTE_UNITS_PER_RELAY_MAX } from "../../pokt/relay.js";
import { isValidServiceId } from "../../pokt/session.js";
import { service as svc, shared } from "../../pokt/proto/index.js";
import type { ChainContext } from "../context.js";
import { invalidArgument, notFound, serviceErrors } from "../errors.js";
import { Collection, heightKey, type Store } from "../state/store.js";
import type { BankModule } from "./bank.js";
import { moduleAddress } from "./auth.js";
import type { ParamsModule } from "./params.js";
import { sessionBounds } from "../../pokt/session.js";
import { paginate, pageRequest } from "./pagination.js";

export const SERVICE_MODULE_ADDRESS = moduleAddress("service");
const SERVICE_NAME_PATTERN = /^[a-zA-Z0-9-_ ]+$/;
const MAX_SERVICE_NAME_LENGTH = 169;

export class ServiceModule {
  readonly services: Collection<shared.Service>;
  private readonly cuprHistory: Collection<svc.ServiceComputeUnitsPerRelayUpdate>;
  private readonly difficultyHistory: Collection<svc.RelayMiningDifficulty>;

  constructor(
    store: Store,
    private readonly bank: BankModule,
    private readonly params: ParamsModule,
  ) {
    this.services = new Collection(store, "service", shared.Service);
    this.cuprHistory = new Collection(store, "service_cupr_history", svc.ServiceComputeUnitsPerRelayUpdate);
    this.difficultyHistory = new Collection(store, "relay_mining_difficulty", svc.RelayMiningDifficulty);
  }

  get(id: string): shared.Service | undefined {
    return this.services.get(id);
  }

  /** Genesis and MsgAddService: stores the service and the cupr effective from `effectiveHeight`. */
  put(service: shared.Service, effectiveHeight: bigint): void {
    this.services.set(service.id, service);
    this.cuprHistory.set(`${service.id}/${heightKey(effectiveHeight)}`, {
      effectiveHeight,
      serviceId: service.id,
      computeUnitsPerRelay: service.computeUnitsPerRelay,
    });
  }

  /** compute_units_per_relay in force at `height` (the claim check uses the session start's). */
  computeUnitsPerRelayAt(serviceId: string, height: bigint): bigint | undefined {
    let found: bigint | undefined;
    for (const update of this.cuprHistory.values(`${serviceId}/`)) {
      if (update.effectiveHeight <= height) found = update.computeUnitsPerRelay;
    }
    return found;
  }

  /** The difficulty in force at `height`; the easiest target when the service has none yet. */
  difficultyAt(serviceId: string, height: bigint): svc.RelayMiningDifficulty {
    let found: svc.RelayMiningDifficulty | undefined;
    for (const entry of this.difficultyHistory.entries(`${serviceId}/`)) {
      if (entry.value.blockHeight <= height) found = entry.value;
    }
    return found ?? { serviceId, blockHeight: 0n, numRelaysEma: 0n, targetHash: baseRelayDifficultyTarget() };
  }

  latestDifficulty(serviceId: string): svc.RelayMiningDifficulty | undefined {
    const entries = this.difficultyHistory.values(`${serviceId}/`);
    return entries[entries.length - 1];
  }

  /** Records a difficulty effective from `difficulty.blockHeight`. */
  setDifficulty(difficulty: svc.RelayMiningDifficulty): void {
    this.difficultyHistory.set(`${difficulty.serviceId}/${heightKey(difficulty.blockHeight)}`, difficulty);
  }

  handleAddService(ctx: ChainContext, msg: svc.MsgAddService): Uint8Array {
    const { service } = msg;
    if (!isValidAccountAddress(msg.ownerAddress)) throw serviceErrors.invalidAddress(`invalid owner address ${msg.ownerAddress}`);
    if (service.id === "") throw serviceErrors.missingId();
    if (!isValidServiceId(service.id)) {
      throw serviceErrors.missingId(`invalid service id ${JSON.stringify(service.id)} (letters, digits, _ and -, at most 42)`);
    }
    if (service.name !== "" && (service.name.length > MAX_SERVICE_NAME_LENGTH || !SERVICE_NAME_PATTERN.test(service.name))) {
      throw serviceErrors.missingId(`invalid service name ${JSON.stringify(service.name)}`);
    }
    if (!isValidComputeUnitsPerRelay(service.computeUnitsPerRelay)) {
      throw serviceErrors.invalidServiceFee(
        `compute units per relay must be between 1 and ${COMPUTE_UNITS_PER_RELAY_MAX}, got ${service.computeUnitsPerRelay}`,
      );
    }
    if (service.ownerAddress !== msg.ownerAddress) {
      throw serviceErrors.invalidAddress(`service owner ${service.ownerAddress} must be the signer ${msg.ownerAddress}`);
    }

    const existing = this.services.get(service.id);
    if (existing) {
      if (existing.ownerAddress !== msg.ownerAddress) {
        throw serviceErrors.alreadyExists(`service ${service.id} is owned by ${existing.ownerAddress}`);
      }
      const updated = { ...service, metadata: service.metadata ?? existing.metadata };
      this.services.set(service.id, updated);
      if (updated.computeUnitsPerRelay !== existing.computeUnitsPerRelay) {
        // cupr changes apply from the next session start so running sessions keep their price.
        const next = sessionBounds(this.params.sharedAt(ctx.height), ctx.height).endHeight + 1n;
        this.cuprHistory.set(`${service.id}/${heightKey(next)}`, {
          effectiveHeight: next,
          serviceId: service.id,
          computeUnitsPerRelay: updated.computeUnitsPerRelay,
        });
      }
      ctx.events.emitTyped("pocket.service.EventServiceUpdated", { service_id: service.id, owner_address: msg.ownerAddress });
      return svc.MsgAddServiceResponse.toBytes({});
    }

    const fee = BigInt(this.params.get("service").addServiceFee?.amount ?? "0");
    const balance = this.bank.balance(msg.ownerAddress);
    if (balance <= fee) {
      throw serviceErrors.notEnoughFunds(`account ${msg.ownerAddress} has ${balance}upokt, the add-service fee is ${fee}upokt`);
    }
    this.bank.send(msg.ownerAddress, SERVICE_MODULE_ADDRESS, fee, "upokt", ctx);
    this.put(service, ctx.height);
    ctx.events.emitTyped("pocket.service.EventServiceCreated", {
      service_id: service.id,
      owner_address: msg.ownerAddress,
      compute_units_per_relay: service.computeUnitsPerRelay,
    });
    return svc.MsgAddServiceResponse.toBytes({});
  }

  queryService(data: Uint8Array): Uint8Array {
    const request = svc.QueryGetServiceRequest.decode(data);
    const found = this.services.get(request.id);
    if (!found) throw notFound(`service ID not found: ${JSON.stringify(request.id)}`);
    const service = request.dehydrated ? { ...found, metadata: undefined } : found;
    return svc.QueryGetServiceResponse.toBytes({ service });
  }

  queryAllServices(data: Uint8Array): Uint8Array {
    const request = svc.QueryAllServicesRequest.decode(data);
    const { items, pagination } = paginate(this.services.values(), pageRequest(request.pagination));
    return svc.QueryAllServicesResponse.toBytes({ service: items, pagination });
  }

  queryParams(): Uint8Array {
    return svc.QueryParamsResponse.toBytes({ params: this.params.get("service") });
  }

  queryDifficulty(data: Uint8Array, latestHeight: bigint): Uint8Array {
    const { serviceId } = svc.QueryGetRelayMiningDifficultyRequest.decode(data);
    const difficulty = this.latestDifficulty(serviceId) ?? this.difficultyAt(serviceId, latestHeight);
    return svc.QueryGetRelayMiningDifficultyResponse.toBytes({ relayMiningDifficulty: difficulty });
  }

  queryDifficultyAtHeight(data: Uint8Array): Uint8Array {
    const { serviceId, blockHeight } = svc.QueryGetRelayMiningDifficultyAtHeightRequest.decode(data);
    return svc.QueryGetRelayMiningDifficultyAtHeightResponse.toBytes({
      relayMiningDifficulty: this.difficultyAt(serviceId, blockHeight),
    });
  }

  queryDifficultyHistory(data: Uint8Array): Uint8Array {
    const { serviceId, pagination } = svc.QueryRelayMiningDifficultyHistoryRequest.decode(data);
    const updates = this.difficultyHistory
      .values(`${serviceId}/`)
      .map((difficulty) => ({ effectiveHeight: difficulty.blockHeight, difficulty }));
    const page = paginate(updates, pageRequest(pagination));
    return svc.QueryRelayMiningDifficultyHistoryResponse.toBytes({ relayMiningDifficultyHistory: page.items, pagination: page.pagination });
  }

  queryAllDifficulties(data: Uint8Array): Uint8Array {
    const { pagination } = svc.QueryAllRelayMiningDifficultyRequest.decode(data);
    const latest = this.services
      .values()
      .map((service) => this.latestDifficulty(service.id))
      .filter((d): d is svc.RelayMiningDifficulty => d !== undefined);
    const page = paginate(latest, pageRequest(pagination));
    return svc.QueryAllRelayMiningDifficultyResponse.toBytes({ relayMiningDifficulty: page.items, pagination: page.pagination });
  }

  queryCuprAtHeight(data: Uint8Array): Uint8Array {
    const { serviceId, blockHeight } = svc.QueryComputeUnitsPerRelayAtHeightRequest.decode(data);
    if (!isValidServiceId(serviceId)) throw invalidArgument(`invalid service id ${JSON.stringify(serviceId)}`);
    const cupr = this.computeUnitsPerRelayAt(serviceId, blockHeight);
    if (cupr === undefined) throw notFound(`service ${serviceId} has no compute units per relay at height ${blockHeight}`);
    return svc.QueryComputeUnitsPerRelayAtHeightResponse.toBytes({ computeUnitsPerRelay: cupr });
  }

  queryCuprHistory(data: Uint8Array): Uint8Array {
    const { serviceId, pagination } = svc.QueryComputeUnitsPerRelayHistoryRequest.decode(data);
    const page = paginate(this.cuprHistory.values(`${serviceId}/`), pageRequest(pagination));
    return svc.QueryComputeUnitsPerRelayHistoryResponse.toBytes({ computeUnitsPerRelayHistory: page.items, pagination: page.pagination });
  }
}
