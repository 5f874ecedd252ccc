// Package `pocket.gateway`: gateways, their params, staking Msgs and queries.
import { field, message, type MessageOf } from "./codec.js";
import { Coin, PageRequest, PageResponse } from "./cosmos.js";
import { Metadata } from "./shared.js";

export const Gateway = message("pocket.gateway.Gateway", {
  address: field.string(1),
  stake: field.message(2, Coin),
  unstakeSessionEndHeight: field.uint64(3),
  /** Gateway card (v0.1.35). */
  metadata: field.message(4, Metadata),
});
export type Gateway = MessageOf<typeof Gateway>;

export const Params = message("pocket.gateway.Params", {
  minStake: field.message(1, Coin),
});
export type Params = MessageOf<typeof Params>;

export const MsgStakeGateway = message("pocket.gateway.MsgStakeGateway", {
  address: field.string(1),
  /** Total stake; every call must increase it. */
  stake: field.message(2, Coin),
});
export type MsgStakeGateway = MessageOf<typeof MsgStakeGateway>;

export const MsgStakeGatewayResponse = message("pocket.gateway.MsgStakeGatewayResponse", {});
export type MsgStakeGatewayResponse = MessageOf<typeof MsgStakeGatewayResponse>;

export const MsgUnstakeGateway = message("pocket.gateway.MsgUnstakeGateway", {
  address: field.string(1),
});
export type MsgUnstakeGateway = MessageOf<typeof MsgUnstakeGateway>;

export const MsgUnstakeGatewayResponse = message("pocket.gateway.MsgUnstakeGatewayResponse", {});
export type MsgUnstakeGatewayResponse = MessageOf<typeof MsgUnstakeGatewayResponse>;

export const MsgUpdateGatewayMetadata = message("pocket.gateway.MsgUpdateGatewayMetadata", {
  address: field.string(1),
  metadata: field.message(2, Metadata),
});
export type MsgUpdateGatewayMetadata = MessageOf<typeof MsgUpdateGatewayMetadata>;

export const MsgUpdateGatewayMetadataResponse = message("pocket.gateway.MsgUpdateGatewayMetadataResponse", {});
export type MsgUpdateGatewayMetadataResponse = MessageOf<typeof MsgUpdateGatewayMetadataResponse>;

export const QueryParamsRequest = message("pocket.gateway.QueryParamsRequest", {});
export type QueryParamsRequest = MessageOf<typeof QueryParamsRequest>;

export const QueryParamsResponse = message("pocket.gateway.QueryParamsResponse", {
  params: field.required(1, Params),
});
export type QueryParamsResponse = MessageOf<typeof QueryParamsResponse>;

export const QueryGetGatewayRequest = message("pocket.gateway.QueryGetGatewayRequest", {
  address: field.string(1),
  dehydrated: field.bool(2),
});
export type QueryGetGatewayRequest = MessageOf<typeof QueryGetGatewayRequest>;

export const QueryGetGatewayResponse = message("pocket.gateway.QueryGetGatewayResponse", {
  gateway: field.required(1, Gateway),
});
export type QueryGetGatewayResponse = MessageOf<typeof QueryGetGatewayResponse>;

export const QueryAllGatewaysRequest = message("pocket.gateway.QueryAllGatewaysRequest", {
  pagination: field.message(1, PageRequest),
  dehydrated: field.bool(2),
});
export type QueryAllGatewaysRequest = MessageOf<typeof QueryAllGatewaysRequest>;

export const QueryAllGatewaysResponse = message("pocket.gateway.QueryAllGatewaysResponse", {
  gateways: field.repeated(1, Gateway),
  pagination: field.message(2, PageResponse),
});
export type QueryAllGatewaysResponse = MessageOf<typeof QueryAllGatewaysResponse>;
