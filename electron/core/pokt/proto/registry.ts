// The pocket Msgs as cosmjs GeneratedTypes, for `new Registry([...defaultRegistryTypes, ...pocketTypes])`.
import type { GeneratedType } from "@cosmjs/proto-signing";
import { Any } from "cosmjs-types/google/protobuf/any";
import * as application from "./application.js";
import type { AnyMessageCodec, MessageCodec } from "./codec.js";
import { ProtoDecodeError } from "./errors.js";
import * as gateway from "./gateway.js";
import * as proof from "./proof.js";
import * as service from "./service.js";
import * as supplier from "./supplier.js";

/** Every Msg a supplier, service owner, application or gateway signs, with its response. */
export const pocketMsgCodecs: readonly AnyMessageCodec[] = [
  supplier.MsgStakeSupplier,
  supplier.MsgStakeSupplierResponse,
  supplier.MsgUnstakeSupplier,
  supplier.MsgUnstakeSupplierResponse,
  service.MsgAddService,
  service.MsgAddServiceResponse,
  service.MsgTransferService,
  service.MsgTransferServiceResponse,
  application.MsgStakeApplication,
  application.MsgStakeApplicationResponse,
  application.MsgUnstakeApplication,
  application.MsgUnstakeApplicationResponse,
  application.MsgDelegateToGateway,
  application.MsgDelegateToGatewayResponse,
  application.MsgUndelegateFromGateway,
  application.MsgUndelegateFromGatewayResponse,
  application.MsgTransferApplication,
  application.MsgTransferApplicationResponse,
  gateway.MsgStakeGateway,
  gateway.MsgStakeGatewayResponse,
  gateway.MsgUnstakeGateway,
  gateway.MsgUnstakeGatewayResponse,
  gateway.MsgUpdateGatewayMetadata,
  gateway.MsgUpdateGatewayMetadataResponse,
  proof.MsgCreateClaim,
  proof.MsgCreateClaimResponse,
  proof.MsgSubmitProof,
  proof.MsgSubmitProofResponse,
];

/** `[typeUrl, GeneratedType]` pairs, e.g. `["/pocket.supplier.MsgStakeSupplier", MsgStakeSupplier]`. */
export const pocketTypes: Array<[string, GeneratedType]> = pocketMsgCodecs.map((codec) => [codec.typeUrl, codec]);

/** Wraps a message in a `google.protobuf.Any` under its own type URL. */
export function toAny<T extends object>(codec: MessageCodec<T, any>, message: T): Any {
  return Any.fromPartial({ typeUrl: codec.typeUrl, value: codec.toBytes(message) });
}

/** Unwraps an Any, refusing one whose type URL is not the codec's. */
export function fromAny<T extends object>(codec: MessageCodec<T, any>, any: Any): T {
  if (any.typeUrl !== codec.typeUrl) {
    throw new ProtoDecodeError(codec.typeName, 0, `Any holds ${any.typeUrl}, not ${codec.typeUrl}`);
  }
  return codec.decode(any.value);
}
