import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { HashingThreads } from "../../../electron/core/models/download/hashing-threads.js";

const BLOCK = 256 * 1024;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest();

let dir: string;
let thread: HashingThreads;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "pf-hashing-"));
  thread = new HashingThreads();
});
after(async () => {
  await thread.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** A file of `blocks` 256 KiB blocks (the last one `tail` bytes shorter) and each block's sha256. */
function fileOf(name: string, blocks: number, tail = 0): { path: string; bytes: Buffer; digests: Buffer[]; sizes: number[] } {
  const bytes = randomBytes(blocks * BLOCK - tail);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const sizes = Array.from({ length: blocks }, (_, i) => (i === blocks - 1 ? BLOCK - tail : BLOCK));
  const digests = sizes.map((size, i) => sha256(bytes.subarray(i * BLOCK, i * BLOCK + size)));
  return { path, bytes, digests, sizes };
}

/** How many descriptors this process holds on `path` (the threads' included: descriptors are the process's). */
const openOn = (path: string) =>
  readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;

test("checks blocks from the file up to the first that does not match, and hashes the whole file", async () => {
  const file = fileOf("whole", 24, 1000);
  const job = thread.hashFile(file.path);
  const group = (from: number, to: number, wrong?: number) =>
    job.check(
      from * BLOCK,
      file.sizes.slice(from, to).map((size, i) => ({ size, digest: from + i === wrong ? sha256(Buffer.from("other")) : file.digests[from + i]! })),
    );
  assert.equal(await group(0, 8), 8);
  assert.equal(await group(8, 16, 11), 3, "blocks 8, 9 and 10 match; 11 does not, and nothing after it counts");
  assert.equal(await group(16, 24), 8, "the last, shorter block is read to its own end");
  job.advance(file.bytes.length);
  assert.equal(await job.finish(file.bytes.length), sha256(file.bytes).toString("hex"));
});

test("groups checked out of order leave the file hash right: what is not at the cursor is read again later", async () => {
  const file = fileOf("out-of-order", 40);
  const job = thread.hashFile(file.path);
  const check = (from: number, to: number) => job.check(from * BLOCK, file.sizes.slice(from, to).map((size, i) => ({ size, digest: file.digests[from + i]! })));
  assert.equal(await check(24, 40), 16);
  assert.equal(await check(0, 8), 8);
  assert.equal(await check(8, 24), 16);
  job.advance(20 * BLOCK);
  assert.equal(await job.finish(file.bytes.length), sha256(file.bytes).toString("hex"));

  // A group kept ahead of the cursor and the file read up to it: the file is read to the kept group, not through it.
  const again = thread.hashFile(file.path);
  const checkAgain = (from: number, to: number) => again.check(from * BLOCK, file.sizes.slice(from, to).map((size, i) => ({ size, digest: file.digests[from + i]! })));
  assert.equal(await checkAgain(24, 32), 8);
  again.advance(36 * BLOCK);
  assert.equal(await checkAgain(0, 8), 8, "a group behind the cursor is still checked");
  assert.equal(await again.finish(file.bytes.length), sha256(file.bytes).toString("hex"));
});

test("several files at once each get their own hash", async () => {
  const files = [fileOf("one", 5), fileOf("two", 7, 77), fileOf("three", 3)];
  const jobs = files.map((file) => thread.hashFile(file.path));
  jobs.forEach((job, i) => job.advance(files[i]!.bytes.length));
  const digests = await Promise.all(jobs.map((job, i) => job.finish(files[i]!.bytes.length)));
  assert.deepEqual(digests, files.map((file) => sha256(file.bytes).toString("hex")));
});

test("a file shorter than the caller says fails with where it ended, and the thread goes on serving others", async () => {
  const file = fileOf("short", 2);
  const job = thread.hashFile(file.path);
  await assert.rejects(job.finish(file.bytes.length + 10), /hashing the downloaded file failed: the file ended at byte 524288/);
  const checkPastEnd = thread.hashFile(file.path).check(BLOCK, [{ size: 2 * BLOCK, digest: file.digests[1]! }]);
  await assert.rejects(checkPastEnd, /the file ended at byte 524288/);
  const other = fileOf("after", 1);
  const next = thread.hashFile(other.path);
  assert.equal(await next.finish(other.bytes.length), sha256(other.bytes).toString("hex"));
});

test("a missing file fails its job with the reason; a dropped job's checks fail instead of waiting forever", async () => {
  const missing = thread.hashFile(join(dir, "nowhere"));
  await assert.rejects(missing.finish(1), /ENOENT/);
  const file = fileOf("dropped", 1);
  const job = thread.hashFile(file.path);
  job.dispose();
  await assert.rejects(job.check(0, [{ size: BLOCK, digest: file.digests[0]! }]), /its file is closed/);
});

test("a dropped job's file is closed by the time its dispose resolves (a folder with an open file cannot go on Windows)", { skip: !existsSync("/proc/self/fd") && "needs /proc/self/fd" }, async () => {
  const file = fileOf("open-until-dropped", 8);
  const job = thread.hashFile(file.path);
  assert.equal(await job.check(0, [{ size: BLOCK, digest: file.digests[0]! }]), 1);
  assert.equal(openOn(file.path), 2, "both threads hold the file while the job runs");
  await job.dispose();
  assert.equal(openOn(file.path), 0, "closed before dispose resolved");
});

test("after dispose every call fails with a clear reason instead of starting a thread", async () => {
  const closing = new HashingThreads();
  const file = fileOf("closing", 1);
  assert.equal(await closing.hashFile(file.path).finish(file.bytes.length), sha256(file.bytes).toString("hex"));
  await closing.dispose();
  await assert.rejects(closing.hashFile(file.path).check(0, [{ size: BLOCK, digest: file.digests[0]! }]), /the app is closing/);
  await assert.rejects(closing.hashFile(file.path).finish(file.bytes.length), /the app is closing/);
});

test("a job that failed on the thread does not keep the process alive once its caller is told", async () => {
  const { spawnSync } = await import("node:child_process");
  const file = fileOf("fails-then-idle", 1);
  const module = new URL("../../../electron/core/models/download/hashing-threads.ts", import.meta.url).href;
  // The job fails on the thread (told to hash past the file's end); the caller sees it (a check answered after the
  // failure), then asks for the digest as a download that goes on would: after that nothing is out, so node exits.
  const script = `
    import { HashingThreads } from ${JSON.stringify(module)};
    const job = new HashingThreads().hashFile(${JSON.stringify(file.path)});
    job.advance(${8 * BLOCK * 4});
    await job.check(0, [{ size: ${BLOCK}, digest: new Uint8Array(32) }]).catch((error) => console.log("check:", error.message));
    await job.finish(${8 * BLOCK * 4}).catch((error) => console.log("finish:", error.message));
  `;
  const entry = join(dir, "fails-then-idle.mts");
  writeFileSync(entry, script);
  const child = spawnSync(process.execPath, ["--import", "tsx", entry], { encoding: "utf8", timeout: 20_000 });
  assert.equal(child.signal, null, `the process did not exit by itself: ${child.stdout}${child.stderr}`);
  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stdout, /finish: hashing the downloaded file failed: the file ended at byte 262144/);
});

test("a checked group reaches the file hash as it was checked: the file is not read a second time for it", async () => {
  const file = fileOf("read-once", 16);
  const job = thread.hashFile(file.path);
  const check = (from: number, to: number) => job.check(from * BLOCK, file.sizes.slice(from, to).map((size, i) => ({ size, digest: file.digests[from + i]! })));
  assert.equal(await check(8, 16), 8, "checked ahead of the hash cursor");
  assert.equal(await check(0, 8), 8);
  // What is on disk now differs from what was checked: a hash that read the file again would see it.
  writeFileSync(file.path, Buffer.alloc(file.bytes.length, 7));
  job.advance(file.bytes.length);
  assert.equal(await job.finish(file.bytes.length), sha256(file.bytes).toString("hex"));

  // The same while the hasher is busy with another file: the checked group waits on its port behind the caller's
  // word that the bytes are there, and is still taken first.
  const busy = fileOf("keeps-the-hasher-busy", 256);
  const other = thread.hashFile(busy.path);
  other.advance(busy.bytes.length);
  const again = fileOf("read-once-while-busy", 8);
  const job2 = thread.hashFile(again.path);
  assert.equal(await job2.check(0, again.sizes.map((size, i) => ({ size, digest: again.digests[i]! }))), 8);
  writeFileSync(again.path, Buffer.alloc(again.bytes.length, 7));
  job2.advance(again.bytes.length);
  assert.equal(await job2.finish(again.bytes.length), sha256(again.bytes).toString("hex"));
  assert.equal(await other.finish(busy.bytes.length), sha256(busy.bytes).toString("hex"));
});

for (const role of ["checker", "hasher"] as const) {
  test(`the ${role} thread dying fails what the pair had with the reason, and the next job gets a new pair`, async () => {
    const threads = new HashingThreads();
    const file = fileOf(`dies-${role}`, 2);
    const job = threads.hashFile(file.path);
    assert.equal(await job.check(0, [{ size: BLOCK, digest: file.digests[0]! }]), 1);
    const pair = (threads as unknown as { pair: Record<"checker" | "hasher", { terminate(): Promise<number>; once(event: "exit", listener: () => void): void }> }).pair;
    let partnerExited = false;
    pair[role === "checker" ? "hasher" : "checker"].once("exit", () => (partnerExited = true));
    await pair[role].terminate();
    await assert.rejects(job.check(BLOCK, [{ size: BLOCK, digest: file.digests[1]! }]), /the hashing thread stopped \(exit code \d+\); start the download again/);
    await assert.rejects(job.finish(file.bytes.length), /the hashing thread stopped/);
    await job.dispose();
    assert.equal((threads as unknown as { pair: unknown }).pair, null, "finishing and dropping a job of the pair that is gone start no threads");
    // A thread closes the files it opened as it exits: the partner, terminated along, must have by now.
    assert.equal(partnerExited, true, "the dropped job's dispose resolves once the other thread has exited too");
    if (existsSync("/proc/self/fd")) assert.equal(openOn(file.path), 0, "the file is closed once the dropped job's dispose resolves");
    const next = threads.hashFile(file.path);
    next.advance(file.bytes.length);
    assert.equal(await next.finish(file.bytes.length), sha256(file.bytes).toString("hex"));
    await threads.dispose();
  });
}


test("a finished job's file is closed on both threads by the time finish and dispose resolve", { skip: !existsSync("/proc/self/fd") && "needs /proc/self/fd" }, async () => {
  // The checker is kept busy with a large group of another file, so that its close of this file comes after the
  // hasher's digest.
  const busy = fileOf("keeps-the-checker-busy", 256);
  const other = thread.hashFile(busy.path);
  const file = fileOf("closed-when-finished", 1);
  const job = thread.hashFile(file.path);
  const checking = other.check(0, busy.sizes.map((size, i) => ({ size, digest: busy.digests[i]! })));
  assert.equal(await job.finish(file.bytes.length), sha256(file.bytes).toString("hex"));
  await job.dispose();
  assert.equal(openOn(file.path), 0, "closed before finish and dispose resolved");
  assert.equal(await checking, 256);
  other.advance(busy.bytes.length);
  assert.equal(await other.finish(busy.bytes.length), sha256(busy.bytes).toString("hex"));
});

test("a check of a file the thread could not open fails with the reason, not as if the job were closed", async () => {
  const missing = thread.hashFile(join(dir, "nowhere-to-check"));
  await assert.rejects(missing.check(0, [{ size: BLOCK, digest: new Uint8Array(32) }]), /hashing the downloaded file failed: ENOENT/);
  await assert.rejects(missing.finish(BLOCK), /ENOENT/);
});
