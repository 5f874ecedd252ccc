// downloadFromIpfs from LAN peers that speak the trustless gateway's byte-range CAR (real HTTP on loopback, the real
// hashing threads): what a hostile peer, a full disk or a dead hashing thread do to a download.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { DownloadError } from "../../../electron/core/models/download/errors.js";
import { HashingThreads } from "../../../electron/core/models/download/hashing-threads.js";
import { openFileTarget, type OpenWriteTarget, type WriteTarget } from "../../../electron/core/models/download/write-target.js";
import { downloadFromIpfs, type IpfsDownloadOptions } from "../../../electron/core/models/ipfs/download.js";
import { PeerSwarm, type SwarmPeer } from "../../../electron/core/models/ipfs/peer-swarm.js";
import { ReceiveRing, ReceiveRingPool } from "../../../electron/core/models/ipfs/receive-ring.js";
import { planUnixfsFile } from "../../../electron/core/models/ipfs/plan.js";
import { IpfsResumeState } from "../../../electron/core/models/ipfs/resume-state.js";
import { startCarPeer, type CarPeer, type CarPeerBehaviour } from "../../fixtures/models/car-peer.js";
import { ipfsDownloadOptions } from "../../fixtures/models/ipfs-download-options.js";
import { startIpfsGateway } from "../../fixtures/models/ipfs-gateway.js";
import { buildUnixfs } from "../../fixtures/models/unixfs-blocks.js";
import { fixedSize } from "ipfs-unixfs-importer/chunker";

const BLOCK = 256 * 1024;
// 24 full blocks and a short last one: three groups of 2 MiB and a bit, one CAR run.
const file = randomBytes(24 * BLOCK + 1000);
const fileSha = createHash("sha256").update(file).digest("hex");
const dag = await buildUnixfs(file);
const work = mkdtempSync(join(tmpdir(), "pf-peer-download-"));
const hashing = new HashingThreads();
const closers: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  await hashing.dispose();
  rmSync(work, { recursive: true, force: true });
});

async function peer(behaviour: CarPeerBehaviour = {}): Promise<CarPeer> {
  const started = await startCarPeer(dag, file, behaviour);
  closers.push(() => started.close());
  return started;
}

interface Seen {
  rejected: string[];
  states: Array<[string, string]>;
}

function swarmOf(peers: CarPeer[], seen: Seen, idleTimeoutMs?: number): PeerSwarm {
  const list: SwarmPeer[] = peers.map((p, i) => ({ url: p.url, label: `peer ${i}` }));
  const swarm = new PeerSwarm({
    peers: () => list,
    idleTimeoutMs,
    onRejected: (_peer, cid) => seen.rejected.push(cid),
    onPeerState: (p, state) => seen.states.push([p.label, state]),
  });
  closers.push(async () => swarm.close());
  return swarm;
}

/** A file target whose writes go through `writes` (a lagging disk, a full one); everything else is the file's own. */
function fileTargetWith(writes: (target: WriteTarget) => Pick<WriteTarget, "write" | "writev">): OpenWriteTarget {
  return async (path) => {
    const target = await openFileTarget(path);
    return {
      read: target.read.bind(target),
      size: target.size.bind(target),
      truncate: target.truncate.bind(target),
      sync: target.sync.bind(target),
      close: target.close.bind(target),
      ...writes(target),
    };
  };
}

let counter = 0;
function options(swarm: PeerSwarm, overrides: Partial<IpfsDownloadOptions> = {}): IpfsDownloadOptions {
  return ipfsDownloadOptions({
    cid: dag.root.toString(),
    peers: swarm,
    hashing,
    partialPath: join(work, `model-${++counter}.partial`),
    expected: { sha256: fileSha, sizeBytes: file.length },
    ...overrides,
  });
}

test("an honest CAR peer delivers the whole file (the premise of the tests below)", async () => {
  const seen: Seen = { rejected: [], states: [] };
  const honest = await peer();
  const partialPath = join(work, "honest.partial");
  const result = await downloadFromIpfs(options(swarmOf([honest], seen), { partialPath }));
  assert.equal(result.sha256, fileSha);
  assert.ok(readFileSync(partialPath).equals(file));
  assert.deepEqual(seen, { rejected: [], states: [] });
  assert.equal(honest.carRequests.length, 1);
});

test("downloads that share a ring pool read into the rings the earlier ones gave back", async () => {
  const honest = await peer();
  let made = 0;
  const rings = new ReceiveRingPool(() => (made++, new ReceiveRing(12 * 1024 * 1024, 256 * 1024)));
  closers.push(async () => rings.dispose());
  for (const name of ["pooled-1", "pooled-2"]) {
    const swarm = new PeerSwarm({ peers: () => [{ url: honest.url, label: "peer 0" }], rings });
    const partialPath = join(work, `${name}.partial`);
    await downloadFromIpfs(options(swarm, { partialPath })).finally(() => swarm.close());
    assert.ok(readFileSync(partialPath).equals(file));
  }
  assert.equal(made, 1, "one run at a time from one peer's single CAR: one ring, made once");
  assert.equal(rings.spareCount, 1, "given back, and kept after the swarms closed");
});

test("a run many times the receive memory's size (1 MiB blocks) comes through whole while the disk lags behind the socket", async () => {
  // Kubo's `--chunker=size-1048576`: one run of 32 blocks is a 32 MiB response, read through memory a third its size
  // that the next run reuses; writes that take a few turns of the event loop let the socket get ahead of them.
  const chunk = 1024 * 1024;
  const big = randomBytes(40 * chunk + 4321);
  const bigDag = await buildUnixfs(big, { chunker: fixedSize({ chunkSize: chunk }) });
  const honest = await startCarPeer(bigDag, big, { chunkBytes: chunk });
  closers.push(() => honest.close());
  const seen: Seen = { rejected: [], states: [] };
  const partialPath = join(work, "big-blocks.partial");
  const laggingDisk = fileTargetWith((target) => ({
    write: target.write.bind(target),
    writev: async (pieces, position) => {
      for (let turn = 0; turn < 4; turn++) await new Promise(setImmediate);
      await target.writev!(pieces, position);
    },
  }));
  const result = await downloadFromIpfs(
    options(swarmOf([honest], seen), {
      cid: bigDag.root.toString(),
      partialPath,
      openTarget: laggingDisk,
      expected: { sha256: createHash("sha256").update(big).digest("hex"), sizeBytes: big.length },
    }),
  );
  assert.deepEqual(seen, { rejected: [], states: [] }, "no block was taken for a lie");
  assert.ok(readFileSync(partialPath).equals(big));
  assert.equal(result.blocksResumed, 0);
  assert.deepEqual(honest.carRequests.length, 2, "two runs: 32 blocks, then the rest");
});

test("at most 8 CAR runs are open at once, whatever the peer count and the concurrency setting", async () => {
  // 16 KiB leaves: 13 runs of 32 blocks in 6.5 MiB, and four peers that would take three streams each.
  const chunk = 16 * 1024;
  const small = randomBytes(13 * 32 * chunk);
  const smallDag = await buildUnixfs(small, { chunker: fixedSize({ chunkSize: chunk }) });
  const peers = await Promise.all(Array.from({ length: 4 }, () => startCarPeer(smallDag, small, { chunkBytes: chunk })));
  for (const started of peers) closers.push(() => started.close());
  const swarm = swarmOf(peers, { rejected: [], states: [] });
  // Runs are held at the swarm until the test has seen how many were started together.
  let open = 0;
  let most = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let eighth!: () => void;
  const eightOpen = new Promise<void>((resolve) => (eighth = resolve));
  const fetchRun = swarm.fetchRun.bind(swarm);
  swarm.fetchRun = async (...args) => {
    most = Math.max(most, ++open);
    if (open === 8) eighth();
    try {
      await gate;
      return await fetchRun(...args);
    } finally {
      open--;
    }
  };
  const partialPath = join(work, "many-runs.partial");
  const download = downloadFromIpfs(
    options(swarm, {
      cid: smallDag.root.toString(),
      partialPath,
      concurrency: 64,
      expected: { sha256: createHash("sha256").update(small).digest("hex"), sizeBytes: small.length },
    }),
  );
  await eightOpen;
  // Every worker got its turn (runs start without I/O once the plan is read): none more is waiting to start one.
  for (let turn = 0; turn < 3; turn++) await new Promise(setImmediate);
  assert.equal(most, 8);
  release();
  await download;
  assert.equal(most, 8);
  assert.ok(readFileSync(partialPath).equals(small));
});

/** A download from one peer that also sends blocks nobody asked for: whole, right, and nobody taken for a liar. */
async function downloadPastUnaskedBlocks(behaviour: CarPeerBehaviour, name: string, idleTimeoutMs: number): Promise<void> {
  const chatty = await peer(behaviour);
  const seen: Seen = { rejected: [], states: [] };
  const partialPath = join(work, `${name}.partial`);
  const result = await downloadFromIpfs(options(swarmOf([chatty], seen, idleTimeoutMs), { partialPath }));
  assert.equal(result.sha256, fileSha);
  assert.ok(readFileSync(partialPath).equals(file));
  assert.deepEqual(seen, { rejected: [], states: [] });
  assert.equal(chatty.carRequests.length, 1);
}

test("blocks nobody asked for, more than the receive memory holds, are passed over without holding the run up", async () => {
  // 14 MiB of unrelated 1 MiB blocks before each CAR's leaves (within what a run tolerates: the path from the root
  // and then some): the memory they were read into is let go as they are skipped.
  const unasked = Array.from({ length: 14 }, () => randomBytes(1024 * 1024));
  await downloadPastUnaskedBlocks({ unaskedBefore: unasked }, "unasked", 10_000);
});

test("blocks nobody asked for between the ones asked for, more than the receive memory holds, do not stall the run", { timeout: 20_000 }, async () => {
  // 10 MiB of unrelated blocks right after the first leaf: the group that leaf opened must not keep them in the ring
  // (the swarm's idle timeout is longer than the test's, so a run that stalls fails the test).
  const unasked = Array.from({ length: 10 }, () => randomBytes(1024 * 1024));
  await downloadPastUnaskedBlocks({ unaskedAfterFirst: unasked }, "unasked-between", 60_000);
});

test("blocks padded to just under the largest section a run accepts are refused at once, not after the idle timeout", { timeout: 20_000 }, async () => {
  // The first three leaves come 4 MiB long each (their bytes, then padding): the plan says 256 KiB, so a group counted
  // by the plan would wait for five more blocks while these three alone are more than the receive memory holds.
  const seen: Seen = { rejected: [], states: [] };
  const padded = await peer({ leafBytes: (i, bytes) => (i < 3 ? Buffer.concat([bytes, Buffer.alloc(4 * 1024 * 1024 - bytes.length, 0xee)]) : bytes) });
  const gateway = await startIpfsGateway(dag.blocks);
  closers.push(() => gateway.close());
  const partialPath = join(work, "padded.partial");
  const result = await downloadFromIpfs(options(swarmOf([padded], seen, 60_000), { partialPath, gateways: [gateway.url] }));
  assert.equal(result.sha256, fileSha);
  assert.ok(readFileSync(partialPath).equals(file));
  assert.equal(seen.rejected.length, 1, "the first padded block was refused");
  assert.deepEqual(seen.states, [["peer 0", "demoted"]]);
});

test("a peer that sends a block longer than the plan says is a liar: nothing past the block is written", async () => {
  const seen: Seen = { rejected: [], states: [] };
  const last = dag.leaves.length - 1;
  // The right bytes of the last block, then 1 MiB more: the block's own bytes still match its CID.
  const hostile = await peer({ leafBytes: (i, bytes) => (i === last ? Buffer.concat([bytes, Buffer.alloc(1 << 20, 0xee)]) : bytes) });
  const gateway = await startIpfsGateway(dag.blocks);
  closers.push(() => gateway.close());
  const partialPath = join(work, "longer.partial");
  const result = await downloadFromIpfs(options(swarmOf([hostile], seen), { partialPath, gateways: [gateway.url] }));
  assert.equal(result.sha256, fileSha);
  const written = readFileSync(partialPath);
  assert.equal(written.length, file.length, "the partial file is exactly the model's size");
  assert.ok(written.equals(file));
  assert.equal(seen.rejected.length, 1, "the long block was refused");
  assert.deepEqual(seen.states, [["peer 0", "demoted"]]);
  assert.ok(gateway.requests.includes(dag.leaves[last]!), "the refused block came from the gateway");
});

test("a block longer than the plan says never overwrites a verified neighbour (resumed, journaled, hashed from disk)", async () => {
  const seen: Seen = { rejected: [], states: [] };
  // An earlier session verified and journaled every block but the first.
  const partialPath = join(work, "neighbour.partial");
  writeFileSync(partialPath, file);
  const state = new IpfsResumeState(partialPath);
  const { plan } = await planUnixfsFile(dag.root, async (cid) => dag.blocks.get(cid.toString())!);
  state.savePlan(plan);
  await state.appendVerified(plan.items.map((_, i) => i).filter((i) => i > 0));
  // The first block right, then a whole block of garbage over the second (verified) one.
  const hostile = await peer({ leafBytes: (i, bytes) => (i === 0 ? Buffer.concat([bytes, Buffer.alloc(BLOCK, 0xee)]) : bytes) });
  const gateway = await startIpfsGateway(dag.blocks);
  closers.push(() => gateway.close());
  const result = await downloadFromIpfs(options(swarmOf([hostile], seen), { partialPath, gateways: [gateway.url] }));
  assert.equal(result.sha256, fileSha);
  assert.equal(result.blocksResumed, plan.items.length - 1);
  assert.ok(readFileSync(partialPath).equals(file));
  assert.equal(seen.rejected.length, 1);
});

test("a disk that fills up mid-download fails it as a full disk, not as peers that cannot deliver", async () => {
  const seen: Seen = { rejected: [], states: [] };
  const honest = await peer();
  let writes = 0;
  const full = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
  const fillsUp = fileTargetWith((target) => ({
    write: async (data, position) => {
      if (++writes > 1) throw full();
      await target.write(data, position);
    },
    writev: async (pieces, position) => {
      if (++writes > 1) throw full();
      await target.writev!(pieces, position);
    },
  }));
  await assert.rejects(
    downloadFromIpfs(options(swarmOf([honest], seen), { openTarget: fillsUp })),
    (error: unknown) => error instanceof DownloadError && error.reason === "no_space",
  );
  assert.deepEqual(seen.states, [], "the peer did nothing wrong");
});

test("a hashing thread that dies mid-download fails it with that reason; the next download starts another", async () => {
  const seen: Seen = { rejected: [], states: [] };
  const honest = await peer();
  const thread = new HashingThreads();
  closers.push(() => thread.dispose());
  let killed = false;
  await assert.rejects(
    downloadFromIpfs(
      options(swarmOf([honest], seen), {
        hashing: thread,
        // After the first group is checked, the thread goes (as if it crashed).
        onBlock: () => {
          if (killed) return;
          killed = true;
          void (thread as unknown as { pair: { checker: { terminate(): Promise<number> } } }).pair.checker.terminate();
        },
      }),
    ),
    /the hashing thread stopped/,
  );
  assert.ok(killed);
  assert.deepEqual(seen.states, [], "the peer did nothing wrong");
  const partialPath = join(work, "after-thread-died.partial");
  const result = await downloadFromIpfs(options(swarmOf([honest], { rejected: [], states: [] }), { hashing: thread, partialPath }));
  assert.equal(result.sha256, fileSha);
  assert.ok(readFileSync(partialPath).equals(file));
});

test("a peer that never ends a response after its last block does not hold the download up", { timeout: 20_000 }, async () => {
  const seen: Seen = { rejected: [], states: [] };
  // A byte every 20 ms: never idle for the swarm's 2 s, and a 1 MiB section that would take 6 hours to complete.
  const endless = await peer({ trickleEveryMs: 20 });
  const partialPath = join(work, "endless.partial");
  const result = await downloadFromIpfs(options(swarmOf([endless], seen, 2_000), { partialPath }));
  assert.equal(result.sha256, fileSha);
  assert.ok(readFileSync(partialPath).equals(file));
  assert.equal(endless.carRequests.length, 1, "every block came in the one response");
});

test("the same block at several offsets, two of them side by side, is written at each from one CAR section", async () => {
  const seen: Seen = { rejected: [], states: [] };
  const block = randomBytes(BLOCK);
  // Blocks 3, 4 and 17 are the same bytes (one CID, one section in an honest CAR); 18 is a lone copy of block 0.
  const repeated = Buffer.concat(Array.from({ length: 24 }, (_, i) => ([3, 4, 17].includes(i) ? block : i === 18 ? file.subarray(0, BLOCK) : file.subarray(i * BLOCK, (i + 1) * BLOCK))));
  const repeatedDag = await buildUnixfs(repeated);
  const honest = await startCarPeer(repeatedDag, repeated);
  closers.push(() => honest.close());
  const partialPath = join(work, "repeated.partial");
  const result = await downloadFromIpfs(
    options(swarmOf([honest], seen), {
      cid: repeatedDag.root.toString(),
      partialPath,
      expected: { sha256: createHash("sha256").update(repeated).digest("hex"), sizeBytes: repeated.length },
    }),
  );
  assert.equal(result.sha256, createHash("sha256").update(repeated).digest("hex"));
  assert.ok(readFileSync(partialPath).equals(repeated));
  assert.deepEqual(seen, { rejected: [], states: [] });
});
