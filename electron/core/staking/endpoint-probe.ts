import { randomBytes } from "node:crypto";
import type { EndpointCheck } from "../../../shared/api/staking.js";
import { addressFromPublicKey, publicKeyFromPrivateKey } from "../pokt/keys.js";
import { RelayResponse } from "../pokt/proto/service.js";
import type { SessionHeader } from "../pokt/proto/session.js";
import { RPCType } from "../pokt/proto/shared.js";
import { verifyRelayResponse } from "../pokt/relay-response-check.js";
import { StreamFrameDecoder, StreamFrameError, streamMediaType } from "../pokt/stream/index.js";
import { buildRelayRequest } from "../localnet/traffic/relay-client.js";

export interface ProbeOptions {
  url: string;
  serviceId: string;
  operatorAddress: string;
  /** How many requests this engine's relay miner has handled so far (relays and refusals): a probe that reaches it moves this. */
  minerActivity: () => Promise<number>;
  /** The operator's public key: when given, a streamed answer's batches must carry its signature. */
  operatorPublicKey?: Uint8Array;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** A fresh secp256k1 private key (a valid scalar: reject the astronomically rare 0 or ≥ n). */
function throwawayKey(): Uint8Array {
  for (;;) {
    const key = randomBytes(32);
    try {
      publicKeyFromPrivateKey(key);
      return key;
    } catch {
      // try another
    }
  }
}

/**
 * Sends a ring-signed RelayRequest to the public URL, as a gateway would, from a throwaway application key. A relay
 * miner refuses it (no such application is staked) with a RelayResponse carrying a RelayMinerError: receiving that
 * shows a relay miner answers at this address, and this engine's own request counter moving shows it is this one.
 */
export async function probeEndpoint(options: ProbeOptions): Promise<EndpointCheck> {
  const { url } = options;
  const fail = (reason: EndpointCheck["reason"], problem: string, latencyMs: number | null = null): EndpointCheck => ({
    url,
    reachable: reason === "not_relay_miner",
    relayMinerAnswered: false,
    latencyMs,
    problem,
    reason,
  });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return fail("invalid_url", "This is not a URL: write it in full, such as https://relay.example.org.");
  }
  const appKey = throwawayKey();
  const gatewayKey = throwawayKey();
  const appPublicKey = publicKeyFromPrivateKey(appKey);
  const body = new TextEncoder().encode(JSON.stringify({ model: "probe", messages: [{ role: "user", content: "PocketForge reachability check" }], max_tokens: 1 }));
  const header: SessionHeader = {
    applicationAddress: addressFromPublicKey(appPublicKey),
    serviceId: options.serviceId,
    sessionId: randomBytes(32).toString("hex"),
    sessionStartBlockHeight: 1n,
    sessionEndBlockHeight: 2n,
  };
  const request = buildRelayRequest(
    {
      header,
      supplierOperatorAddress: options.operatorAddress,
      endpointUrl: target.toString(),
      rpcType: RPCType.JSON_RPC,
      supplierPublicKey: new Uint8Array(33),
    },
    { gatewayPrivateKey: gatewayKey, ringPublicKeys: [appPublicKey, publicKeyFromPrivateKey(gatewayKey)] },
    "/v1/chat/completions",
    body,
  );
  const before = await options.minerActivity();
  const started = performance.now();
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(target, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: Uint8Array.from(request) as Uint8Array<ArrayBuffer>,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      redirect: "manual",
    });
  } catch (error) {
    return classifyFailure(url, error, Math.round(performance.now() - started));
  }
  // A relay miner that serves before it validates (pocket-relay-miner's optimistic mode) may answer with a stream of
  // signed batches (docs/protocol.md §12): its first batch is enough to recognise it.
  const mediaType = streamMediaType(response.headers.get("content-type") ?? undefined);
  const answer = mediaType !== undefined ? await firstStreamBatch(response) : new Uint8Array(await response.arrayBuffer());
  const latencyMs = Math.round(performance.now() - started);
  let decoded: RelayResponse | undefined;
  try {
    decoded = answer === undefined ? undefined : RelayResponse.decode(answer);
  } catch {
    decoded = undefined;
  }
  if (!decoded || (decoded.relayMinerError === undefined && decoded.payload.length === 0)) {
    const rawStream = mediaType !== undefined ? " It sends a plain event stream: the address may point at the model server rather than the relay miner." : "";
    return fail("not_relay_miner", `Something answers at ${url} (HTTP ${response.status}), but not a relay miner: check that the address forwards to this machine's relay port.${rawStream}`, latencyMs);
  }
  if (mediaType !== undefined && options.operatorPublicKey && !verifyRelayResponse(answer!, { header, supplierPublicKey: options.operatorPublicKey }).ok) {
    return fail("not_relay_miner", `A relay miner answers at ${url}, but not this one: its stream is not signed by this operator.`, latencyMs);
  }
  const after = await options.minerActivity();
  if (after <= before) {
    return fail("not_relay_miner", `A relay miner answers at ${url}, but not this one: the address points at another machine or an old forward.`, latencyMs);
  }
  return { url, reachable: true, relayMinerAnswered: true, latencyMs, problem: null, reason: "ok" };
}

/** Bytes a probe reads of a stream before giving up on finding a batch. */
const MAX_PROBE_STREAM_BYTES = 1024 * 1024;

/** The first batch of a streamed answer (the rest is not read), or undefined when there is none. */
async function firstStreamBatch(response: Response): Promise<Uint8Array | undefined> {
  if (response.body === null) return undefined;
  const reader = response.body.getReader();
  const frames = new StreamFrameDecoder(MAX_PROBE_STREAM_BYTES);
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return frames.finish().final;
      read += value.length;
      const [first] = frames.push(value);
      if (first !== undefined) return first;
      if (read > MAX_PROBE_STREAM_BYTES) return undefined;
    }
  } catch (error) {
    if (error instanceof StreamFrameError) return undefined;
    throw error;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function classifyFailure(url: string, error: unknown, latencyMs: number): EndpointCheck {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code ?? "";
  const detail = cause?.message ?? (error instanceof Error ? error.message : String(error));
  const base = { url, reachable: false, relayMinerAnswered: false, latencyMs };
  if ((error as Error)?.name === "TimeoutError" || code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") {
    return { ...base, reason: "timeout", problem: `Nothing answered at ${url} within 10 s (${detail}): a firewall may drop the traffic, or the tunnel is not running.` };
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return { ...base, reason: "dns", problem: `The name in ${url} does not resolve (${detail}): check the domain's DNS record or the tunnel's address.` };
  }
  if (/CERT|TLS|SSL|certificate/i.test(`${code} ${detail}`)) {
    return { ...base, reason: "tls", problem: `The TLS handshake with ${url} failed (${detail}): the certificate must be valid for this name.` };
  }
  return { ...base, reason: "connection", problem: `Could not connect to ${url} (${code || detail}): the port is closed or not forwarded to this machine.` };
}
