// SMST costs on one core at session sizes a busy supplier reaches: updates (path hashing and insertion;
// digests are deferred to root()), a full and an incremental root, closest proofs, and the chain-side
// gob → verify path. Run directly: `npx tsx bench/pokt/smst.ts`.
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

function microsPerOp(ops: number, run: () => void): number {
  const start = performance.now();
  run();
  return ((performance.now() - start) * 1000) / ops;
}

function millis(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function fill(trie: SparseMerkleSumTrie, keys: Uint8Array[], value: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) trie.update(keys[i], value, WEIGHT);
}

export async function benchSmst(): Promise<BenchRow[]> {
  const keys = randomBytes(111_000, 32, 0x5eed);
  const [value] = randomBytes(1, VALUE_SIZE, 0xfeed);
  const rows: BenchRow[] = [];
  const updateRow = (name: string, us: number): BenchRow => ({
    name,
    value: us,
    unit: "µs/op",
    target: `≤ ${UPDATE_TARGET_US}`,
    ok: us <= UPDATE_TARGET_US,
  });

  // Warm the JIT on a throwaway trie so the first measurement is not the compiler's.
  const warm = new SparseMerkleSumTrie();
  fill(warm, keys, value, 0, 5_000);
  warm.root();

  const small = new SparseMerkleSumTrie();
  rows.push(updateRow("smst update, filling to 10k leaves", microsPerOp(10_000, () => fill(small, keys, value, 0, 10_000))));

  const trie = new SparseMerkleSumTrie();
  rows.push(updateRow("smst update, filling to 100k leaves", microsPerOp(100_000, () => fill(trie, keys, value, 0, 100_000))));
  rows.push({ name: "smst root, 100k leaves all new", value: millis(() => trie.root()), unit: "ms" });

  rows.push(updateRow("smst update at 100k leaves (+10k)", microsPerOp(10_000, () => fill(trie, keys, value, 100_000, 110_000))));
  rows.push({ name: "smst root after those 10k updates", value: millis(() => trie.root()), unit: "ms" });
  fill(trie, keys, value, 110_000, 111_000);
  rows.push({ name: "smst root after 1k more updates", value: millis(() => trie.root()), unit: "ms" });

  const paths = randomBytes(2_000, 32, 0xbeef);
  let proofs: ReturnType<SparseMerkleSumTrie["proveClosest"]>[] = [];
  rows.push({
    name: "smst proveClosest at 111k leaves",
    value: microsPerOp(paths.length, () => {
      proofs = paths.map((path) => trie.proveClosest(path));
    }),
    unit: "µs/op",
  });
  const root = trie.root();
  let gobs: Uint8Array[] = [];
  rows.push({
    name: "closest proof → gob bytes",
    value: microsPerOp(proofs.length, () => {
      gobs = proofs.map(closestProofToGob);
    }),
    unit: "µs/op",
  });
  let allValid = true;
  rows.push({
    name: "gob bytes → decode, decompact, verify",
    value: microsPerOp(gobs.length, () => {
      gobs.forEach((gob, i) => {
        allValid &&= verifyClosestProof(gob, root, paths[i]).valid;
      });
    }),
    unit: "µs/op",
    target: "all verify",
    ok: allValid,
  });
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printRows("bench smst", await benchSmst());
}
