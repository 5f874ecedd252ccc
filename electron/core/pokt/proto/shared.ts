// Package `pocket.shared`: services, suppliers and the shared (session/window/pricing) params.
import { field, message, type MessageOf } from "./codec.js";
import { Coin } from "./cosmos.js";

export const RPCType = {
  UNKNOWN_RPC: 0,
  GRPC: 1,
  WEBSOCKET: 2,
  JSON_RPC: 3,
  REST: 4,
  /** CometBFT (REST + JSON-RPC). */
  COMET_BFT: 5,
} as const;
export type RPCType = (typeof RPCType)[keyof typeof RPCType];

export const ConfigOptions = { UNKNOWN_CONFIG: 0, TIMEOUT: 1 } as const;
export type ConfigOptions = (typeof ConfigOptions)[keyof typeof ConfigOptions];

/** Service / gateway "card": free-form JSON bytes. Field 1 was `experimental_api_specs` before v0.1.35. */
export const Metadata = message("pocket.shared.Metadata", {
  card: field.bytes(1),
});
export type Metadata = MessageOf<typeof Metadata>;

export const Service = message("pocket.shared.Service", {
  id: field.string(1),
  name: field.string(2),
  computeUnitsPerRelay: field.uint64(3),
  /** Receives the "source owner" share of every settled claim of the service. */
  ownerAddress: field.string(4),
  metadata: field.message(5, Metadata),
});
export type Service = MessageOf<typeof Service>;

export const ApplicationServiceConfig = message("pocket.shared.ApplicationServiceConfig", {
  serviceId: field.string(1),
});
export type ApplicationServiceConfig = MessageOf<typeof ApplicationServiceConfig>;

export const ConfigOption = message("pocket.shared.ConfigOption", {
  key: field.enum(1),
  value: field.string(2),
});
export type ConfigOption = MessageOf<typeof ConfigOption>;

export const SupplierEndpoint = message("pocket.shared.SupplierEndpoint", {
  url: field.string(1),
  rpcType: field.enum(2),
  configs: field.repeated(3, ConfigOption),
});
export type SupplierEndpoint = MessageOf<typeof SupplierEndpoint>;

/** Field 2 is reserved (it was a float). */
export const ServiceRevenueShare = message("pocket.shared.ServiceRevenueShare", {
  address: field.string(1),
  revSharePercentage: field.uint64(3),
});
export type ServiceRevenueShare = MessageOf<typeof ServiceRevenueShare>;

export const SupplierServiceConfig = message("pocket.shared.SupplierServiceConfig", {
  serviceId: field.string(1),
  endpoints: field.repeated(2, SupplierEndpoint),
  revShare: field.repeated(3, ServiceRevenueShare),
});
export type SupplierServiceConfig = MessageOf<typeof SupplierServiceConfig>;

export const ServiceConfigUpdate = message("pocket.shared.ServiceConfigUpdate", {
  operatorAddress: field.string(1),
  service: field.message(2, SupplierServiceConfig),
  activationHeight: field.int64(3),
  /** 0 = still active. */
  deactivationHeight: field.int64(4),
});
export type ServiceConfigUpdate = MessageOf<typeof ServiceConfigUpdate>;

export const Supplier = message("pocket.shared.Supplier", {
  ownerAddress: field.string(1),
  operatorAddress: field.string(2),
  stake: field.message(3, Coin),
  services: field.repeated(4, SupplierServiceConfig),
  /** 0 = not unstaking. */
  unstakeSessionEndHeight: field.uint64(5),
  serviceConfigHistory: field.repeated(6, ServiceConfigUpdate),
});
export type Supplier = MessageOf<typeof Supplier>;

export const Params = message("pocket.shared.Params", {
  numBlocksPerSession: field.uint64(1),
  gracePeriodEndOffsetBlocks: field.uint64(2),
  claimWindowOpenOffsetBlocks: field.uint64(3),
  claimWindowCloseOffsetBlocks: field.uint64(4),
  proofWindowOpenOffsetBlocks: field.uint64(5),
  proofWindowCloseOffsetBlocks: field.uint64(6),
  supplierUnbondingPeriodSessions: field.uint64(7),
  applicationUnbondingPeriodSessions: field.uint64(8),
  computeUnitsToTokensMultiplier: field.uint64(9),
  gatewayUnbondingPeriodSessions: field.uint64(10),
  computeUnitCostGranularity: field.uint64(11),
  sessionGridAnchorHeight: field.uint64(12),
  sessionNumberAtAnchor: field.uint64(13),
});
export type Params = MessageOf<typeof Params>;

export const ParamsUpdate = message("pocket.shared.ParamsUpdate", {
  effectiveHeight: field.int64(1),
  params: field.message(2, Params),
});
export type ParamsUpdate = MessageOf<typeof ParamsUpdate>;

export const QueryParamsRequest = message("pocket.shared.QueryParamsRequest", {});
export type QueryParamsRequest = MessageOf<typeof QueryParamsRequest>;

export const QueryParamsResponse = message("pocket.shared.QueryParamsResponse", {
  params: field.required(1, Params),
});
export type QueryParamsResponse = MessageOf<typeof QueryParamsResponse>;

export const QueryParamsAtHeightRequest = message("pocket.shared.QueryParamsAtHeightRequest", {
  height: field.int64(1),
});
export type QueryParamsAtHeightRequest = MessageOf<typeof QueryParamsAtHeightRequest>;

export const QueryParamsAtHeightResponse = message("pocket.shared.QueryParamsAtHeightResponse", {
  params: field.required(1, Params),
});
export type QueryParamsAtHeightResponse = MessageOf<typeof QueryParamsAtHeightResponse>;
