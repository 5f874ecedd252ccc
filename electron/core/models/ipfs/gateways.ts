import type { CID } from "multiformats/cid";
import { DownloadError, describeError, hostOf, stopReason, summarizeFailures } from "../download/errors.js";
import { backoffDelay, type RetryPolicy, type Sleep } from "../download/retry.js";
import { blockMatchesCid, inlineBlock } from "./block.js";

/** Kubo refuses blocks over 2 MiB on bitswap; twice that bounds what a misbehaving gateway can make us buffer. */
const MAX_BLOCK_BYTES = 4 * 1024 * 1024;
/** Consecutive failures after which a gateway is asked only when the others have failed too. */
const DEMOTE_AFTER_FAILURES = 3;

interface GatewayState {
  url: string;
  rank: number;
  consecutiveFailures: number;
  /** Served bytes that did not match their CID: never preferred again during this download. */
  untrusted: boolean;
  blocksServed: number;
}

/** The configured gateways in preference order (a local node first), demoting ones that fail or lie. */
export class GatewayPool {
  private readonly states: GatewayState[];

  constructor(urls: string[]) {
    if (urls.length === 0) throw new DownloadError("unreachable", "No IPFS gateway is configured; add one in the model source settings.");
    this.states = urls.map((url, rank) => ({
      url: url.replace(/\/+$/, ""),
      rank,
      consecutiveFailures: 0,
      untrusted: false,
      blocksServed: 0,
    }));
  }

  /** Gateways to try for one block, best first, leaving out those that already failed it. */
  order(exclude: ReadonlySet<string>): string[] {
    const tier = (s: GatewayState) => (s.untrusted ? 2 : s.consecutiveFailures >= DEMOTE_AFTER_FAILURES ? 1 : 0);
    return this.states
      .filter((s) => !exclude.has(s.url))
      .sort((a, b) => tier(a) - tier(b) || a.rank - b.rank)
      .map((s) => s.url);
  }

  succeeded(url: string): void {
    const state = this.find(url);
    state.consecutiveFailures = 0;
    state.blocksServed++;
  }

  failed(url: string): void {
    this.find(url).consecutiveFailures++;
  }

  servedCorruptBlock(url: string): void {
    this.find(url).untrusted = true;
  }

  servedCounts(): Record<string, number> {
    return Object.fromEntries(this.states.map((s) => [s.url, s.blocksServed]));
  }

  private find(url: string): GatewayState {
    const state = this.states.find((s) => s.url === url);
    if (!state) throw new Error(`unknown gateway ${url}`);
    return state;
  }
}

export interface BlockFetchOptions {
  pool: GatewayPool;
  fetch: typeof fetch;
  signal: AbortSignal;
  retry: RetryPolicy;
  sleep: Sleep;
  blockTimeoutMs: number;
  /** Bytes of every block body received, verified or not (cut-off bodies of unknown length included). */
  onReceived(bytes: number): void;
  /** A gateway sent bytes that do not hash to the CID; the block is fetched again elsewhere. */
  onRejected?(gateway: string, cid: string): void;
}

/**
 * One verified block: asks the gateways in the pool's order for `GET /ipfs/{cid}?format=raw`, checks the bytes
 * against the CID, and on a mismatch asks the next gateway. Rounds over all gateways repeat with backoff.
 */
export async function fetchVerifiedBlock(cid: CID, options: BlockFetchOptions): Promise<{ bytes: Uint8Array; gateway: string }> {
  const inline = inlineBlock(cid);
  if (inline) return { bytes: inline, gateway: "inline" };
  const key = cid.toString();
  const lied = new Set<string>();
  const failures: string[] = [];
  for (let round = 1; round <= options.retry.attempts; round++) {
    const candidates = options.pool.order(lied);
    if (candidates.length === 0) break;
    for (const gateway of candidates) {
      let bytes: Uint8Array;
      try {
        bytes = await fetchRawBlock(gateway, key, options);
      } catch (error) {
        const stopped = stopReason(options.signal);
        if (stopped) throw stopped;
        options.pool.failed(gateway);
        failures.push(`${hostOf(gateway)}: ${describeError(error)}`);
        continue;
      }
      if (await blockMatchesCid(cid, bytes)) {
        options.pool.succeeded(gateway);
        return { bytes, gateway };
      }
      lied.add(gateway);
      options.pool.servedCorruptBlock(gateway);
      options.onRejected?.(gateway, key);
      failures.push(`${hostOf(gateway)}: sent bytes that do not match the CID`);
    }
    if (round < options.retry.attempts) await options.sleep(backoffDelay(options.retry, round), options.signal);
    const stopped = stopReason(options.signal);
    if (stopped) throw stopped;
  }
  const everyoneLied = lied.size > 0 && options.pool.order(lied).length === 0;
  throw new DownloadError(
    everyoneLied ? "corrupt" : "unreachable",
    everyoneLied
      ? `Every IPFS gateway sent a wrong block ${key}; none of them can be trusted for this model. Add another gateway.`
      : `No IPFS gateway delivered block ${key} (${summarizeFailures(failures)}). Check the connection, run a local IPFS node, or add a gateway; verified blocks are kept for a resume.`,
    { cid: key, failures: failures.slice(-10) },
  );
}

async function fetchRawBlock(gateway: string, cid: string, options: BlockFetchOptions): Promise<Uint8Array> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.blockTimeoutMs)]);
  const response = await options.fetch(`${gateway}/ipfs/${cid}?format=raw`, {
    headers: { accept: "application/vnd.ipld.raw" },
    signal,
  }).catch((error) => {
    throw new Error(networkMessage(error));
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > MAX_BLOCK_BYTES) {
    await response.body?.cancel();
    throw new Error(`a ${declared}-byte block is larger than any UnixFS block`);
  }
  if (!response.body) return new Uint8Array(0);
  if (declared > 0) {
    // The length is declared and bounded: let the HTTP client collect the body (the client itself refuses more bytes).
    let body: ArrayBuffer;
    try {
      body = await response.arrayBuffer();
    } catch (error) {
      throw new Error(networkMessage(error));
    }
    options.onReceived(body.byteLength);
    return new Uint8Array(body);
  }
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      options.onReceived(value.length);
      if (length > MAX_BLOCK_BYTES) {
        await reader.cancel();
        throw new Error("the block is larger than any UnixFS block");
      }
      parts.push(value);
    }
  } catch (error) {
    throw new Error(networkMessage(error));
  } finally {
    reader.releaseLock();
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
}

function networkMessage(error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause;
  if ((error as { name?: string })?.name === "TimeoutError") return "timed out";
  return cause?.code ?? describeError(error);
}
