// `npm run bench -- sharing` (or `npx tsx bench/sharing.ts`): fetching a 48 MiB model from a LAN peer against a plain
// HTTP download of the same file, in one run. The peer runs in a child process (its own process, as on its own
// machine) and serves both: its LAN gateway (CAR runs of 32 blocks, each leaf read from the model file and checked
// against its CID the first time it leaves) and a plain static-file server (the file as it is). This process downloads
// both ways: the LAN way as the app does (PeerSwarm reading CAR runs off the socket into kept rings, every block checked against
// its CID on one thread and the file hashed against its sha256 on another, blocks written in place, the file synced);
// the plain way fetch → file, nothing checked, nothing synced (its dirty pages are flushed after its clock stops, so
// the disk does not write them while the next download is timed). Rounds alternate which goes first; the figure is the
// median of each round's ratio, so a shared machine's swings between rounds (2× here) cancel out.
import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, createWriteStream, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { openFileTarget } from "../electron/core/models/download/write-target.js";
import { HashingThreads } from "../electron/core/models/download/hashing-threads.js";
import { downloadFromIpfs } from "../electron/core/models/ipfs/download.js";
import { PeerSwarm, lanReceiveRings } from "../electron/core/models/ipfs/peer-swarm.js";
import type { ReceiveRingPool } from "../electron/core/models/ipfs/receive-ring.js";
import { leavesOf } from "../test/fixtures/models/car-peer.js";
import { writeSharedModel } from "../test/fixtures/models/shared-model.js";
import { median, printRows, type BenchRow } from "./types.js";

const ROUNDS = 15;
const MIB = 1024 * 1024;

interface PeerInfo {
  gateway: string;
  plain: string;
  cid: string;
  sha256: string;
  size: number;
  dataDir: string;
}

export async function benchSharing(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "pf-bench-sharing-"));
  // 1.13 MiB of real GGUF, then seeded bytes to 48 MiB.
  const file = writeSharedModel(dir, 47);
  const child = fork(join(import.meta.dirname, "sharing", "peer.ts"), [file.path], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const peer = await new Promise<PeerInfo>((resolve, reject) => {
      child.once("message", (message) => resolve(message as PeerInfo));
      child.once("exit", (code) => reject(new Error(`the peer process exited (${code})`)));
    });
    const mib = peer.size / MIB;
    // The app keeps one pair of hashing threads and one pool of receive rings for its LAN downloads; so does this run.
    const hashing = new HashingThreads();
    const rings = lanReceiveRings();
    const plainTimes: number[] = [];
    const plainCpu: number[] = [];
    const lanTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const plainPath = join(dir, `plain-${round}.bin`);
      const lanPath = join(dir, `lan-${round}.partial`);
      const plain = async () => {
        const cpu = process.cpuUsage();
        plainTimes.push(await timed(() => plainHttp(peer.plain, plainPath)));
        const used = process.cpuUsage(cpu);
        plainCpu.push((used.user + used.system) / 1000);
        flush(plainPath);
      };
      const lan = async () => lanTimes.push(await timed(() => fromPeer(peer, hashing, rings, lanPath)));
      if (round % 2 === 0) await plain().then(lan);
      else await lan().then(plain);
      rmSync(plainPath, { force: true });
      rmSync(lanPath, { force: true });
    }
    const ratio = median(plainTimes.map((plain, i) => plain / lanTimes[i]!));
    const verifyMs = await verificationCapacity(hashing, file.path, peer.size);
    await hashing.dispose();
    rings.dispose();
    rmSync(peer.dataDir, { recursive: true, force: true });
    return [
      { name: `plain HTTP of the same file (loopback, ${mib.toFixed(0)} MiB), median`, value: mib / median(plainTimes), unit: "MiB/s" },
      { name: "verified from a LAN peer (CAR runs, loopback), median", value: mib / median(lanTimes), unit: "MiB/s" },
      { name: `LAN peer / plain HTTP, median of ${ROUNDS} rounds' ratios`, value: ratio, unit: "×", target: "≥ 0.9", ok: ratio >= 0.9 },
      // Node's fetch runs in one of two states per process (its stream code optimised or not): ~60-85 ms of CPU per
      // 48 MiB or 165 ms and more. This row tells which one the plain figure was measured in.
      { name: "plain HTTP: CPU of this process per download, median", value: Math.round(median(plainCpu)), unit: "ms" },
      { name: `checking every block and hashing the file, ${mib.toFixed(0)} MiB on disk (hashing threads), median`, value: mib / (verifyMs / 1000), unit: "MiB/s" },
    ];
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * How fast the hashing threads check and hash a file already on disk (the page cache), groups of 2 MiB as a LAN
 * download sends them: the most a download can be verified at when the network and the cores leave them free.
 */
async function verificationCapacity(hashing: HashingThreads, path: string, size: number): Promise<number> {
  const BLOCK = 256 * 1024;
  const GROUP = 8;
  const bytes = readFileSync(path);
  const blocks = leavesOf(bytes, BLOCK).map((leaf) => ({ size: leaf.bytes.length, digest: leaf.cid.multihash.digest }));
  const expected = createHash("sha256").update(bytes).digest("hex");
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    times.push(
      await timed(async () => {
        const job = hashing.hashFile(path);
        const checks: Promise<void>[] = [];
        for (let first = 0; first < blocks.length; first += GROUP) {
          const group = blocks.slice(first, first + GROUP);
          const end = Math.min(size, (first + GROUP) * BLOCK);
          checks.push(
            job.check(first * BLOCK, group).then((taken) => {
              if (taken !== group.length) throw new Error("a block of the bench's own file did not match");
              job.advance(end);
            }),
          );
        }
        await Promise.all(checks);
        if ((await job.finish(size)) !== expected) throw new Error("the hashing threads got the bench's own file wrong");
      }),
    );
  }
  return median(times) * 1000;
}

/** Writes a file's dirty pages out now (not timed). */
function flush(path: string): void {
  const fd = openSync(path, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Seconds one run of `work` took. */
async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function plainHttp(url: string, path: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), createWriteStream(path));
}

async function fromPeer(peer: PeerInfo, hashing: HashingThreads, rings: ReceiveRingPool, partialPath: string): Promise<void> {
  const swarm = new PeerSwarm({ peers: () => [{ url: peer.gateway, label: "bench peer" }], rings });
  const result = await downloadFromIpfs({
    cid: peer.cid,
    gateways: [],
    peers: swarm,
    hashing,
    partialPath,
    openTarget: openFileTarget,
    fetch,
    signal: new AbortController().signal,
    retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    sleep: async () => {},
    expected: { sha256: peer.sha256, sizeBytes: peer.size },
    reserve: async () => {},
    onBytes: () => {},
    concurrency: 8,
  }).finally(() => swarm.close());
  if (result.sha256 !== peer.sha256) throw new Error("the LAN download produced the wrong file");
  rmSync(`${partialPath}.ipfs-plan.json`, { force: true });
  rmSync(`${partialPath}.ipfs-verified`, { force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printRows("bench sharing", await benchSharing());
}
