import { Worker } from "node:worker_threads";

/** Bytes the file must have grown by before the thread is told. */
const ADVANCE_STEP = 4 * 1024 * 1024;

// The worker's whole program: plain JavaScript, so it runs the same from sources, the headless bundle and Electron.
const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const hash = createHash("sha256");
const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
const fd = openSync(workerData.path, "r");
let at = 0;
parentPort.on("message", (message) => {
  try {
    while (at < message.upTo) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, message.upTo - at), at);
      if (read === 0) throw new Error("the file ended at byte " + at);
      hash.update(buffer.subarray(0, read));
      at += read;
    }
    if (message.done) {
      closeSync(fd);
      parentPort.postMessage({ digest: hash.digest("hex") });
    }
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;

/**
 * The sha256 of a file that is being filled in, computed on a worker thread from what is on disk: the caller says how
 * far the file is complete (an unbroken run from its start) and the worker hashes up to there, so hashing never holds
 * up the thread that receives, verifies and writes blocks.
 */
export class BackgroundFileHasher {
  private readonly worker: Worker;
  private readonly result: Promise<string>;
  private sent = 0;

  constructor(path: string) {
    this.worker = new Worker(SOURCE, { eval: true, workerData: { path } });
    this.result = new Promise<string>((resolve, reject) => {
      this.worker.on("message", (message: { digest?: string; error?: string }) => {
        if (message.digest) resolve(message.digest);
        else reject(new Error(`hashing the downloaded file failed: ${message.error}`));
      });
      this.worker.on("error", reject);
      this.worker.on("exit", (code) => reject(new Error(`the hashing thread stopped (${code})`)));
    });
    this.result.catch(() => {});
  }

  /**
   * Bytes [0, upTo) are written: hash them when the thread gets to it. Told in steps of at least ADVANCE_STEP bytes (a
   * message per block costs the receiving thread more than the thread saves it); finish tells the rest.
   */
  advance(upTo: number): void {
    if (upTo - this.sent < ADVANCE_STEP) return;
    this.sent = upTo;
    this.worker.postMessage({ upTo });
  }

  /** The digest of bytes [0, total), once they are all hashed. */
  async finish(total: number): Promise<string> {
    this.worker.postMessage({ upTo: total, done: true });
    try {
      return await this.result;
    } finally {
      await this.worker.terminate();
    }
  }

  dispose(): void {
    void this.worker.terminate();
  }
}
