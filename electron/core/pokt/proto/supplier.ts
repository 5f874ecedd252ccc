// Package `pocket.supplier`: supplier params, staking Msgs and queries.
import { field, message, type MessageOf } from "./codec.js";
import { Coin, PageRequest, PageResponse } from "./cosmos.js";
import { Supplier, SupplierServiceConfig } from "./shared.js";

export const Params = message("pocket.supplier.Params", {
  minStake: field.message(1, Coin),
  stakingFee: field.message(2, Coin),
});
export type Params = MessageOf<typeof Params>;

export const MsgStakeSupplier = message("pocket.supplier.MsgStakeSupplier", {
  /** Owner or operator. */
  signer: field.string(1),
  ownerAddress: field.string(2),
  operatorAddress: field.string(3),
  /** Total stake, not a delta; absent keeps an existing supplier's stake. */
  stake: field.message(4, Coin),
  /** Only the operator may set or change services. */
  services: field.repeated(5, SupplierServiceConfig),
});
export type MsgStakeSupplier = MessageOf<typeof MsgStakeSupplier>;

export const MsgStakeSupplierResponse = message("pocket.supplier.MsgStakeSupplierResponse", {});
export type MsgStakeSupplierResponse = MessageOf<typeof MsgStakeSupplierResponse>;

export const MsgUnstakeSupplier = message("pocket.supplier.MsgUnstakeSupplier", {
  signer: field.string(1),
  operatorAddress: field.string(2),
});
export type MsgUnstakeSupplier = MessageOf<typeof MsgUnstakeSupplier>;

export const MsgUnstakeSupplierResponse = message("pocket.supplier.MsgUnstakeSupplierResponse", {});
export type MsgUnstakeSupplierResponse = MessageOf<typeof MsgUnstakeSupplierResponse>;

export const QueryParamsRequest = message("pocket.supplier.QueryParamsRequest", {});
export type QueryParamsRequest = MessageOf<typeof QueryParamsRequest>;

export const QueryParamsResponse = message("pocket.supplier.QueryParamsResponse", {
  params: field.required(1, Params),
});
export type QueryParamsResponse = MessageOf<typeof QueryParamsResponse>;

export const QueryGetSupplierRequest = message("pocket.supplier.QueryGetSupplierRequest", {
  operatorAddress: field.string(1),
  /** Strips the service-config history from the answer. */
  dehydrated: field.bool(2),
});
export type QueryGetSupplierRequest = MessageOf<typeof QueryGetSupplierRequest>;

export const QueryGetSupplierResponse = message("pocket.supplier.QueryGetSupplierResponse", {
  supplier: field.required(1, Supplier),
});
export type QueryGetSupplierResponse = MessageOf<typeof QueryGetSupplierResponse>;

export const QueryAllSuppliersRequest = message("pocket.supplier.QueryAllSuppliersRequest", {
  pagination: field.message(1, PageRequest),
  serviceId: field.string(2),
  operatorAddress: field.string(3),
  ownerAddress: field.string(4),
  dehydrated: field.bool(5),
});
export type QueryAllSuppliersRequest = MessageOf<typeof QueryAllSuppliersRequest>;

export const QueryAllSuppliersResponse = message("pocket.supplier.QueryAllSuppliersResponse", {
  supplier: field.repeated(1, Supplier),
  pagination: field.message(2, PageResponse),
});
export type QueryAllSuppliersResponse = MessageOf<typeof QueryAllSuppliersResponse>;
