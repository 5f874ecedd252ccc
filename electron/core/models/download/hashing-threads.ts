import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";

/** Bytes a file must have grown by before its hash job is told. */
const ADVANCE_STEP = 4 * 1024 * 1024;

// The workers' whole program, one for both roles: plain JavaScript, so it runs the same from sources, the headless
// bundle and Electron. The checker reads each group of blocks back from the file being written and checks every block
// against its CID's sha256; the blocks that match go on to the file hasher through a port of their own (moved, not
// copied), which feeds them to the file's sha256 in order and reads from the file only what did not come that way
// (blocks of a resumed download, from gateways). Two threads, so that neither SHA-256 pass waits for the other.
const SOURCE = `
const { parentPort, workerData, receiveMessageOnPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const SLAB = 4 * 1024 * 1024;
// Checked groups ahead of a file's hash cursor are kept (up to this much) and hashed when the cursor comes, instead
// of being read from the file a second time.
const MAX_HELD = 32 * 1024 * 1024;
const peer = workerData.port;
const files = new Map();
function readFully(fd, into, position) {
  let done = 0;
  while (done < into.length) {
    const read = readSync(fd, into, done, into.length - done, position + done);
    if (read === 0) throw new Error("the file ended at byte " + (position + done));
    done += read;
  }
}
const failure = (error) => String((error && error.message) || error);

function checker() {
  // Why a job's file could not be opened, told to its checks (the hasher tells it through the job's result).
  const unopened = new Map();
  // Slabs come back from the hasher once hashed: reused, since fresh ones are faulted in page by page.
  const spare = [];
  const keep = (buffer) => {
    if (files.size > 0 && buffer.length === SLAB && spare.length < MAX_HELD / SLAB) spare.push(buffer);
  };
  const takeBack = () => {
    for (let m = receiveMessageOnPort(peer); m; m = receiveMessageOnPort(peer)) keep(Buffer.from(m.message.buffer));
  };
  peer.on("message", (message) => keep(Buffer.from(message.buffer)));
  const slab = (size) => {
    if (size > SLAB) return Buffer.allocUnsafeSlow(size);
    takeBack();
    return spare.pop() || Buffer.allocUnsafeSlow(SLAB);
  };
  parentPort.on("message", (message) => {
    if (message.kind === "open") {
      try {
        files.set(message.id, openSync(message.path, "r"));
      } catch (error) {
        unopened.set(message.id, failure(error));
      }
      return;
    }
    if (message.kind === "close") {
      const fd = files.get(message.id);
      files.delete(message.id);
      unopened.delete(message.id);
      if (files.size === 0) spare.length = 0;
      try {
        if (fd !== undefined) closeSync(fd);
      } finally {
        parentPort.postMessage({ kind: "closed", id: message.id });
      }
      return;
    }
    const fd = files.get(message.id);
    // Answered, so that nothing waits (and keeps the thread held) for a job that failed or was dropped.
    if (fd === undefined) return parentPort.postMessage({ kind: "check", id: message.check, error: unopened.get(message.id) || "its file is closed" });
    const total = message.sizes.reduce((sum, size) => sum + size, 0);
    const buffer = slab(total);
    const bytes = buffer.subarray(0, total);
    let taken = 0;
    let at = 0;
    try {
      readFully(fd, bytes, message.offset);
      for (; taken < message.sizes.length; at += message.sizes[taken++]) {
        const block = bytes.subarray(at, at + message.sizes[taken]);
        if (Buffer.compare(createHash("sha256").update(block).digest(), message.digests[taken]) !== 0) break;
      }
    } catch (error) {
      keep(buffer);
      return parentPort.postMessage({ kind: "check", id: message.check, error: failure(error) });
    }
    // Sent before the answer: the hasher has the bytes by the time the caller says they are at its cursor.
    if (at > 0) peer.postMessage({ id: message.id, offset: message.offset, buffer: buffer.buffer, length: at }, [buffer.buffer]);
    else keep(buffer);
    parentPort.postMessage({ kind: "check", id: message.check, taken });
  });
}

function hasher() {
  const scratch = Buffer.allocUnsafe(SLAB);
  const giveBack = (buffer) => peer.postMessage({ buffer }, [buffer]);
  /** Hashes the kept groups that now sit at the cursor. */
  function drain(job) {
    for (let held = job.held.get(job.at); held; held = job.held.get(job.at)) {
      job.held.delete(job.at);
      job.heldBytes -= held.buffer.byteLength;
      job.hash.update(new Uint8Array(held.buffer, 0, held.length));
      job.at += held.length;
      giveBack(held.buffer);
    }
  }
  // Groups can come through the checker's port before the job's open is read from the caller's (while an advance of
  // another job is being hashed): kept for it, up to MAX_HELD in all. Jobs are opened in the order of their ids, so a
  // group for an id at or below the last opened belongs to a job that is gone.
  let lastOpened = 0;
  let early = [];
  let earlyBytes = 0;
  function takeEarly(id) {
    const mine = early.filter((group) => group.id === id);
    early = early.filter((group) => group.id !== id);
    for (const group of mine) earlyBytes -= group.buffer.byteLength;
    return mine;
  }
  function onChecked(group) {
    const job = files.get(group.id);
    if (!job && group.id > lastOpened && earlyBytes + group.buffer.byteLength <= MAX_HELD) {
      early.push(group);
      earlyBytes += group.buffer.byteLength;
    } else if (job && group.offset === job.at) {
      job.hash.update(new Uint8Array(group.buffer, 0, group.length));
      job.at += group.length;
      giveBack(group.buffer);
      drain(job);
    } else if (job && group.offset > job.at && job.heldBytes + group.buffer.byteLength <= MAX_HELD && !job.held.has(group.offset)) {
      job.held.set(group.offset, group);
      job.heldBytes += group.buffer.byteLength;
    } else giveBack(group.buffer);
  }
  function close(id, job) {
    files.delete(id);
    for (const held of job.held.values()) giveBack(held.buffer);
    job.held.clear();
    closeSync(job.fd);
  }
  peer.on("message", onChecked);
  parentPort.on("message", (message) => {
    const job = files.get(message.id);
    try {
      if (message.kind === "open") {
        lastOpened = message.id;
        const waiting = takeEarly(message.id);
        try {
          files.set(message.id, { fd: openSync(message.path, "r"), hash: createHash("sha256"), at: 0, held: new Map(), heldBytes: 0 });
        } finally {
          for (const group of waiting) onChecked(group);
        }
        return;
      }
      if (message.kind === "close") {
        if (job) close(message.id, job);
        parentPort.postMessage({ kind: "closed", id: message.id });
        return;
      }
      if (!job) {
        if (message.done) parentPort.postMessage({ kind: "file", id: message.id, error: "its file is closed" });
        return;
      }
      // Groups checked before the caller told this advance are queued on the checker's port: taken first, so that
      // none of them is read from the file again. Taken again before each read: an advance over a long stretch (the
      // part of a resumed download already on disk) lasts seconds, and what the checker sends meanwhile would pile up
      // on the port, unbounded, instead of being kept (up to MAX_HELD) or handed back.
      while (job.at < message.upTo) {
        for (let m = receiveMessageOnPort(peer); m; m = receiveMessageOnPort(peer)) onChecked(m.message);
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
      if (job) {
        try { close(message.id, job); } catch {}
      }
      parentPort.postMessage({ kind: "file", id: message.id, error: failure(error) });
    }
  });
}

if (workerData.role === "checker") checker();
else hasher();
`;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

type Reply =
  | { kind: "check"; id: number; taken?: number; error?: string }
  | { kind: "file"; id: number; digest?: string; error?: string }
  | { kind: "closed"; id: number };

/** The sha256 of a file being filled in, computed on the hashing threads from what was checked and what is on disk. */
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

/** The two threads of one generation: a job belongs to the pair that opened its file. */
interface Pair {
  checker: Worker;
  hasher: Worker;
}

/**
 * The hashing a download from LAN peers needs, on two worker threads: every block checked against its CID's sha256
 * (the checker) and the whole file against the catalog's sha256 (the hasher), from the file being written (the page
 * cache) and each pass on its own core, so that neither holds up the thread that receives and writes nor waits for the
 * other. Started at the first use and kept (a thread costs tens of milliseconds of CPU to start, about what hashing a
 * small model costs); a thread that dies takes its partner along, fails what they had with a clear message, and the
 * next use starts another pair.
 */
export class HashingThreads {
  private pair: Pair | null = null;
  private nextId = 1;
  private readonly checks = new Map<number, Waiter<number>>();
  private readonly files = new Map<number, Waiter<string>>();
  /** Jobs being closed, with how many of the two threads have yet to close the file. */
  private readonly closes = new Map<number, Waiter<void> & { left: number }>();
  private disposed = false;
  /** Why each pair that died stopped: the reason its jobs fail with from then on. */
  private readonly lostWith = new WeakMap<Pair, Error>();
  /** Each pair that was terminated: resolves once both its threads have exited (closing the files they held). */
  private readonly exited = new WeakMap<Pair, Promise<void>>();

  /** A hash job for the file at `path` (it must exist), which is being written from its start on. */
  hashFile(path: string): FileHashJob {
    const id = this.nextId++;
    let sent = 0;
    let settled = false;
    /** Resolves once both threads have closed the file (set by finish or dispose, whichever comes first). */
    let closing: Promise<void> | null = null;
    const result = new Promise<string>((resolve, reject) => this.files.set(id, { resolve, reject }));
    result.catch(() => {});
    this.post("checker", { kind: "open", id, path });
    this.post("hasher", { kind: "open", id, path });
    // The pair that holds this file: once it is gone, so is the job (a new pair does not know the file).
    const owner = this.pair;
    return {
      check: (offset, blocks) => {
        const lost = owner && owner !== this.pair ? this.lostWith.get(owner) : undefined;
        if (lost) return Promise.reject(lost);
        const check = this.nextId++;
        const answer = new Promise<number>((resolve, reject) => this.checks.set(check, { resolve, reject }));
        // Digests are copied on their own: as views into a larger buffer they would take all of it along.
        const digests = blocks.map((block) => block.digest.slice());
        this.post("checker", { kind: "check", id, check, offset, sizes: blocks.map((block) => block.size), digests });
        return answer;
      },
      advance: (upTo) => {
        // A job that failed on the thread has nothing more to hash (its caller hears why at finish).
        if (settled || !this.files.has(id) || upTo - sent < ADVANCE_STEP) return;
        sent = upTo;
        this.post("hasher", { kind: "advance", id, upTo });
      },
      finish: (total) => {
        if (!closing) {
          settled = true;
          if (!owner || owner !== this.pair) {
            // The job failed with its pair (or never had one): no new pair to start; its threads close the file as
            // they exit.
            closing = this.stopped(owner);
          } else {
            // Posting holds the thread open until an answer comes: none is owed for a job that already failed. The
            // checker has nothing more to do for this job once its checks are answered.
            if (this.files.has(id)) this.post("hasher", { kind: "advance", id, upTo: total, done: true });
            // The hasher closes the file before its digest comes back; the checker, which may still be busy with other
            // jobs' groups, closes it on its own: the digest is told once both have.
            closing = this.close(id, ["checker"]);
          }
        }
        return closing.then(() => result);
      },
      dispose: () => {
        if (closing) return closing;
        settled = true;
        const waiter = this.files.get(id);
        this.files.delete(id);
        waiter?.reject(new Error("the download stopped before its file was hashed"));
        // A pair that is gone closes its files as its threads exit.
        if (!owner || owner !== this.pair) closing = this.stopped(owner);
        else closing = this.close(id, ["checker", "hasher"]);
        return closing;
      },
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const pair = this.pair;
    this.pair = null;
    this.failAll(new Error("the app is closing"));
    if (pair) await this.terminate(pair);
  }

  /** Stops both threads of `pair`; resolves once both have exited. */
  private terminate(pair: Pair): Promise<void> {
    const exited = Promise.all([pair.checker.terminate(), pair.hasher.terminate()]).then(() => {});
    this.exited.set(pair, exited);
    return exited;
  }

  /** Resolves once the threads of `pair`, which is gone, have exited (and with them closed the files they held). */
  private stopped(pair: Pair | null): Promise<void> {
    return (pair && this.exited.get(pair)) || Promise.resolve();
  }

  /** Tells `roles` to close job `id`'s file; resolves once they have (or are gone). */
  private close(id: number, roles: ReadonlyArray<keyof Pair>): Promise<void> {
    const closed = new Promise<void>((resolve) => this.closes.set(id, { resolve, reject: () => resolve(), left: roles.length }));
    for (const role of roles) this.post(role, { kind: "close", id });
    return closed;
  }

  private post(role: keyof Pair, message: { kind: string; id: number; check?: number; [key: string]: unknown }): void {
    if (this.disposed) {
      this.failOne(message.check ?? message.id, new Error("the app is closing"));
      return;
    }
    const pair = this.pair ?? this.spawn();
    // Held open only while work is out: idle threads do not keep the process alive.
    pair.checker.ref();
    pair.hasher.ref();
    pair[role].postMessage(message);
  }

  private spawn(): Pair {
    const { port1, port2 } = new MessageChannel();
    const start = (role: keyof Pair, port: MessagePort) => new Worker(SOURCE, { eval: true, workerData: { role, port }, transferList: [port] });
    const pair: Pair = { checker: start("checker", port1), hasher: start("hasher", port2) };
    this.pair = pair;
    const lost = (why: string) => {
      if (this.pair !== pair) return;
      this.pair = null;
      const error = new Error(`the hashing thread stopped (${why}); start the download again`);
      this.lostWith.set(pair, error);
      this.failAll(error);
      // One thread without the other cannot finish anything.
      void this.terminate(pair);
    };
    for (const worker of [pair.checker, pair.hasher]) {
      worker.on("message", (reply: Reply) => this.onReply(reply));
      worker.on("error", (error) => lost(error.message));
      worker.on("exit", (code) => lost(`exit code ${code}`));
    }
    return pair;
  }

  private onReply(reply: Reply): void {
    if (reply.kind === "closed") {
      const closing = this.closes.get(reply.id);
      if (closing && --closing.left === 0) {
        this.closes.delete(reply.id);
        closing.resolve();
      }
    } else {
      const waiters: Map<number, Waiter<never>> = reply.kind === "check" ? this.checks : this.files;
      const waiter = waiters.get(reply.id) as Waiter<number | string> | undefined;
      waiters.delete(reply.id);
      if (reply.error !== undefined) waiter?.reject(new Error(`hashing the downloaded file failed: ${reply.error}`));
      else waiter?.resolve(reply.kind === "check" ? reply.taken! : reply.digest!);
    }
    if (this.checks.size === 0 && this.files.size === 0 && this.closes.size === 0) {
      this.pair?.checker.unref();
      this.pair?.hasher.unref();
    }
  }

  private failOne(id: number, error: Error): void {
    for (const waiters of [this.checks, this.files, this.closes] as Array<Map<number, Waiter<never>>>) {
      const waiter = waiters.get(id);
      waiters.delete(id);
      waiter?.reject(error);
    }
  }

  private failAll(error: Error): void {
    for (const waiter of [...this.checks.values(), ...this.files.values(), ...this.closes.values()]) waiter.reject(error);
    this.checks.clear();
    this.files.clear();
    this.closes.clear();
  }
}
