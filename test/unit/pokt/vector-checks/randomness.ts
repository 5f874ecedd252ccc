// Checks for the randomness vector kinds of ../shared/vectors/README.md: go_math_rand, seeded_float64.
import assert from "node:assert/strict";
import { GoMathRand } from "../../../../electron/core/pokt/go-math-rand.js";
import { traceSeededFloat64 } from "../../../../electron/core/pokt/seeded-random.js";
import type { VectorCheck } from "./types.js";

const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));

function float64BitsHex(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16).padStart(16, "0");
}

/** Compares a float bit for bit and against Go's shortest decimal text. */
function assertFloat(actual: number, decimal: string, bitsHex: string): void {
  assert.equal(float64BitsHex(actual), bitsHex);
  assert.equal(actual, Number(decimal));
}

const goMathRand: VectorCheck = (inputs, expected) => {
  const seed = BigInt(inputs.seed);
  assertFloat(new GoMathRand(seed).float64(), expected.float64_first, expected.float64_bits_hex);
  const source = new GoMathRand(seed);
  const firstThree = [source.int63(), source.int63(), source.int63()].map(String);
  assert.deepEqual(firstThree, expected.int63_first3);
};

const seededFloat64: VectorCheck = (inputs, expected) => {
  const trace = traceSeededFloat64(...(inputs.parts_hex as string[]).map(unhex));
  if (expected.sha256 !== undefined) assert.equal(Buffer.from(trace.sha256).toString("hex"), expected.sha256);
  assert.equal(String(trace.seed), expected.varint_seed);
  assert.equal(trace.varintBytesRead, expected.varint_bytes_read);
  assert.equal(String(trace.firstInt63), expected.seeded_int63);
  assertFloat(trace.float64, expected.float64, expected.float64_bits_hex);
};

export const randomnessChecks: Record<string, VectorCheck> = {
  go_math_rand: goMathRand,
  seeded_float64: seededFloat64,
};
