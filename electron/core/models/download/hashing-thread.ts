import { Worker } from "node:worker_threads";

/** Bytes a file must have grown by before its hash job is told. */
const ADVANCE_STEP = 4 * 1024 * 1024;

// The worker's whole program: plain JavaScript, so it runs the same from sources, the headless bundle and Electron.
// It answers two kinds of work in the order they come: a block to check against a sha256 digest (sent and given back
// without copying), and file hash jobs that read a file being filled in, up to where the caller says it is complete.
const SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const SLAB = 4 * 1024 * 1024;
// Checked groups ahead of a file's hash cursor are kept (up to this much) and hashed when the cursor comes, instead
// of being read from the file a second time.
const MAX_HELD = 32 * 1024 * 1024;
const files = new Map();
const scratch = Buffer.allocUnsafe(SLAB);
const spare = [];
const slab = (size) => (size <= SLAB ? spare.pop() || Buffer.allocUnsafeSlow(SLAB) : Buffer.allocUnsafeSlow(size));
const release = (buffer) => {
  if (buffer.length === SLAB && spare.length < MAX_HELD / SLAB) spare.push(buffer);
};
function readFully(fd, into, position) {
  let done = 0;
  while (done < into.length) {
    const read = readSync(fd, into, done, into.length - done, position + done);
    if (read === 0) throw new Error("the file ended at byte " + (position + done));
    done += read;
  }
}
/** Hashes the kept groups that now sit at the cursor. */
function drain(job) {
  for (let held = job.held.get(job.at); held; held = job.held.get(job.at)) {
    job.held.delete(job.at);
    job.heldBytes -= held.slab.length;
    job.hash.update(held.bytes);
    job.at += held.bytes.length;
    release(held.slab);
  }
}
function close(id, job) {
  files.delete(id);
  job.held.clear();
  if (files.size === 0) spare.length = 0;
  closeSync(job.fd);
}
parentPort.on("message", (message) => {
  const job = files.get(message.id);
  try {
    if (message.kind === "open") {
      files.set(message.id, { fd: openSync(message.path, "r"), hash: createHash("sha256"), at: 0, held: new Map(), heldBytes: 0 });
      return;
    }
    if (message.kind === "close") {
      if (job) close(message.id, job);
      parentPort.postMessage({ kind: "closed", id: message.id });
      return;
    }
    if (!job) {
      // Answered, so that nothing waits (and keeps the thread held) for a job that failed or was dropped.
      if (message.kind === "check") parentPort.postMessage({ kind: "check", id: message.check, error: "its file is closed" });
      else if (message.done) parentPort.postMessage({ kind: "file", id: message.id, error: "its file is closed" });
      return;
    }
    if (message.kind === "check") {
      const total = message.sizes.reduce((sum, size) => sum + size, 0);
      const buffer = slab(total);
      const bytes = buffer.subarray(0, total);
      let taken = 0;
      let at = 0;
      try {
        readFully(job.fd, bytes, message.offset);
        for (; taken < message.sizes.length; at += message.sizes[taken++]) {
          const block = bytes.subarray(at, at + message.sizes[taken]);
          if (Buffer.compare(createHash("sha256").update(block).digest(), message.digests[taken]) !== 0) break;
        }
      } catch (error) {
        release(buffer);
        throw error;
      }
      // The blocks that matched feed the file hash from this same read: now when they sit at the cursor, later when
      // they are ahead of it (or from the file again, past what may be kept).
      if (at > 0 && job.at === message.offset) {
        job.hash.update(bytes.subarray(0, at));
        job.at += at;
        release(buffer);
        drain(job);
      } else if (at > 0 && message.offset > job.at && job.heldBytes + buffer.length <= MAX_HELD && !job.held.has(message.offset)) {
        job.held.set(message.offset, { slab: buffer, bytes: bytes.subarray(0, at) });
        job.heldBytes += buffer.length;
      } else release(buffer);
      parentPort.postMessage({ kind: "check", id: message.check, taken });
      return;
    }
    while (job.at < message.upTo) {
      drain(job);
      if (job.at >= message.upTo) break;
      let next = Infinity;
      for (const offset of job.held.keys()) if (offset > job.at && offset < next) next = offset;
      const bytes = scratch.subarray(0, Math.min(scratch.length, message.upTo - job.at, next - job.at));
      readFully(job.fd, bytes, job.at);
      job.hash.update(bytes);
      job.at += bytes.length;
    }
    if (message.done) {
      close(message.id, job);
      parentPort.postMessage({ kind: "file", id: message.id, digest: job.hash.digest("hex") });
    }
  } catch (error) {
    const text = String((error && error.message) || error);
    if (message.kind === "check") {
      parentPort.postMessage({ kind: "check", id: message.check, error: text });
      return;
    }
    if (job) {
      try { close(message.id, job); } catch {}
    }
    parentPort.postMessage({ kind: "file", id: message.id, error: text });
  }
});
`;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

type Reply =
  | { kind: "check"; id: number; taken?: number; error?: string }
  | { kind: "file"; id: number; digest?: string; error?: string }
  | { kind: "closed"; id: number };

/** The sha256 of a file being filled in, computed on the hashing thread from what is on disk. */
export interface FileHashJob {
  /**
   * How many of `blocks`, written one after the other from `offset`, hash to their sha256 `digest`, counted from the
   * first up to the first that does not: blocks checked against their CIDs from the file, so the receiving thread
   * neither hashes nor copies them.
   */
  check(offset: number, blocks: ReadonlyArray<{ size: number; digest: Uint8Array }>): Promise<number>;
  /** Bytes [0, upTo) are written and checked: hash them when the thread gets to it (told in steps of a few MiB). */
  advance(upTo: number): void;
  /** The digest of bytes [0, total), once they are all hashed. */
  finish(total: number): Promise<string>;
  /**
   * The download stopped: the job is dropped; resolves once the thread has closed the file (a folder with a file still
   * open in it cannot be removed on Windows).
   */
  dispose(): Promise<void>;
}

/**
 * One worker thread for the hashing a download from LAN peers needs: every block checked against its CID's sha256
 * and the whole file against the catalog's sha256, both read back from the file being written (the page cache), so
 * neither holds up the thread that receives and writes. Started at the first use and kept (a thread costs tens of
 * milliseconds of CPU to start, about what hashing a small model costs); a thread that dies fails what it had with a
 * clear message and the next use starts another.
 */
export class HashingThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly checks = new Map<number, Waiter<number>>();
  private readonly files = new Map<number, Waiter<string>>();
  private readonly closes = new Map<number, Waiter<void>>();
  private disposed = false;
  /** Why each thread that died stopped: the reason its jobs fail with from then on. */
  private readonly lostWith = new WeakMap<Worker, Error>();

  /** A hash job for the file at `path` (it must exist), which is being written from its start on. */
  hashFile(path: string): FileHashJob {
    const id = this.nextId++;
    let sent = 0;
    let settled = false;
    const result = new Promise<string>((resolve, reject) => this.files.set(id, { resolve, reject }));
    result.catch(() => {});
    this.post({ kind: "open", id, path });
    // The thread that holds this file: once it is gone, so is the job (a new thread does not know the file).
    const owner = this.worker;
    return {
      check: (offset, blocks) => {
        const lost = owner && owner !== this.worker ? this.lostWith.get(owner) : undefined;
        if (lost) return Promise.reject(lost);
        const check = this.nextId++;
        const answer = new Promise<number>((resolve, reject) => this.checks.set(check, { resolve, reject }));
        // Digests are copied on their own: as views into a larger buffer they would take all of it along.
        const digests = blocks.map((block) => block.digest.slice());
        this.post({ kind: "check", id, check, offset, sizes: blocks.map((block) => block.size), digests });
        return answer;
      },
      advance: (upTo) => {
        // A job that failed on the thread has nothing more to hash (its caller hears why at finish).
        if (settled || !this.files.has(id) || upTo - sent < ADVANCE_STEP) return;
        sent = upTo;
        this.post({ kind: "advance", id, upTo });
      },
      finish: (total) => {
        settled = true;
        // Posting holds the thread open until an answer comes: none is owed for a job that already failed.
        if (this.files.has(id)) this.post({ kind: "advance", id, upTo: total, done: true });
        return result;
      },
      dispose: () => {
        // A finished job's file was closed before its digest came back.
        if (settled) return Promise.resolve();
        settled = true;
        this.files.delete(id);
        // A thread that is gone took nothing with it to close.
        if (!owner || owner !== this.worker) return Promise.resolve();
        const closed = new Promise<void>((resolve) => this.closes.set(id, { resolve, reject: () => resolve() }));
        this.post({ kind: "close", id });
        return closed;
      },
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error("the app is closing"));
    await worker?.terminate();
  }

  private post(message: { kind: string; id: number; check?: number; [key: string]: unknown }): void {
    if (this.disposed) {
      this.failOne(message.check ?? message.id, new Error("the app is closing"));
      return;
    }
    const worker = this.worker ?? this.spawn();
    // Held open only while work is out: an idle thread does not keep the process alive.
    worker.ref();
    worker.postMessage(message);
  }

  private spawn(): Worker {
    const worker = new Worker(SOURCE, { eval: true });
    this.worker = worker;
    worker.on("message", (reply: Reply) => {
      if (reply.kind === "closed") {
        this.closes.get(reply.id)?.resolve();
        this.closes.delete(reply.id);
        return this.idleCheck();
      }
      const waiters: Map<number, Waiter<never>> = reply.kind === "check" ? this.checks : this.files;
      const waiter = waiters.get(reply.id) as Waiter<number | string> | undefined;
      waiters.delete(reply.id);
      if (reply.error !== undefined) waiter?.reject(new Error(`hashing the downloaded file failed: ${reply.error}`));
      else waiter?.resolve(reply.kind === "check" ? reply.taken! : reply.digest!);
      this.idleCheck();
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      const error = new Error(`the hashing thread stopped (${why}); start the download again`);
      this.lostWith.set(worker, error);
      this.failAll(error);
    };
    worker.on("error", (error) => lost(error.message));
    worker.on("exit", (code) => lost(`exit code ${code}`));
    return worker;
  }

  private idleCheck(): void {
    if (this.checks.size === 0 && this.files.size === 0 && this.closes.size === 0) this.worker?.unref();
  }

  private failOne(id: number, error: Error): void {
    const waiter = this.checks.get(id) ?? this.files.get(id);
    this.checks.delete(id);
    this.files.delete(id);
    waiter?.reject(error);
  }

  private failAll(error: Error): void {
    for (const waiter of [...this.checks.values(), ...this.files.values(), ...this.closes.values()]) waiter.reject(error);
    this.checks.clear();
    this.files.clear();
    this.closes.clear();
  }
}
