// Package `pocket.application`: applications, their params, staking/delegation Msgs and queries.
import { field, message, type MessageOf } from "./codec.js";
import { Coin, PageRequest, PageResponse } from "./cosmos.js";
import { ApplicationServiceConfig } from "./shared.js";

export const UndelegatingGatewayList = message("pocket.application.UndelegatingGatewayList", {
  gatewayAddresses: field.repeatedString(2),
});
export type UndelegatingGatewayList = MessageOf<typeof UndelegatingGatewayList>;

export const PendingApplicationTransfer = message("pocket.application.PendingApplicationTransfer", {
  destinationAddress: field.string(1),
  sessionEndHeight: field.uint64(2),
});
export type PendingApplicationTransfer = MessageOf<typeof PendingApplicationTransfer>;

export const ApplicationServiceConfigUpdate = message("pocket.application.ApplicationServiceConfigUpdate", {
  applicationAddress: field.string(1),
  service: field.message(2, ApplicationServiceConfig),
  activationHeight: field.int64(3),
  /** 0 = still active. */
  deactivationHeight: field.int64(4),
});
export type ApplicationServiceConfigUpdate = MessageOf<typeof ApplicationServiceConfigUpdate>;

export const Application = message("pocket.application.Application", {
  address: field.string(1),
  stake: field.message(2, Coin),
  /** Exactly one service. */
  serviceConfigs: field.repeated(3, ApplicationServiceConfig),
  delegateeGatewayAddresses: field.repeatedString(4),
  /** Keyed by the session end height at which the undelegation happened. */
  pendingUndelegations: field.uint64Map(5, UndelegatingGatewayList),
  unstakeSessionEndHeight: field.uint64(6),
  pendingTransfer: field.message(7, PendingApplicationTransfer),
  perSessionSpendLimit: field.message(8, Coin),
  serviceConfigHistory: field.repeated(9, ApplicationServiceConfigUpdate),
});
export type Application = MessageOf<typeof Application>;

export const Params = message("pocket.application.Params", {
  maxDelegatedGateways: field.uint64(1),
  minStake: field.message(2, Coin),
});
export type Params = MessageOf<typeof Params>;

export const MsgStakeApplication = message("pocket.application.MsgStakeApplication", {
  address: field.string(1),
  /** Total stake, not a delta. */
  stake: field.message(2, Coin),
  services: field.repeated(3, ApplicationServiceConfig),
  /** Absent keeps the current limit; a zero coin clears it. */
  perSessionSpendLimit: field.message(4, Coin),
});
export type MsgStakeApplication = MessageOf<typeof MsgStakeApplication>;

export const MsgStakeApplicationResponse = message("pocket.application.MsgStakeApplicationResponse", {});
export type MsgStakeApplicationResponse = MessageOf<typeof MsgStakeApplicationResponse>;

export const MsgUnstakeApplication = message("pocket.application.MsgUnstakeApplication", {
  address: field.string(1),
});
export type MsgUnstakeApplication = MessageOf<typeof MsgUnstakeApplication>;

export const MsgUnstakeApplicationResponse = message("pocket.application.MsgUnstakeApplicationResponse", {});
export type MsgUnstakeApplicationResponse = MessageOf<typeof MsgUnstakeApplicationResponse>;

export const MsgDelegateToGateway = message("pocket.application.MsgDelegateToGateway", {
  appAddress: field.string(1),
  gatewayAddress: field.string(2),
});
export type MsgDelegateToGateway = MessageOf<typeof MsgDelegateToGateway>;

export const MsgDelegateToGatewayResponse = message("pocket.application.MsgDelegateToGatewayResponse", {});
export type MsgDelegateToGatewayResponse = MessageOf<typeof MsgDelegateToGatewayResponse>;

export const MsgUndelegateFromGateway = message("pocket.application.MsgUndelegateFromGateway", {
  appAddress: field.string(1),
  gatewayAddress: field.string(2),
});
export type MsgUndelegateFromGateway = MessageOf<typeof MsgUndelegateFromGateway>;

export const MsgUndelegateFromGatewayResponse = message("pocket.application.MsgUndelegateFromGatewayResponse", {});
export type MsgUndelegateFromGatewayResponse = MessageOf<typeof MsgUndelegateFromGatewayResponse>;

export const MsgTransferApplication = message("pocket.application.MsgTransferApplication", {
  sourceAddress: field.string(1),
  destinationAddress: field.string(2),
});
export type MsgTransferApplication = MessageOf<typeof MsgTransferApplication>;

export const MsgTransferApplicationResponse = message("pocket.application.MsgTransferApplicationResponse", {});
export type MsgTransferApplicationResponse = MessageOf<typeof MsgTransferApplicationResponse>;

export const QueryParamsRequest = message("pocket.application.QueryParamsRequest", {});
export type QueryParamsRequest = MessageOf<typeof QueryParamsRequest>;

export const QueryParamsResponse = message("pocket.application.QueryParamsResponse", {
  params: field.required(1, Params),
});
export type QueryParamsResponse = MessageOf<typeof QueryParamsResponse>;

export const QueryGetApplicationRequest = message("pocket.application.QueryGetApplicationRequest", {
  address: field.string(1),
});
export type QueryGetApplicationRequest = MessageOf<typeof QueryGetApplicationRequest>;

export const QueryGetApplicationResponse = message("pocket.application.QueryGetApplicationResponse", {
  application: field.required(1, Application),
});
export type QueryGetApplicationResponse = MessageOf<typeof QueryGetApplicationResponse>;

export const QueryAllApplicationsRequest = message("pocket.application.QueryAllApplicationsRequest", {
  pagination: field.message(1, PageRequest),
  delegateeGatewayAddress: field.string(2),
});
export type QueryAllApplicationsRequest = MessageOf<typeof QueryAllApplicationsRequest>;

export const QueryAllApplicationsResponse = message("pocket.application.QueryAllApplicationsResponse", {
  applications: field.repeated(1, Application),
  pagination: field.message(2, PageResponse),
});
export type QueryAllApplicationsResponse = MessageOf<typeof QueryAllApplicationsResponse>;
