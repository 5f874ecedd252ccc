// Ring-signature checks off the event loop. One check costs about two milliseconds of pure arithmetic, as much
// as the rest of a relay put together, so a pool of worker threads runs them while the main thread keeps
// accepting requests and talking to backends; with no workers (one core) they run inline.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { checkApplicationRingSignature } from "../pokt/ring/membership.js";
import { resolveWorkerEntry } from "./worker-entry.js";

export type RingCheckResult =
  | { valid: true }
  | { valid: false; reason: "malformed" | "unexpected_ring_member" | "invalid_signature"; detail: string };

export interface RingChecker {
  check(signature: Uint8Array, message: Uint8Array, expectedKeys: readonly Uint8Array[]): Promise<RingCheckResult>;
  close(): Promise<void>;
}

/** The check itself, shared by the inline checker and the worker. */
export function checkRing(signature: Uint8Array, message: Uint8Array, expectedKeys: readonly Uint8Array[]): RingCheckResult {
  const result = checkApplicationRingSignature({ signature, message, expectedRingPublicKeys: expectedKeys });
  return result.valid ? { valid: true } : { valid: false, reason: result.reason, detail: result.detail };
}

export class InlineRingChecker implements RingChecker {
  async check(signature: Uint8Array, message: Uint8Array, expectedKeys: readonly Uint8Array[]): Promise<RingCheckResult> {
    return checkRing(signature, message, expectedKeys);
  }

  async close(): Promise<void> {}
}

/** Default pool size: every core but the one the event loop needs, at most four. */
export function defaultRingThreads(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

interface Job {
  id: number;
  resolve(result: RingCheckResult): void;
  reject(error: Error): void;
}

interface PooledWorker {
  worker: Worker;
  pending: Map<number, Job>;
}

export interface RingCheckRequest {
  id: number;
  signature: Uint8Array;
  message: Uint8Array;
  expectedKeys: readonly Uint8Array[];
}

export interface RingCheckReply {
  id: number;
  result: RingCheckResult;
}

/**
 * Sends each check to the worker with the fewest outstanding ones. Each worker keeps its own point tables, so
 * recurring ring members (an application and its gateways) get fast in every worker after a few relays.
 */
export class WorkerRingChecker implements RingChecker {
  private readonly workers: PooledWorker[] = [];
  private nextId = 1;
  private closed = false;

  constructor(threads: number) {
    if (threads < 1) throw new RangeError("a worker pool needs at least one thread");
    const entry = resolveWorkerEntry("ring-worker");
    for (let i = 0; i < threads; i++) this.workers.push(this.spawn(entry));
  }

  check(signature: Uint8Array, message: Uint8Array, expectedKeys: readonly Uint8Array[]): Promise<RingCheckResult> {
    if (this.closed) return Promise.reject(new Error("the ring checker is closed"));
    const target = this.workers.reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
    const id = this.nextId++;
    return new Promise<RingCheckResult>((resolve, reject) => {
      target.pending.set(id, { id, resolve, reject });
      target.worker.postMessage({ id, signature, message, expectedKeys } satisfies RingCheckRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    for (const w of this.workers) this.failAll(w, new Error("the ring checker closed"));
  }

  private spawn(entry: ReturnType<typeof resolveWorkerEntry>): PooledWorker {
    const worker = new Worker(entry.source, { eval: entry.eval });
    worker.unref();
    const pooled: PooledWorker = { worker, pending: new Map() };
    worker.on("message", (reply: RingCheckReply) => {
      const job = pooled.pending.get(reply.id);
      if (job === undefined) return;
      pooled.pending.delete(reply.id);
      job.resolve(reply.result);
    });
    worker.on("error", (error) => this.replace(pooled, entry, error));
    worker.on("exit", (code) => {
      if (!this.closed) this.replace(pooled, entry, new Error(`ring worker exited with code ${code}`));
    });
    return pooled;
  }

  /** A crashed worker fails its own jobs only; a fresh one takes its place. */
  private replace(pooled: PooledWorker, entry: ReturnType<typeof resolveWorkerEntry>, error: Error): void {
    const index = this.workers.indexOf(pooled);
    if (index < 0) return;
    this.failAll(pooled, error);
    void pooled.worker.terminate();
    if (!this.closed) this.workers[index] = this.spawn(entry);
  }

  private failAll(pooled: PooledWorker, error: Error): void {
    for (const job of pooled.pending.values()) job.reject(error);
    pooled.pending.clear();
  }
}

/**
 * Inline while the miner is otherwise idle, workers once checks overlap. A lone relay pays no thread hand-off
 * (which costs as much as the check itself now that libsecp256k1 does it in ~0.5 ms); concurrent relays are checked
 * in parallel while the event loop keeps serving. The check comes before any backend work (a forged relay costs
 * the miner nothing else), so nothing is gained by yielding first.
 */
export class AdaptiveRingChecker implements RingChecker {
  private active = 0;

  constructor(private readonly workers: WorkerRingChecker) {}

  async check(signature: Uint8Array, message: Uint8Array, expectedKeys: readonly Uint8Array[]): Promise<RingCheckResult> {
    this.active += 1;
    try {
      if (this.active > 1) return await this.workers.check(signature, message, expectedKeys);
      return checkRing(signature, message, expectedKeys);
    } finally {
      this.active -= 1;
    }
  }

  close(): Promise<void> {
    return this.workers.close();
  }
}

export function createRingChecker(threads = defaultRingThreads()): RingChecker {
  return threads > 0 ? new AdaptiveRingChecker(new WorkerRingChecker(threads)) : new InlineRingChecker();
}
