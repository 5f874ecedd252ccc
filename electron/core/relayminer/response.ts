// Relay replies (docs/protocol.md §3.2, §4.5): a served relay is a RelayResponse whose payload is the backend's
// whole reply as a POKTHTTPResponse, with payload_hash and the operator's signature; a refused one is an
// unsigned RelayResponse carrying the error text and a RelayMinerError.
import { createHash } from "node:crypto";
import { POKTHTTPResponse, type Header } from "../pokt/proto/http.js";
import { RelayResponse } from "../pokt/proto/service.js";
import type { SessionHeader } from "../pokt/proto/session.js";
import { relayResponseSignableHash } from "../pokt/relay-response-signable.js";
import type { BackendReply } from "./backend/backend.js";
import type { RelayFailure } from "./errors.js";

/** Signs RelayResponses for one supplier operator (the wallet's RelayResponseSigner has this shape). */
export interface ResponseSigner {
  readonly address: string;
  /** 64-byte R‖S over RelayResponse.GetSignableBytesHash(). */
  signHash(msgHash: Uint8Array): Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** The header Go puts on an error reply when the request had none it could read. */
export const UNKNOWN_SESSION_HEADER: SessionHeader = {
  applicationAddress: "",
  serviceId: "unknown_service_id",
  sessionId: "",
  sessionStartBlockHeight: 0n,
  sessionEndBlockHeight: 0n,
};

export interface SignedRelayResponse {
  response: RelayResponse;
  /** Canonical encoding, the HTTP body of the reply. */
  bytes: Uint8Array;
}

export function poktHttpResponsePayload(reply: BackendReply): Uint8Array {
  const header = new Map<string, Header>();
  for (const [key, values] of reply.headers) header.set(key, { key, values });
  return POKTHTTPResponse.toBytes({ statusCode: reply.statusCode, header, bodyBz: reply.body });
}

export function signedRelayResponse(header: SessionHeader, reply: BackendReply, signer: ResponseSigner): SignedRelayResponse {
  const payload = poktHttpResponsePayload(reply);
  const response: RelayResponse = {
    meta: { sessionHeader: header, supplierOperatorSignature: EMPTY },
    payload,
    relayMinerError: undefined,
    payloadHash: createHash("sha256").update(payload).digest(),
  };
  response.meta.supplierOperatorSignature = signer.signHash(relayResponseSignableHash(response));
  return { response, bytes: RelayResponse.toBytes(response) };
}

const encoder = new TextEncoder();

export function errorRelayResponse(header: SessionHeader | undefined, failure: RelayFailure): Uint8Array {
  return RelayResponse.toBytes({
    meta: { sessionHeader: header ?? UNKNOWN_SESSION_HEADER, supplierOperatorSignature: EMPTY },
    payload: encoder.encode(failure.message),
    relayMinerError: failure.toProto(),
    payloadHash: EMPTY,
  });
}
