// A gateway's checks of a RelayResponse (docs/protocol.md §3.2, §4.5, §12.9), for a whole reply and for each batch of
// a stream alike: it decodes, carries no RelayMinerError, is well formed, names the request's session, its payload
// matches payload_hash (which the Go SDK does not check) and the supplier's signature verifies.
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesEqual } from "./proto/bytes.js";
import { POKTHTTPResponse } from "./proto/http.js";
import { RelayResponse } from "./proto/service.js";
import type { SessionHeader } from "./proto/session.js";
import { validateRelayResponse } from "./relay.js";
import { relayResponseSignableHash } from "./relay-response-signable.js";
import { verifyResponseSignature } from "./response-signature.js";

export interface ResponseExpectation {
  /** The session header the request carried. */
  header: SessionHeader;
  /** The supplier operator's on-chain public key. */
  supplierPublicKey: Uint8Array;
}

/** `reason` is a stable token for statistics, `detail` a sentence for people. */
export interface RelayResponseProblem {
  ok: false;
  reason: string;
  detail: string;
}

export type RelayResponseCheck = { ok: true; response: RelayResponse; http: POKTHTTPResponse } | RelayResponseProblem;

export function sameSessionHeader(a: SessionHeader | undefined, b: SessionHeader): boolean {
  return (
    a !== undefined &&
    a.sessionId === b.sessionId &&
    a.applicationAddress === b.applicationAddress &&
    a.serviceId === b.serviceId &&
    a.sessionStartBlockHeight === b.sessionStartBlockHeight &&
    a.sessionEndBlockHeight === b.sessionEndBlockHeight
  );
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Everything a gateway checks of one RelayResponse, except what its inner HTTP status means. */
export function verifyRelayResponse(bytes: Uint8Array, expected: ResponseExpectation): RelayResponseCheck {
  let response: RelayResponse;
  try {
    response = RelayResponse.decode(bytes);
  } catch (error) {
    return { ok: false, reason: "undecodable_response", detail: message(error) };
  }
  if (response.relayMinerError !== undefined) {
    const e = response.relayMinerError;
    return { ok: false, reason: `relay_miner_error_${e.codespace}_${e.code}`, detail: e.message || e.description };
  }
  const problem = validateRelayResponse(response);
  if (problem !== undefined) return { ok: false, reason: "invalid_response", detail: problem };
  if (!sameSessionHeader(response.meta.sessionHeader, expected.header)) {
    return { ok: false, reason: "session_mismatch", detail: "the response names another session" };
  }
  if (!bytesEqual(response.payloadHash, sha256(response.payload))) {
    return { ok: false, reason: "payload_hash_mismatch", detail: "payload_hash is not SHA-256 of the payload" };
  }
  const signed = verifyResponseSignature({
    publicKey: expected.supplierPublicKey,
    msgHash: relayResponseSignableHash(response),
    signature: response.meta.supplierOperatorSignature,
  });
  if (!signed) return { ok: false, reason: "bad_signature", detail: "the supplier signature does not verify" };
  let http: POKTHTTPResponse;
  try {
    http = POKTHTTPResponse.decode(response.payload);
  } catch (error) {
    return { ok: false, reason: "undecodable_payload", detail: message(error) };
  }
  return { ok: true, response, http };
}
