// SMST costs on one core at session sizes a busy supplier reaches: updates (path hashing and insertion;
// digests are deferred to root()), a full and an incremental root, closest proofs, and the chain-side
// gob → verify path. Figures are CPU time (best of a few samples), so a shared machine inflates them
// less than wall time would. Run directly: `npx tsx bench/pokt/smst.ts`.
import { pathToFileURL } from "node:url";
import { SparseMerkleSumTrie, closestProofToGob, verifyClosestProof } from "../../electron/core/pokt/smst/index.js";
import { printRows } from "../types.js";
import type { BenchRow } from "./types.js";

const UPDATE_TARGET_US = 20;
/** Roughly a relay with its request body (the SMST value is the whole Relay protobuf). */
const VALUE_SIZE = 512;
const WEIGHT = 100;

/** Deterministic filler (xorshift32), cheap enough not to distort the timings it feeds. */
function randomBytes(count: number, size: number, seed: number): Uint8Array[] {
  let state = seed >>> 0 || 1;
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = new Uint8Array(size);
    for (let j = 0; j < size; j++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      bytes[j] = state & 0xff;
    }
    out.push(bytes);
  }
  return out;
}

/**
 * CPU time of `run`, in microseconds: what one dedicated core spends, even while other processes share
 * the machine. Includes the garbage collector's work on the process's behalf.
 */
function cpuMicros(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

function best(samples: number, measure: (sample: number) => number): number {
  let lowest = Infinity;
  for (let sample = 0; sample < samples; sample++) lowest = Math.min(lowest, measure(sample));
  return lowest;
}

function fill(trie: SparseMerkleSumTrie, keys: Uint8Array[], value: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) trie.update(keys[i], value, WEIGHT);
}

export async function benchSmst(): Promise<BenchRow[]> {
  const keys = randomBytes(120_000, 32, 0x5eed);
  const [value] = randomBytes(1, VALUE_SIZE, 0xfeed);
  const updateRow = (name: string, us: number): BenchRow => ({
    name,
    value: us,
    unit: "µs/op",
    target: `≤ ${UPDATE_TARGET_US}`,
    ok: us <= UPDATE_TARGET_US,
  });

  // Warm the JIT on a throwaway trie so no measurement includes compilation.
  const warm = new SparseMerkleSumTrie();
  fill(warm, keys, value, 0, 20_000);
  warm.root();
  warm.proveClosest(keys[0]);

  const fillSmall = best(5, () => cpuMicros(() => fill(new SparseMerkleSumTrie(), keys, value, 0, 10_000))) / 10_000;

  // Three fresh 100k tries: best fill per update and best full root.
  let trie = new SparseMerkleSumTrie();
  let fillLarge = Infinity;
  let fullRoot = Infinity;
  for (let sample = 0; sample < 3; sample++) {
    trie = new SparseMerkleSumTrie();
    const current = trie;
    fillLarge = Math.min(fillLarge, cpuMicros(() => fill(current, keys, value, 0, 100_000)) / 100_000);
    fullRoot = Math.min(fullRoot, cpuMicros(() => current.root()) / 1000);
  }

  // Updates into the 100k trie (it grows to 115k), then the roots that follow them.
  const atLarge = best(3, (sample) => {
    const from = 100_000 + sample * 5_000;
    return cpuMicros(() => fill(trie, keys, value, from, from + 5_000)) / 5_000;
  });
  const afterUpdates = cpuMicros(() => trie.root()) / 1000;
  fill(trie, keys, value, 115_000, 116_000);
  const afterFewUpdates = cpuMicros(() => trie.root()) / 1000;

  const paths = randomBytes(2_000, 32, 0xbeef);
  const prove = best(3, () => cpuMicros(() => paths.forEach((path) => trie.proveClosest(path)))) / paths.length;
  const proofs = paths.map((path) => trie.proveClosest(path));
  const encode = best(3, () => cpuMicros(() => proofs.forEach(closestProofToGob))) / proofs.length;
  const gobs = proofs.map(closestProofToGob);
  const root = trie.root();
  let allValid = true;
  const verify =
    best(3, () =>
      cpuMicros(() =>
        gobs.forEach((gob, i) => {
          allValid &&= verifyClosestProof(gob, root, paths[i]).valid;
        }),
      ),
    ) / gobs.length;

  return [
    updateRow("smst update, filling a trie to 10k leaves", fillSmall),
    updateRow("smst update, filling a trie to 100k leaves", fillLarge),
    updateRow("smst update at 100k–115k leaves", atLarge),
    { name: "smst root, 100k leaves never hashed", value: fullRoot, unit: "ms" },
    { name: "smst root after 15k updates (115k leaves)", value: afterUpdates, unit: "ms" },
    { name: "smst root after 1k updates (116k leaves)", value: afterFewUpdates, unit: "ms" },
    { name: "smst proveClosest at 116k leaves", value: prove, unit: "µs/op" },
    { name: "closest proof → gob bytes", value: encode, unit: "µs/op" },
    { name: "gob bytes → decode, decompact, verify", value: verify, unit: "µs/op", target: "all verify", ok: allValid },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printRows("bench smst", await benchSmst());
}
