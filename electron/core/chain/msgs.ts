// EncodeObjects for the Msgs PocketForge signs, so callers never spell a type URL by hand.
import type { EncodeObject } from "@cosmjs/proto-signing";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import {
  application,
  gateway,
  proof,
  service,
  supplier,
  type PartialOf,
} from "../pokt/proto/index.js";

function encodeObject<C extends { typeUrl: string; fromPartial(p: any): any }>(codec: C, value: PartialOf<C>): EncodeObject {
  return { typeUrl: codec.typeUrl, value: codec.fromPartial(value) };
}

export const msgs = {
  send: (fromAddress: string, toAddress: string, amount: bigint, denom = "upokt"): EncodeObject => ({
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: MsgSend.fromPartial({ fromAddress, toAddress, amount: [{ denom, amount: amount.toString() }] }),
  }),
  stakeSupplier: (value: PartialOf<typeof supplier.MsgStakeSupplier>) => encodeObject(supplier.MsgStakeSupplier, value),
  unstakeSupplier: (value: PartialOf<typeof supplier.MsgUnstakeSupplier>) => encodeObject(supplier.MsgUnstakeSupplier, value),
  addService: (value: PartialOf<typeof service.MsgAddService>) => encodeObject(service.MsgAddService, value),
  stakeApplication: (value: PartialOf<typeof application.MsgStakeApplication>) =>
    encodeObject(application.MsgStakeApplication, value),
  unstakeApplication: (value: PartialOf<typeof application.MsgUnstakeApplication>) =>
    encodeObject(application.MsgUnstakeApplication, value),
  delegateToGateway: (value: PartialOf<typeof application.MsgDelegateToGateway>) =>
    encodeObject(application.MsgDelegateToGateway, value),
  undelegateFromGateway: (value: PartialOf<typeof application.MsgUndelegateFromGateway>) =>
    encodeObject(application.MsgUndelegateFromGateway, value),
  stakeGateway: (value: PartialOf<typeof gateway.MsgStakeGateway>) => encodeObject(gateway.MsgStakeGateway, value),
  unstakeGateway: (value: PartialOf<typeof gateway.MsgUnstakeGateway>) => encodeObject(gateway.MsgUnstakeGateway, value),
  createClaim: (value: PartialOf<typeof proof.MsgCreateClaim>) => encodeObject(proof.MsgCreateClaim, value),
  submitProof: (value: PartialOf<typeof proof.MsgSubmitProof>) => encodeObject(proof.MsgSubmitProof, value),
};
