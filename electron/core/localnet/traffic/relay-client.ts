// The gateway side of one relay (docs/protocol.md §3, §4): wrap an OpenAI request in a POKTHTTPRequest, address it
// to one supplier of the session, ring-sign it with the gateway key, POST it to the supplier's endpoint, and
// check the answer the way a gateway does (header, payload hash, supplier signature, inner HTTP status).
import { sha256 } from "@noble/hashes/sha2.js";
import { http, service, type session } from "../../pokt/proto/index.js";
import { relayRequestSignableHash, validateRelayResponse } from "../../pokt/relay.js";
import { relayResponseSignableHash } from "../../pokt/relay-response-signable.js";
import { verifyResponseSignature } from "../../pokt/response-signature.js";
import { serializeRingSignature, signRing } from "../../pokt/ring/index.js";

export interface RelayTarget {
  header: session.SessionHeader;
  supplierOperatorAddress: string;
  /** The supplier's staked endpoint URL for the service. */
  endpointUrl: string;
  rpcType: number;
  /** The supplier operator's on-chain public key (to verify its signature). */
  supplierPublicKey: Uint8Array;
}

export interface RelaySigner {
  gatewayPrivateKey: Uint8Array;
  /** The application's ring (sorted members' public keys). */
  ringPublicKeys: Uint8Array[];
}

export type RelayOutcome =
  | { ok: true; latencyMs: number; statusCode: number; body: Uint8Array }
  | { ok: false; latencyMs: number; reason: string; detail: string };

const EMPTY = new Uint8Array(0);

export function buildRelayRequest(target: RelayTarget, signer: RelaySigner, path: string, body: Uint8Array): Uint8Array {
  const payload = http.POKTHTTPRequest.toBytes({
    method: "POST",
    header: new Map([["Content-Type", { key: "Content-Type", values: ["application/json"] }]]),
    url: joinUrl(target.endpointUrl, path),
    bodyBz: body,
  });
  const unsigned: service.RelayRequest = {
    meta: { sessionHeader: target.header, signature: EMPTY, supplierOperatorAddress: target.supplierOperatorAddress },
    payload,
  };
  const signature = signRing({
    message: relayRequestSignableHash(unsigned),
    ring: signer.ringPublicKeys,
    privateKey: signer.gatewayPrivateKey,
  });
  return service.RelayRequest.toBytes({ ...unsigned, meta: { ...unsigned.meta, signature: serializeRingSignature(signature) } });
}

/** PATH concatenates the staked URL and the user's path. */
function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

function sameHeader(a: session.SessionHeader | undefined, b: session.SessionHeader): boolean {
  return (
    a !== undefined &&
    a.sessionId === b.sessionId &&
    a.applicationAddress === b.applicationAddress &&
    a.serviceId === b.serviceId &&
    a.sessionStartBlockHeight === b.sessionStartBlockHeight &&
    a.sessionEndBlockHeight === b.sessionEndBlockHeight
  );
}

/** Checks a RelayResponse as a gateway would; `reason` is a stable token for statistics. */
export function checkRelayResponse(
  bytes: Uint8Array,
  target: RelayTarget,
): { ok: true; statusCode: number; body: Uint8Array } | { ok: false; reason: string; detail: string } {
  let response: service.RelayResponse;
  try {
    response = service.RelayResponse.decode(bytes);
  } catch (error) {
    return { ok: false, reason: "undecodable_response", detail: error instanceof Error ? error.message : String(error) };
  }
  if (response.relayMinerError !== undefined) {
    const e = response.relayMinerError;
    return { ok: false, reason: `relay_miner_error_${e.codespace}_${e.code}`, detail: e.message || e.description };
  }
  const problem = validateRelayResponse(response);
  if (problem !== undefined) return { ok: false, reason: "invalid_response", detail: problem };
  if (!sameHeader(response.meta.sessionHeader, target.header)) {
    return { ok: false, reason: "session_mismatch", detail: "the response names another session" };
  }
  const hash = sha256(response.payload);
  if (response.payloadHash.length !== hash.length || !response.payloadHash.every((b, i) => b === hash[i])) {
    return { ok: false, reason: "payload_hash_mismatch", detail: "payload_hash is not SHA-256 of the payload" };
  }
  const signed = verifyResponseSignature({
    publicKey: target.supplierPublicKey,
    msgHash: relayResponseSignableHash(response),
    signature: response.meta.supplierOperatorSignature,
  });
  if (!signed) return { ok: false, reason: "bad_signature", detail: "the supplier signature does not verify" };
  let inner: http.POKTHTTPResponse;
  try {
    inner = http.POKTHTTPResponse.decode(response.payload);
  } catch (error) {
    return { ok: false, reason: "undecodable_payload", detail: error instanceof Error ? error.message : String(error) };
  }
  if (inner.statusCode >= 400) {
    return { ok: false, reason: `backend_${inner.statusCode}`, detail: new TextDecoder().decode(inner.bodyBz).slice(0, 200) };
  }
  return { ok: true, statusCode: inner.statusCode, body: inner.bodyBz };
}

/** Sends one signed relay and checks the answer. Never throws. */
export async function sendRelay(
  target: RelayTarget,
  signer: RelaySigner,
  path: string,
  body: Uint8Array,
  timeoutMs: number,
): Promise<RelayOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  let request: Uint8Array;
  try {
    request = buildRelayRequest(target, signer, path, body);
  } catch (error) {
    return { ok: false, latencyMs: elapsed(), reason: "signing_failed", detail: error instanceof Error ? error.message : String(error) };
  }
  let reply: Response;
  try {
    reply = await fetch(target.endpointUrl, {
      method: "POST",
      body: new Uint8Array(request) as Uint8Array<ArrayBuffer>,
      headers: { "Content-Type": "application/json", "Rpc-Type": String(target.rpcType) },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    return {
      ok: false,
      latencyMs: elapsed(),
      reason: name === "TimeoutError" ? "timeout" : "unreachable",
      detail: error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error),
    };
  }
  const bytes = new Uint8Array(await reply.arrayBuffer().catch(() => new ArrayBuffer(0)));
  if (reply.status !== 200) {
    return { ok: false, latencyMs: elapsed(), reason: `http_${reply.status}`, detail: new TextDecoder().decode(bytes).slice(0, 200) };
  }
  const checked = checkRelayResponse(bytes, target);
  return checked.ok ? { ...checked, latencyMs: elapsed() } : { ...checked, latencyMs: elapsed() };
}
