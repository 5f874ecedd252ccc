// Protobuf codecs for the POKT (Shannon) messages a supplier handles. Packages are exported as namespaces
// because several share message names (every module has a `Params`): `proof.MsgCreateClaim`,
// `shared.Params`, `service.RelayRequest`, ...
export * as application from "./application.js";
export * as cosmos from "./cosmos.js";
export * as gateway from "./gateway.js";
export * as http from "./http.js";
export * as proof from "./proof.js";
export * as service from "./service.js";
export * as session from "./session.js";
export * as shared from "./shared.js";
export * as supplier from "./supplier.js";
export * as tokenomics from "./tokenomics.js";
export { field, message } from "./codec.js";
export type { AnyMessageCodec, FieldShape, MessageCodec, MessageOf, PartialOf, ScalarKind } from "./codec.js";
export { ProtoDecodeError, ProtoEncodeError } from "./errors.js";
export { queries, type QueryMethod } from "./queries.js";
export { fromAny, pocketMsgCodecs, pocketTypes, toAny } from "./registry.js";
// Enums have unique names, so they are also available at the top level.
export { ConfigOptions, RPCType } from "./shared.js";
export { ClaimProofStage, ClaimProofStatus, ProofRequirementReason } from "./proof.js";
