// Package `pocket.tokenomics`: settlement params (percentages are doubles on the wire) and query.
import { field, message, type MessageOf } from "./codec.js";

export const MintAllocationPercentages = message("pocket.tokenomics.MintAllocationPercentages", {
  dao: field.double(1),
  proposer: field.double(2),
  supplier: field.double(3),
  sourceOwner: field.double(4),
  application: field.double(5),
});
export type MintAllocationPercentages = MessageOf<typeof MintAllocationPercentages>;

export const MintEqualsBurnClaimDistribution = message("pocket.tokenomics.MintEqualsBurnClaimDistribution", {
  dao: field.double(1),
  proposer: field.double(2),
  supplier: field.double(3),
  sourceOwner: field.double(4),
  application: field.double(5),
});
export type MintEqualsBurnClaimDistribution = MessageOf<typeof MintEqualsBurnClaimDistribution>;

export const Params = message("pocket.tokenomics.Params", {
  mintAllocationPercentages: field.required(1, MintAllocationPercentages),
  daoRewardAddress: field.string(6),
  globalInflationPerClaim: field.double(7),
  mintEqualsBurnClaimDistribution: field.required(8, MintEqualsBurnClaimDistribution),
  mintRatio: field.double(9),
  overservicingBonusMultiplier: field.uint64(10),
});
export type Params = MessageOf<typeof Params>;

export const QueryParamsRequest = message("pocket.tokenomics.QueryParamsRequest", {});
export type QueryParamsRequest = MessageOf<typeof QueryParamsRequest>;

export const QueryParamsResponse = message("pocket.tokenomics.QueryParamsResponse", {
  params: field.required(1, Params),
});
export type QueryParamsResponse = MessageOf<typeof QueryParamsResponse>;
