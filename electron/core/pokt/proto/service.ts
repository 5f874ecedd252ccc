// Package `pocket.service`: relays, relay-mining difficulty, compute-unit history, service Msgs, queries.
import { field, message, type MessageOf } from "./codec.js";
import { Coin, PageRequest, PageResponse } from "./cosmos.js";
import { SessionHeader } from "./session.js";
import { Service } from "./shared.js";

export const RelayRequestMetadata = message("pocket.service.RelayRequestMetadata", {
  sessionHeader: field.message(1, SessionHeader),
  /** Serialized ring signature. */
  signature: field.bytes(2),
  supplierOperatorAddress: field.string(3),
});
export type RelayRequestMetadata = MessageOf<typeof RelayRequestMetadata>;

export const RelayRequest = message("pocket.service.RelayRequest", {
  /** Non-nullable: always encoded, even when empty. */
  meta: field.required(1, RelayRequestMetadata),
  /** Serialized POKTHTTPRequest, or a raw websocket frame. */
  payload: field.bytes(2),
});
export type RelayRequest = MessageOf<typeof RelayRequest>;

export const RelayResponseMetadata = message("pocket.service.RelayResponseMetadata", {
  sessionHeader: field.message(1, SessionHeader),
  /** 64-byte R‖S secp256k1 signature. */
  supplierOperatorSignature: field.bytes(2),
});
export type RelayResponseMetadata = MessageOf<typeof RelayResponseMetadata>;

export const RelayMinerError = message("pocket.service.RelayMinerError", {
  codespace: field.string(1),
  code: field.uint32(2),
  description: field.string(3),
  message: field.string(4),
});
export type RelayMinerError = MessageOf<typeof RelayMinerError>;

export const RelayResponse = message("pocket.service.RelayResponse", {
  /** Non-nullable: always encoded, even when empty. */
  meta: field.required(1, RelayResponseMetadata),
  /** Serialized POKTHTTPResponse (or WS frame); left empty inside mined relays and proofs. */
  payload: field.bytes(2),
  relayMinerError: field.message(3, RelayMinerError),
  /** SHA-256 of payload. */
  payloadHash: field.bytes(4),
});
export type RelayResponse = MessageOf<typeof RelayResponse>;

export const Relay = message("pocket.service.Relay", {
  req: field.message(1, RelayRequest),
  res: field.message(2, RelayResponse),
});
export type Relay = MessageOf<typeof Relay>;

export const RelayMiningDifficulty = message("pocket.service.RelayMiningDifficulty", {
  serviceId: field.string(1),
  blockHeight: field.int64(2),
  numRelaysEma: field.uint64(3),
  /** 32-byte big-endian target; a relay is mined iff its hash is strictly below it. */
  targetHash: field.bytes(4),
});
export type RelayMiningDifficulty = MessageOf<typeof RelayMiningDifficulty>;

export const RelayMiningDifficultyUpdate = message("pocket.service.RelayMiningDifficultyUpdate", {
  effectiveHeight: field.int64(1),
  difficulty: field.message(2, RelayMiningDifficulty),
});
export type RelayMiningDifficultyUpdate = MessageOf<typeof RelayMiningDifficultyUpdate>;

export const ServiceComputeUnitsPerRelayUpdate = message("pocket.service.ServiceComputeUnitsPerRelayUpdate", {
  effectiveHeight: field.int64(1),
  serviceId: field.string(2),
  computeUnitsPerRelay: field.uint64(3),
});
export type ServiceComputeUnitsPerRelayUpdate = MessageOf<typeof ServiceComputeUnitsPerRelayUpdate>;

export const Params = message("pocket.service.Params", {
  addServiceFee: field.message(1, Coin),
  targetNumRelays: field.uint64(2),
});
export type Params = MessageOf<typeof Params>;

export const MsgAddService = message("pocket.service.MsgAddService", {
  ownerAddress: field.string(1),
  service: field.required(2, Service),
});
export type MsgAddService = MessageOf<typeof MsgAddService>;

export const MsgAddServiceResponse = message("pocket.service.MsgAddServiceResponse", {});
export type MsgAddServiceResponse = MessageOf<typeof MsgAddServiceResponse>;

export const MsgTransferService = message("pocket.service.MsgTransferService", {
  ownerAddress: field.string(1),
  serviceId: field.string(2),
  newOwnerAddress: field.string(3),
});
export type MsgTransferService = MessageOf<typeof MsgTransferService>;

export const MsgTransferServiceResponse = message("pocket.service.MsgTransferServiceResponse", {});
export type MsgTransferServiceResponse = MessageOf<typeof MsgTransferServiceResponse>;

export const QueryParamsRequest = message("pocket.service.QueryParamsRequest", {});
export type QueryParamsRequest = MessageOf<typeof QueryParamsRequest>;

export const QueryParamsResponse = message("pocket.service.QueryParamsResponse", {
  params: field.required(1, Params),
});
export type QueryParamsResponse = MessageOf<typeof QueryParamsResponse>;

export const QueryGetServiceRequest = message("pocket.service.QueryGetServiceRequest", {
  id: field.string(1),
  /** Strips metadata (cards) from the answer. */
  dehydrated: field.bool(2),
});
export type QueryGetServiceRequest = MessageOf<typeof QueryGetServiceRequest>;

export const QueryGetServiceResponse = message("pocket.service.QueryGetServiceResponse", {
  service: field.required(1, Service),
});
export type QueryGetServiceResponse = MessageOf<typeof QueryGetServiceResponse>;

export const QueryAllServicesRequest = message("pocket.service.QueryAllServicesRequest", {
  pagination: field.message(1, PageRequest),
  dehydrated: field.bool(2),
});
export type QueryAllServicesRequest = MessageOf<typeof QueryAllServicesRequest>;

export const QueryAllServicesResponse = message("pocket.service.QueryAllServicesResponse", {
  service: field.repeated(1, Service),
  pagination: field.message(2, PageResponse),
});
export type QueryAllServicesResponse = MessageOf<typeof QueryAllServicesResponse>;

export const QueryGetRelayMiningDifficultyRequest = message("pocket.service.QueryGetRelayMiningDifficultyRequest", {
  serviceId: field.string(1),
});
export type QueryGetRelayMiningDifficultyRequest = MessageOf<typeof QueryGetRelayMiningDifficultyRequest>;

export const QueryGetRelayMiningDifficultyResponse = message("pocket.service.QueryGetRelayMiningDifficultyResponse", {
  relayMiningDifficulty: field.required(1, RelayMiningDifficulty),
});
export type QueryGetRelayMiningDifficultyResponse = MessageOf<typeof QueryGetRelayMiningDifficultyResponse>;

export const QueryAllRelayMiningDifficultyRequest = message("pocket.service.QueryAllRelayMiningDifficultyRequest", {
  pagination: field.message(1, PageRequest),
});
export type QueryAllRelayMiningDifficultyRequest = MessageOf<typeof QueryAllRelayMiningDifficultyRequest>;

export const QueryAllRelayMiningDifficultyResponse = message("pocket.service.QueryAllRelayMiningDifficultyResponse", {
  relayMiningDifficulty: field.repeated(1, RelayMiningDifficulty),
  pagination: field.message(2, PageResponse),
});
export type QueryAllRelayMiningDifficultyResponse = MessageOf<typeof QueryAllRelayMiningDifficultyResponse>;

export const QueryGetRelayMiningDifficultyAtHeightRequest = message(
  "pocket.service.QueryGetRelayMiningDifficultyAtHeightRequest",
  { serviceId: field.string(1), blockHeight: field.int64(2) },
);
export type QueryGetRelayMiningDifficultyAtHeightRequest = MessageOf<
  typeof QueryGetRelayMiningDifficultyAtHeightRequest
>;

export const QueryGetRelayMiningDifficultyAtHeightResponse = message(
  "pocket.service.QueryGetRelayMiningDifficultyAtHeightResponse",
  { relayMiningDifficulty: field.required(1, RelayMiningDifficulty) },
);
export type QueryGetRelayMiningDifficultyAtHeightResponse = MessageOf<
  typeof QueryGetRelayMiningDifficultyAtHeightResponse
>;

export const QueryRelayMiningDifficultyHistoryRequest = message(
  "pocket.service.QueryRelayMiningDifficultyHistoryRequest",
  { serviceId: field.string(1), pagination: field.message(2, PageRequest) },
);
export type QueryRelayMiningDifficultyHistoryRequest = MessageOf<typeof QueryRelayMiningDifficultyHistoryRequest>;

export const QueryRelayMiningDifficultyHistoryResponse = message(
  "pocket.service.QueryRelayMiningDifficultyHistoryResponse",
  {
    relayMiningDifficultyHistory: field.repeated(1, RelayMiningDifficultyUpdate),
    pagination: field.message(2, PageResponse),
  },
);
export type QueryRelayMiningDifficultyHistoryResponse = MessageOf<typeof QueryRelayMiningDifficultyHistoryResponse>;

export const QueryComputeUnitsPerRelayAtHeightRequest = message(
  "pocket.service.QueryComputeUnitsPerRelayAtHeightRequest",
  { serviceId: field.string(1), blockHeight: field.int64(2) },
);
export type QueryComputeUnitsPerRelayAtHeightRequest = MessageOf<typeof QueryComputeUnitsPerRelayAtHeightRequest>;

export const QueryComputeUnitsPerRelayAtHeightResponse = message(
  "pocket.service.QueryComputeUnitsPerRelayAtHeightResponse",
  { computeUnitsPerRelay: field.uint64(1) },
);
export type QueryComputeUnitsPerRelayAtHeightResponse = MessageOf<typeof QueryComputeUnitsPerRelayAtHeightResponse>;

export const QueryComputeUnitsPerRelayHistoryRequest = message(
  "pocket.service.QueryComputeUnitsPerRelayHistoryRequest",
  { serviceId: field.string(1), pagination: field.message(2, PageRequest) },
);
export type QueryComputeUnitsPerRelayHistoryRequest = MessageOf<typeof QueryComputeUnitsPerRelayHistoryRequest>;

export const QueryComputeUnitsPerRelayHistoryResponse = message(
  "pocket.service.QueryComputeUnitsPerRelayHistoryResponse",
  {
    computeUnitsPerRelayHistory: field.repeated(1, ServiceComputeUnitsPerRelayUpdate),
    pagination: field.message(2, PageResponse),
  },
);
export type QueryComputeUnitsPerRelayHistoryResponse = MessageOf<typeof QueryComputeUnitsPerRelayHistoryResponse>;
