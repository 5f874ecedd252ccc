// The cosmjs Registry every PocketForge transaction is encoded with: the SDK's default Msgs (bank sends for
// funding the operator) plus every pocket Msg of electron/core/pokt/proto.
import { Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import { pocketTypes } from "../pokt/proto/index.js";

export function createPocketRegistry(): Registry {
  return new Registry([...defaultRegistryTypes, ...pocketTypes]);
}
