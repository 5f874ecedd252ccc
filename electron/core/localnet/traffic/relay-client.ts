// The gateway side of one relay (docs/protocol.md §3, §4, §12.9): wrap an OpenAI request in a POKTHTTPRequest,
// address it to one supplier of the session, ring-sign it with the gateway key, POST it to the supplier's endpoint,
// and check the answer the way a gateway does (header, payload hash, supplier signature, inner HTTP status). A
// streamed answer is checked batch by batch as it arrives, and its completion read across batches.
import { http, service, type session } from "../../pokt/proto/index.js";
import { relayRequestSignableHash } from "../../pokt/relay.js";
import { verifyRelayResponse } from "../../pokt/relay-response-check.js";
import { serializeRingSignature, signRing } from "../../pokt/ring/index.js";
import { RelayStreamError, RelayStreamReader, streamMediaType, type StreamMediaType } from "../../pokt/stream/index.js";
import { CompletionStream, type CompletionUsage } from "./completion-stream.js";

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

/** What a streamed answer looked like to the gateway. */
export interface StreamedAnswer {
  mediaType: StreamMediaType;
  /** Verified batches. */
  batches: number;
  /** From sending the relay to the first chunk of text; null when no text came. */
  firstTokenMs: number | null;
  /** The completion's text, joined across chunks and batches. */
  text: string;
  usage: CompletionUsage | null;
}

export type RelayOutcome =
  | { ok: true; latencyMs: number; statusCode: number; body: Uint8Array; stream?: StreamedAnswer }
  | { ok: false; latencyMs: number; reason: string; detail: string };

export interface SendRelayOptions {
  /** Bound on a streamed answer from sending to its end (default 600 s, as the relay miner's). */
  streamTimeoutMs?: number;
  /** Called with the text of each chunk of a streamed answer as it arrives. */
  onText?(text: string): void;
}

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

/** Checks a whole RelayResponse as a gateway would; `reason` is a stable token for statistics. */
export function checkRelayResponse(
  bytes: Uint8Array,
  target: RelayTarget,
): { ok: true; statusCode: number; body: Uint8Array } | { ok: false; reason: string; detail: string } {
  const checked = verifyRelayResponse(bytes, { header: target.header, supplierPublicKey: target.supplierPublicKey });
  if (!checked.ok) return checked;
  const inner = checked.http;
  if (inner.statusCode >= 400) {
    return { ok: false, reason: `backend_${inner.statusCode}`, detail: new TextDecoder().decode(inner.bodyBz).slice(0, 200) };
  }
  return { ok: true, statusCode: inner.statusCode, body: inner.bodyBz };
}

const DEFAULT_STREAM_TIMEOUT_MS = 600_000;
const TIMED_OUT = "timed out";

/**
 * Sends one signed relay and checks the answer. A whole answer must arrive within `timeoutMs`; a streamed one must
 * start within it and end within `streamTimeoutMs` of sending. Never throws.
 */
export async function sendRelay(
  target: RelayTarget,
  signer: RelaySigner,
  path: string,
  body: Uint8Array,
  timeoutMs: number,
  options: SendRelayOptions = {},
): Promise<RelayOutcome> {
  const started = performance.now();
  let request: Uint8Array;
  try {
    request = buildRelayRequest(target, signer, path, body);
  } catch (error) {
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    return { ok: false, latencyMs, reason: "signing_failed", detail: error instanceof Error ? error.message : String(error) };
  }
  return postRelay(target, request, timeoutMs, options, started);
}

/** Posts a signed RelayRequest and checks the answer, whole or streamed (as sendRelay). Never throws. */
export async function postRelay(
  target: RelayTarget,
  request: Uint8Array,
  timeoutMs: number,
  options: SendRelayOptions = {},
  started = performance.now(),
): Promise<RelayOutcome> {
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(TIMED_OUT), timeoutMs);
  const failed = (otherwise: string) => (error: unknown): RelayOutcome => ({
    ok: false,
    latencyMs: elapsed(),
    reason: controller.signal.aborted && controller.signal.reason === TIMED_OUT ? "timeout" : otherwise,
    detail: error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error),
  });
  try {
    let reply: Response;
    try {
      reply = await fetch(target.endpointUrl, {
        method: "POST",
        body: new Uint8Array(request) as Uint8Array<ArrayBuffer>,
        // No outer Accept: pocket-relay-miner labels whole replies with it (docs/protocol.md §12.9).
        headers: { "Content-Type": "application/json", "Rpc-Type": String(target.rpcType) },
        signal: controller.signal,
      });
    } catch (error) {
      return failed("unreachable")(error);
    }
    const mediaType = streamMediaType(reply.headers.get("content-type") ?? undefined);
    if (mediaType !== undefined && reply.body !== null) {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(TIMED_OUT), Math.max(1, (options.streamTimeoutMs ?? DEFAULT_STREAM_TIMEOUT_MS) - (performance.now() - started)));
      return await readStream(reply.body, mediaType, target, started, options).catch(failed("stream_broken"));
    }
    const bytes = new Uint8Array(await reply.arrayBuffer().catch(() => new ArrayBuffer(0)));
    if (reply.status !== 200) {
      return { ok: false, latencyMs: elapsed(), reason: `http_${reply.status}`, detail: new TextDecoder().decode(bytes).slice(0, 200) };
    }
    const checked = checkRelayResponse(bytes, target);
    return checked.ok ? { ...checked, latencyMs: elapsed() } : { ...checked, latencyMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a streamed answer: every batch verified as it comes, the completion read across batches. @throws on a read error */
async function readStream(
  body: ReadableStream<Uint8Array>,
  mediaType: StreamMediaType,
  target: RelayTarget,
  started: number,
  options: SendRelayOptions,
): Promise<RelayOutcome> {
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  const reader = new RelayStreamReader({ header: target.header, supplierPublicKey: target.supplierPublicKey, mediaType });
  const completion = new CompletionStream(mediaType);
  const parts: Uint8Array[] = [];
  let firstTokenMs: number | null = null;
  const take = (step: { body: Uint8Array[]; events: Array<{ type: string; data: string }> }) => {
    parts.push(...step.body);
    for (const event of step.events) {
      const before = completion.text.length;
      if (!completion.event(event)) continue;
      firstTokenMs ??= elapsed();
      options.onText?.(completion.text.slice(before));
    }
  };
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) take(reader.push(chunk));
    take(reader.finish());
  } catch (error) {
    if (error instanceof RelayStreamError) return { ok: false, latencyMs: elapsed(), reason: error.reason, detail: error.detail };
    throw error;
  }
  const joined = new Uint8Array(Buffer.concat(parts));
  const statusCode = reader.statusCode;
  if (statusCode !== undefined && statusCode >= 400) {
    return { ok: false, latencyMs: elapsed(), reason: `backend_${statusCode}`, detail: new TextDecoder().decode(joined).slice(0, 200) };
  }
  if (completion.error !== undefined) return { ok: false, latencyMs: elapsed(), reason: "stream_error", detail: completion.error };
  if (!completion.done) {
    return { ok: false, latencyMs: elapsed(), reason: "incomplete_stream", detail: `the stream ended after ${reader.batches} batches without its end marker` };
  }
  return {
    ok: true,
    latencyMs: elapsed(),
    statusCode: statusCode ?? 200,
    body: joined,
    stream: { mediaType, batches: reader.batches, firstTokenMs, text: completion.text, usage: completion.usage ?? null },
  };
}
