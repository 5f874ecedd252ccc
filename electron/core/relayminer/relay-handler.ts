// The path of one relay (docs/architecture.md §5): decode → verify (session from the cached chain view, then the
// ring signature, in a worker) → forward to the service's backend → signed RelayResponse → reply; then, off the
// reply's critical path, mine it into its session tree and queue it for the ledger. Nothing is spent on a relay
// before its signature checks out: no backend call, no session record, and no metric series named after it.
// A backend that answers with a stream (SSE, NDJSON) is relayed as signed batches (docs/protocol.md §12), and the
// relay is mined once the stream ended cleanly, rebuilt over its whole body.
import { ProtoDecodeError } from "../pokt/proto/errors.js";
import { POKTHTTPRequest } from "../pokt/proto/http.js";
import { RelayRequest, type RelayResponse } from "../pokt/proto/service.js";
import type { SessionHeader } from "../pokt/proto/session.js";
import { isRelayRewardEligible } from "../pokt/session.js";
import { streamMinedResponse } from "../pokt/stream/frames.js";
import type { MinedRelayRecord, RelayRecord } from "../ledger/types.js";
import { BackendError, isBackendStream, type Backend, type BackendAnswer, type BackendReply, type BackendStream } from "./backend/backend.js";
import { buildUpstreamRequest, type UpstreamRequest, type UpstreamTarget } from "./backend/upstream-request.js";
import { DEFAULT_STREAM_TIMEOUT_MS } from "./config.js";
import { RelayFailure, asRelayFailure, errorLabel } from "./errors.js";
import { unminedStatusReason } from "./mining-policy.js";
import type { RelayMinerMetrics } from "./metrics.js";
import { errorRelayResponse, signedRelayResponse, type ResponseSigner, type SignedRelayResponse } from "./response.js";
import type { SessionTree, SessionTrees } from "./session-trees.js";
import { pumpStream, type RelayStreamSink, type StreamPumpResult } from "./stream-relay.js";
import { tokenUsage, type TokenUsage } from "./usage.js";
import type { RelayVerifier, VerifiedSession } from "./verifier.js";

export interface ServiceRoute {
  serviceId: string;
  backend: Backend;
  target: UpstreamTarget;
  /** Bound on a relay until its backend answers, and on a whole reply. */
  timeoutMs: number;
  /**
   * Bound on a relay whose backend answered with a stream, counted from its start (pocket-relay-miner's `streaming`
   * timeout profile; default DEFAULT_STREAM_TIMEOUT_MS).
   */
  streamTimeoutMs?: number;
  /** Limit for the relay request and for the backend's response body (a stream's whole body). */
  maxBodyBytes: number;
}

/** What the dashboard hears about each relay that got past verification. */
export interface ServedRelayEvent {
  time: number;
  serviceId: string;
  sessionId: string;
  applicationAddress: string;
  operatorAddress: string;
  latencyMs: number;
  httpStatus: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  mined: boolean;
  /** `codespace:code` when the relay ended in an error reply. */
  error: string | null;
}

export interface RelayHandlerDeps {
  verifier: RelayVerifier;
  trees: SessionTrees;
  routes: ReadonlyMap<string, ServiceRoute>;
  signerFor(operatorAddress: string): ResponseSigner | undefined;
  /** Latest block height, or undefined before the first block is known. */
  currentHeight(): bigint | undefined;
  ledger: { recordRelay(record: RelayRecord): void; recordMinedRelay(record: MinedRelayRecord): void };
  metrics: RelayMinerMetrics;
  enableOverServicing: boolean;
  onServed?(event: ServedRelayEvent): void;
  /** Wall clock (ms since the epoch) for records. */
  now?(): number;
  /** Monotonic milliseconds for the age of a stream's batches (default performance.now). */
  streamClock?(): number;
}

/** A reply sent whole. */
export interface WholeRelayOutcome {
  /** The HTTP body to send (a RelayResponse). */
  body: Uint8Array;
  /** Runs right after the reply is written: mining, ledger, metrics. */
  afterReply?(): void;
}

/** A streamed reply (docs/protocol.md §12.3): status and headers first, then the batches as the backend sends. */
export interface StreamedRelayOutcome {
  stream: {
    /** The backend's status. */
    statusCode: number;
    /** The backend's headers, less Content-Length and connection headers, with `Connection: close`. */
    headers: Array<[string, string[]]>;
    /** Sends the batches (and a 5xx stream's JSON tail) until the stream ends. Never rejects. */
    pipe(sink: RelayStreamSink): Promise<void>;
  };
  /** Runs once the reply is finished: mining (only after a clean end), ledger, metrics. */
  afterReply(): void;
}

export type RelayOutcome = WholeRelayOutcome | StreamedRelayOutcome;

/** What a served relay leaves for the books. */
interface Served {
  statusCode: number;
  usage: TokenUsage | undefined;
  latencyMs: number;
  /** The response to mine (built only when the relay is to be mined). */
  minedResponse(): RelayResponse;
  /** Why a stream is not mined although the backend's status would allow it. */
  streamProblem?: "stream_error" | "empty_stream";
  /** What ended a stream early. */
  failure?: RelayFailure;
}

/** Connection headers of the backend's connection, and the length of a body that is now framed. */
const NOT_COPIED_TO_STREAMS = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "content-length"]);

/** The outer headers of a streamed reply: every backend header but the connection's own, then `Connection: close`. */
export function streamReplyHeaders(backend: ReadonlyMap<string, readonly string[]>): Array<[string, string[]]> {
  const headers: Array<[string, string[]]> = [];
  for (const [name, values] of backend) if (!NOT_COPIED_TO_STREAMS.has(name.toLowerCase())) headers.push([name, [...values]]);
  headers.push(["Connection", ["close"]]);
  return headers;
}

/** Why the backend call was cancelled. */
const TIMED_OUT = Symbol("timed out");
const CLIENT_GONE = Symbol("client gone");
/** The stream was ended on our side (a line too long, the body limit, a signing failure). */
const STOPPED = Symbol("stopped");

/** A relay that passed verification, as far as it got. */
interface Admitted {
  request: RelayRequest;
  verified: VerifiedSession;
  tree: SessionTree;
  route: ServiceRoute;
  /** Served without a budget reservation: never mined. */
  overServiced: boolean;
}

export class RelayHandler {
  private readonly now: () => number;
  private readonly streamClock: () => number;

  constructor(private readonly deps: RelayHandlerDeps) {
    this.now = deps.now ?? Date.now;
    this.streamClock = deps.streamClock ?? (() => performance.now());
  }

  /** One relay request body; `client` (the sender's address, see clientKey) is charged for session lookups. */
  async handle(body: Uint8Array, clientSignal?: AbortSignal, client?: string): Promise<RelayOutcome> {
    const started = performance.now();
    let request: RelayRequest | undefined;
    let admitted: Admitted | undefined;
    try {
      request = this.decode(body);
      const decoded = performance.now();
      this.deps.metrics.instructionTimeSeconds.observe(["decode_request"], (decoded - started) / 1000);
      admitted = await this.admit(request, body.length, decoded, client);
      // Labels only from verified relays: a configured service and one of our operators, so series stay bounded.
      const serviceId = admitted.verified.header.serviceId;
      this.deps.metrics.requestsTotal.inc([serviceId, admitted.verified.operatorAddress]);
      this.deps.metrics.requestSizeBytes.observe([serviceId], body.length);
      return await this.serve(admitted, started, clientSignal);
    } catch (error) {
      const failure = asRelayFailure(error);
      return this.refuse(failure, request?.meta.sessionHeader, admitted, started);
    }
  }

  private decode(body: Uint8Array): RelayRequest {
    try {
      return RelayRequest.decode(body);
    } catch (error) {
      if (error instanceof ProtoDecodeError) throw new RelayFailure("unmarshalRequest", error.message);
      throw error;
    }
  }

  /**
   * Everything up to the backend call: the session (cheap, cached), the route, the ring signature, and only then the
   * session's tree (which opens its record). @throws RelayFailure
   */
  private async admit(request: RelayRequest, bodyLength: number, decoded: number, client: string | undefined): Promise<Admitted> {
    const height = this.deps.currentHeight();
    if (height === undefined) throw new RelayFailure("internal", "the relay miner has not seen a block yet");
    const verified = await this.deps.verifier.checkSession(request, height, client);
    const route = this.deps.routes.get(verified.header.serviceId);
    if (route === undefined) throw new RelayFailure("serviceNotHandled", `service ${verified.header.serviceId} not configured`);
    if (bodyLength > route.maxBodyBytes) {
      throw new RelayFailure("requestLimitExceeded", `body size exceeds maximum allowed body: ${bodyLength} bytes > ${route.maxBodyBytes} bytes limit`);
    }
    const sessionChecked = performance.now();
    this.deps.metrics.instructionTimeSeconds.observe(["verify_session"], (sessionChecked - decoded) / 1000);
    await this.deps.verifier.checkSignature(request, verified, height);
    this.deps.metrics.instructionTimeSeconds.observe(["verify_signature"], (performance.now() - sessionChecked) / 1000);
    let tree: SessionTree;
    try {
      tree = await this.deps.trees.open(verified);
    } catch (error) {
      throw new RelayFailure("relayCost", `cannot price session ${verified.header.sessionId}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const overServiced = !tree.reserve();
    if (overServiced && !this.deps.enableOverServicing) {
      throw new RelayFailure(
        "rateLimited",
        `application ${verified.header.applicationAddress} exhausted its ${tree.budgetUpokt} upokt budget for session ${verified.header.sessionId}`,
      );
    }
    return { request, verified, tree, route, overServiced };
  }

  private async serve(admitted: Admitted, started: number, clientSignal: AbortSignal | undefined): Promise<RelayOutcome> {
    const { request, verified, route } = admitted;
    const serviceId = verified.header.serviceId;
    const upstream = this.upstreamRequest(admitted);

    const controller = new AbortController();
    const remaining = Math.max(1, route.timeoutMs - (performance.now() - started));
    const timer = setTimeout(() => controller.abort(TIMED_OUT), remaining);
    const onClientGone = () => controller.abort(CLIENT_GONE);
    clientSignal?.addEventListener("abort", onClientGone, { once: true });

    const prepared = performance.now();
    this.deps.metrics.requestPreparationSeconds.observe([serviceId], (prepared - started) / 1000);
    let answer: BackendAnswer;
    let streaming = false;
    try {
      answer = await route.backend.forward(upstream, { signal: controller.signal, maxResponseBytes: route.maxBodyBytes }).catch((error: unknown) => {
        throw this.backendFailure(error, controller.signal, route);
      });
      streaming = isBackendStream(answer);
    } finally {
      clearTimeout(timer);
      // A stream goes on listening for its gateway until it ends.
      if (!streaming) clientSignal?.removeEventListener("abort", onClientGone);
    }
    const answered = performance.now();
    this.deps.metrics.serviceDurationSeconds.observe([serviceId, String(answer.statusCode)], (answered - prepared) / 1000);
    if (isBackendStream(answer)) {
      return this.streamed(admitted, answer, started, controller, clientSignal, () => clientSignal?.removeEventListener("abort", onClientGone));
    }
    const reply: BackendReply = answer;

    const signer = this.deps.signerFor(verified.operatorAddress);
    if (signer === undefined) throw new RelayFailure("authUndefinedSigner", `no signing key for ${verified.operatorAddress}`);
    let signed: SignedRelayResponse;
    try {
      signed = signedRelayResponse(verified.header, reply, signer);
    } catch (error) {
      throw new RelayFailure("internal", `cannot sign the relay response: ${error instanceof Error ? error.message : String(error)}`);
    }
    const finished = performance.now();
    const metrics = this.deps.metrics;
    metrics.instructionTimeSeconds.observe(["sign_response"], (finished - answered) / 1000);
    metrics.responsePreparationSeconds.observe([serviceId], (finished - answered) / 1000);
    metrics.relayDurationSeconds.observe([serviceId, String(reply.statusCode)], (finished - started) / 1000);
    metrics.requestsSuccessTotal.inc([serviceId]);
    metrics.responseSizeBytes.observe([serviceId], signed.bytes.length);
    return {
      body: signed.bytes,
      afterReply: () =>
        this.afterServed(admitted, {
          statusCode: reply.statusCode,
          usage: tokenUsage(reply.headers, reply.body),
          latencyMs: finished - started,
          minedResponse: () => signed.response,
        }),
    };
  }

  /**
   * A backend stream relayed as signed batches (docs/protocol.md §12). The relay's deadline becomes the service's
   * stream timeout, counted from its start; the gateway leaving, the deadline, a line over 262,143 bytes or the body
   * limit end the stream (what was read is still sent) and it is not mined.
   */
  private streamed(
    admitted: Admitted,
    stream: BackendStream,
    started: number,
    controller: AbortController,
    clientSignal: AbortSignal | undefined,
    release: () => void,
  ): StreamedRelayOutcome {
    const { verified, route } = admitted;
    const serviceId = verified.header.serviceId;
    const signer = this.deps.signerFor(verified.operatorAddress);
    if (signer === undefined) {
      controller.abort(STOPPED);
      release();
      throw new RelayFailure("authUndefinedSigner", `no signing key for ${verified.operatorAddress}`);
    }
    const streamTimeoutMs = route.streamTimeoutMs ?? DEFAULT_STREAM_TIMEOUT_MS;
    let result: StreamPumpResult | undefined;
    let latencyMs = 0;
    return {
      stream: {
        statusCode: stream.statusCode,
        headers: streamReplyHeaders(stream.headers),
        pipe: async (sink) => {
          const timer = setTimeout(() => controller.abort(TIMED_OUT), Math.max(1, streamTimeoutMs - (performance.now() - started)));
          // A gateway that left before its listener was set would otherwise leave the backend running.
          if (clientSignal?.aborted) controller.abort(CLIENT_GONE);
          try {
            result = await pumpStream(stream.chunks, sink, {
              header: verified.header,
              statusCode: stream.statusCode,
              mediaType: stream.mediaType,
              signer,
              maxBodyBytes: route.maxBodyBytes,
              now: this.streamClock,
              stop: () => controller.abort(STOPPED),
              readFailure: () => {
                const reason: unknown = controller.signal.reason;
                if (controller.signal.aborted && reason === TIMED_OUT) {
                  return new RelayFailure("timeout", `the stream of service ${serviceId} ran past its ${streamTimeoutMs} ms limit`);
                }
                if (controller.signal.aborted && reason === CLIENT_GONE) return new RelayFailure("internal", "the gateway closed the connection");
                return new RelayFailure("internal", `the backend of service ${serviceId} broke off its stream`);
              },
            });
          } finally {
            clearTimeout(timer);
            release();
          }
          latencyMs = performance.now() - started;
          const metrics = this.deps.metrics;
          metrics.instructionTimeSeconds.observe(["sign_response"], result.signingMs / 1000);
          metrics.relayDurationSeconds.observe([serviceId, String(stream.statusCode)], latencyMs / 1000);
          metrics.responseSizeBytes.observe([serviceId], result.sentBytes);
          if (result.failure === undefined) metrics.requestsSuccessTotal.inc([serviceId]);
        },
      },
      afterReply: () => {
        if (result === undefined) return;
        const { failure, bodySha256 } = result;
        this.afterServed(admitted, {
          statusCode: stream.statusCode,
          usage: result.usage,
          latencyMs,
          failure,
          streamProblem: failure !== undefined ? "stream_error" : result.bodyBytes === 0 ? "empty_stream" : undefined,
          // pocket-relay-miner's ProcessRelay: rebuilt over the whole body, freshly signed.
          minedResponse: () => streamMinedResponse(verified.header, bodySha256, (hash) => signer.signHash(hash)),
        });
      },
    };
  }

  private upstreamRequest(admitted: Admitted): UpstreamRequest {
    const { request, verified, route } = admitted;
    let payload: POKTHTTPRequest;
    try {
      payload = POKTHTTPRequest.decode(request.payload);
    } catch (error) {
      throw new RelayFailure("unmarshalRequest", `invalid POKTHTTPRequest payload: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      return buildUpstreamRequest(payload, route.target, verified);
    } catch {
      throw new RelayFailure("unmarshalRequest", `invalid POKTHTTPRequest url ${JSON.stringify(payload.url)}`);
    }
  }

  private backendFailure(error: unknown, signal: AbortSignal, route: ServiceRoute): RelayFailure {
    if (signal.aborted && signal.reason === TIMED_OUT) {
      return new RelayFailure("timeout", `request to service ${route.serviceId} timed out after ${route.timeoutMs} ms`);
    }
    if (signal.aborted && signal.reason === CLIENT_GONE) return new RelayFailure("internal", "the gateway closed the connection");
    if (error instanceof BackendError) {
      if (error.failure === "response_too_large") return new RelayFailure("responseLimitExceeded", error.message);
      // Connection details of the backend are not the gateway's business (Go does the same).
      return new RelayFailure("internal", `the backend of service ${route.serviceId} did not answer`);
    }
    return asRelayFailure(error);
  }

  /** Mining, ledger, metrics and the dashboard event for a served relay. Never throws into the server. */
  private afterServed(admitted: Admitted, served: Served): void {
    const { request, verified, tree, overServiced } = admitted;
    const serviceId = verified.header.serviceId;
    const metrics = this.deps.metrics;
    const time = this.now();
    const { usage, statusCode, latencyMs, failure } = served;
    const height = this.deps.currentHeight();
    const dropReason =
      unminedStatusReason(statusCode) ??
      (served.streamProblem !== undefined
        ? served.streamProblem
        : overServiced
          ? "over_serviced"
          : height === undefined || !isRelayRewardEligible(tree.heights, height) || this.deps.trees.get(tree.key) !== tree
            ? "not_reward_eligible"
            : undefined);
    let mined = false;
    const miningStarted = performance.now();
    if (dropReason === undefined) {
      const result = tree.mine(request, served.minedResponse());
      mined = result.mined;
      if (mined) {
        this.deps.ledger.recordMinedRelay({
          treeKey: tree.key,
          relayHash: result.hash,
          relayBytes: result.bytes,
          weight: tree.pricing.computeUnitsPerRelay,
          timeMs: time,
        });
        metrics.relaysMinedTotal.inc([serviceId]);
        metrics.computeUnitsMinedTotal.inc([serviceId], Number(tree.pricing.computeUnitsPerRelay));
      }
    } else {
      metrics.relaysDroppedTotal.inc([serviceId, dropReason]);
      // The application pays nothing for a relay that cannot be claimed (Go refunds the meter the same way).
      if (!overServiced) tree.release();
    }
    metrics.instructionTimeSeconds.observe(["mine"], (performance.now() - miningStarted) / 1000);
    const label = failure !== undefined ? errorLabel(failure.registered) : null;
    const record: RelayRecord = {
      timeMs: time,
      serviceId,
      sessionId: verified.header.sessionId,
      treeKey: tree.key,
      applicationAddress: verified.header.applicationAddress,
      latencyMs,
      tokensIn: usage?.promptTokens ?? null,
      tokensOut: usage?.completionTokens ?? null,
      status: label ?? (statusCode >= 500 ? "backend_error" : "ok"),
      httpStatus: statusCode,
      error: failure?.message ?? null,
      mined,
    };
    this.deps.ledger.recordRelay(record);
    metrics.observeRelay({ serviceId, served: true, latencyMs, tokensIn: record.tokensIn, tokensOut: record.tokensOut, ...(failure ? { error: failure.registered } : {}) });
    this.deps.onServed?.({
      time,
      serviceId,
      sessionId: record.sessionId,
      applicationAddress: record.applicationAddress,
      operatorAddress: verified.operatorAddress,
      latencyMs,
      httpStatus: statusCode,
      tokensIn: record.tokensIn,
      tokensOut: record.tokensOut,
      mined,
      error: label,
    });
  }

  private refuse(failure: RelayFailure, header: SessionHeader | undefined, admitted: Admitted | undefined, started: number): RelayOutcome {
    const latencyMs = performance.now() - started;
    // A refused relay's own service id is unverified input: it must not name a metric series.
    const serviceId = admitted?.verified.header.serviceId ?? "unknown_service_id";
    const metrics = this.deps.metrics;
    metrics.requestsErrorsTotal.inc([serviceId]);
    metrics.relayDurationSeconds.observe([serviceId, "500"], latencyMs / 1000);
    metrics.observeRelay({ serviceId, served: false, latencyMs, error: failure.registered });
    const body = errorRelayResponse(header, failure);
    // Unauthenticated input never reaches the books: a flood of forged relays must not grow the ledger.
    if (admitted === undefined) return { body };
    if (!admitted.overServiced) admitted.tree.release();
    // An authentic relay that failed belongs in the books and on the dashboard, as a failure.
    return {
      body,
      afterReply: () => {
        const { verified, tree } = admitted;
        const time = this.now();
        const label = errorLabel(failure.registered);
        this.deps.ledger.recordRelay({
          timeMs: time,
          serviceId,
          sessionId: verified.header.sessionId,
          treeKey: tree.key,
          applicationAddress: verified.header.applicationAddress,
          latencyMs,
          tokensIn: null,
          tokensOut: null,
          status: label,
          httpStatus: null,
          error: failure.message,
          mined: false,
        });
        this.deps.onServed?.({
          time,
          serviceId,
          sessionId: verified.header.sessionId,
          applicationAddress: verified.header.applicationAddress,
          operatorAddress: verified.operatorAddress,
          latencyMs,
          httpStatus: null,
          tokensIn: null,
          tokensOut: null,
          mined: false,
          error: label,
        });
      },
    };
  }
}
