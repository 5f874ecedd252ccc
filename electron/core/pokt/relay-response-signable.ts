// The bytes a supplier signs for a RelayResponse (docs/protocol.md §4.5, poktroll RelayResponse.GetSignableBytesHash):
// the canonical response with the operator signature emptied and, because payload_hash commits to it, the
// payload left out. Gateways and the chain's proof validation recompute exactly these bytes to verify.
import { RelayResponse } from "./proto/service.js";
import { responseSignableHash } from "./response-signature.js";

const EMPTY = new Uint8Array(0);

/** Canonical RelayResponse bytes with `meta.supplier_operator_signature` empty and the payload dropped when hashed. */
export function relayResponseSignableBytes(response: RelayResponse): Uint8Array {
  return RelayResponse.toBytes({
    ...response,
    meta: { ...response.meta, supplierOperatorSignature: EMPTY },
    payload: response.payloadHash.length > 0 ? EMPTY : response.payload,
  });
}

/** SHA-256 of the signable bytes: the `msgHash` given to signResponseHash / verifyResponseSignature. */
export function relayResponseSignableHash(response: RelayResponse): Uint8Array {
  return responseSignableHash(relayResponseSignableBytes(response));
}
