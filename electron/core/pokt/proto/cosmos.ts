// The few cosmos-sdk messages embedded in pocket messages, declared here so that they follow the same
// canonical encoding and strict decoding as everything else.
import { field, message, type MessageOf } from "./codec.js";

/** `cosmos.base.v1beta1.Coin`: amount is a decimal string. */
export const Coin = message("cosmos.base.v1beta1.Coin", {
  denom: field.string(1),
  amount: field.string(2),
});
export type Coin = MessageOf<typeof Coin>;

export const PageRequest = message("cosmos.base.query.v1beta1.PageRequest", {
  key: field.bytes(1),
  offset: field.uint64(2),
  limit: field.uint64(3),
  countTotal: field.bool(4),
  reverse: field.bool(5),
});
export type PageRequest = MessageOf<typeof PageRequest>;

export const PageResponse = message("cosmos.base.query.v1beta1.PageResponse", {
  nextKey: field.bytes(1),
  total: field.uint64(2),
});
export type PageResponse = MessageOf<typeof PageResponse>;
