// Package `pocket.proof`: claims, proofs, proof params, claim/proof Msgs and queries.
import { field, message, type MessageOf } from "./codec.js";
import { Coin, PageRequest, PageResponse } from "./cosmos.js";
import { SessionHeader } from "./session.js";

export const ClaimProofStatus = { PENDING_VALIDATION: 0, VALIDATED: 1, INVALID: 2 } as const;
export type ClaimProofStatus = (typeof ClaimProofStatus)[keyof typeof ClaimProofStatus];

export const ProofRequirementReason = { NOT_REQUIRED: 0, PROBABILISTIC: 1, THRESHOLD: 2 } as const;
export type ProofRequirementReason = (typeof ProofRequirementReason)[keyof typeof ProofRequirementReason];

export const ClaimProofStage = { CLAIMED: 0, PROVEN: 1, SETTLED: 2, EXPIRED: 3 } as const;
export type ClaimProofStage = (typeof ClaimProofStage)[keyof typeof ClaimProofStage];

export const Claim = message("pocket.proof.Claim", {
  supplierOperatorAddress: field.string(1),
  sessionHeader: field.message(2, SessionHeader),
  /** 48-byte SMST root: hash(32) ‖ sum_be8 ‖ count_be8. */
  rootHash: field.bytes(3),
  proofValidationStatus: field.enum(4),
});
export type Claim = MessageOf<typeof Claim>;

export const Proof = message("pocket.proof.Proof", {
  supplierOperatorAddress: field.string(1),
  sessionHeader: field.message(2, SessionHeader),
  /** gob-encoded SparseCompactMerkleClosestProof. */
  closestMerkleProof: field.bytes(3),
});
export type Proof = MessageOf<typeof Proof>;

/** Off-chain persistence of a session tree's root. */
export const SessionSMT = message("pocket.proof.SessionSMT", {
  sessionHeader: field.message(1, SessionHeader),
  supplierOperatorAddress: field.string(2),
  smtRoot: field.bytes(3),
});
export type SessionSMT = MessageOf<typeof SessionSMT>;

/** Field 1 is reserved. */
export const Params = message("pocket.proof.Params", {
  proofRequestProbability: field.double(2),
  proofRequirementThreshold: field.message(3, Coin),
  proofMissingPenalty: field.message(4, Coin),
  proofSubmissionFee: field.message(5, Coin),
});
export type Params = MessageOf<typeof Params>;

export const MsgCreateClaim = message("pocket.proof.MsgCreateClaim", {
  supplierOperatorAddress: field.string(1),
  sessionHeader: field.message(2, SessionHeader),
  rootHash: field.bytes(3),
});
export type MsgCreateClaim = MessageOf<typeof MsgCreateClaim>;

export const MsgCreateClaimResponse = message("pocket.proof.MsgCreateClaimResponse", {});
export type MsgCreateClaimResponse = MessageOf<typeof MsgCreateClaimResponse>;

export const MsgSubmitProof = message("pocket.proof.MsgSubmitProof", {
  supplierOperatorAddress: field.string(1),
  sessionHeader: field.message(2, SessionHeader),
  /** gob-encoded SparseCompactMerkleClosestProof. */
  proof: field.bytes(3),
});
export type MsgSubmitProof = MessageOf<typeof MsgSubmitProof>;

export const MsgSubmitProofResponse = message("pocket.proof.MsgSubmitProofResponse", {});
export type MsgSubmitProofResponse = MessageOf<typeof MsgSubmitProofResponse>;

export const QueryParamsRequest = message("pocket.proof.QueryParamsRequest", {});
export type QueryParamsRequest = MessageOf<typeof QueryParamsRequest>;

export const QueryParamsResponse = message("pocket.proof.QueryParamsResponse", {
  params: field.required(1, Params),
});
export type QueryParamsResponse = MessageOf<typeof QueryParamsResponse>;

export const QueryGetClaimRequest = message("pocket.proof.QueryGetClaimRequest", {
  sessionId: field.string(1),
  supplierOperatorAddress: field.string(2),
});
export type QueryGetClaimRequest = MessageOf<typeof QueryGetClaimRequest>;

export const QueryGetClaimResponse = message("pocket.proof.QueryGetClaimResponse", {
  claim: field.required(1, Claim),
});
export type QueryGetClaimResponse = MessageOf<typeof QueryGetClaimResponse>;

/** Filters form a oneof: set at most one of them. */
export const QueryAllClaimsRequest = message("pocket.proof.QueryAllClaimsRequest", {
  pagination: field.message(1, PageRequest),
  supplierOperatorAddress: field.oneof.string("filter", 2),
  sessionId: field.oneof.string("filter", 3),
  sessionEndHeight: field.oneof.uint64("filter", 4),
});
export type QueryAllClaimsRequest = MessageOf<typeof QueryAllClaimsRequest>;

export const QueryAllClaimsResponse = message("pocket.proof.QueryAllClaimsResponse", {
  claims: field.repeated(1, Claim),
  pagination: field.message(2, PageResponse),
});
export type QueryAllClaimsResponse = MessageOf<typeof QueryAllClaimsResponse>;

export const QueryGetProofRequest = message("pocket.proof.QueryGetProofRequest", {
  sessionId: field.string(1),
  supplierOperatorAddress: field.string(2),
});
export type QueryGetProofRequest = MessageOf<typeof QueryGetProofRequest>;

export const QueryGetProofResponse = message("pocket.proof.QueryGetProofResponse", {
  proof: field.required(1, Proof),
});
export type QueryGetProofResponse = MessageOf<typeof QueryGetProofResponse>;

/** Filters form a oneof: set at most one of them. */
export const QueryAllProofsRequest = message("pocket.proof.QueryAllProofsRequest", {
  pagination: field.message(1, PageRequest),
  supplierOperatorAddress: field.oneof.string("filter", 2),
  sessionId: field.oneof.string("filter", 3),
  sessionEndHeight: field.oneof.uint64("filter", 4),
});
export type QueryAllProofsRequest = MessageOf<typeof QueryAllProofsRequest>;

export const QueryAllProofsResponse = message("pocket.proof.QueryAllProofsResponse", {
  proofs: field.repeated(1, Proof),
  pagination: field.message(2, PageResponse),
});
export type QueryAllProofsResponse = MessageOf<typeof QueryAllProofsResponse>;
