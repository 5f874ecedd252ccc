// Go's math/rand as SeededFloat64 uses it: the rngCooked table re-derived from first principles, the
// generator's documented values and seeding rules, and encoding/binary's Varint.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GoMathRand } from "../../../electron/core/pokt/go-math-rand.js";
import { RNG_COOKED } from "../../../electron/core/pokt/go-math-rand-cooked.js";
import { goUvarint, goVarint } from "../../../electron/core/pokt/go-varint.js";

const LEN = 607;
const TAP = 273;
const MASK_64 = (1n << 64n) - 1n;
/** x^607 ≡ x^334 + 1: the feedback polynomial of x[n] = x[n−607] + x[n−273]. */
const FEEDBACK = LEN - TAP;
/** Go's generator for rngCooked ran this many steps from seed 1. */
const COOKING_STEPS = 7_800_000_000_000n;

/** Go's seedrand: x·48271 mod (2^31 − 1). */
function seedrand(x: number): number {
  const hi = Math.trunc(x / 44488);
  const next = 48271 * (x % 44488) - 3399 * hi;
  return next < 0 ? next + 2147483647 : next;
}

/** The generator's state right after seeding with 1, as Go's table generator seeded it (shifts 20/10). */
function initialState(): bigint[] {
  const vec: bigint[] = new Array(LEN);
  let x = 1;
  for (let i = -20; i < LEN; i++) {
    x = seedrand(x);
    if (i >= 0) {
      let u = BigInt(x) << 20n;
      x = seedrand(x);
      u ^= BigInt(x) << 10n;
      x = seedrand(x);
      vec[i] = u ^ BigInt(x);
    }
  }
  return vec;
}

/** Plain stepping (feed and tap pointers walking down the ring), for checking the jump on small counts. */
function stepped(steps: number): bigint[] {
  const vec = initialState();
  let tap = 0;
  let feed = LEN - TAP;
  for (let i = 0; i < steps; i++) {
    if (--tap < 0) tap += LEN;
    if (--feed < 0) feed += LEN;
    vec[feed] = (vec[feed] + vec[tap]) & MASK_64;
  }
  return vec;
}

// Polynomials over Z/2^64 multiply as big integers (Kronecker substitution): 144-bit slots hold any
// coefficient of a product of two degree-606 polynomials with 64-bit coefficients.
const SLOT_HEX = 36;

function pack(coefficients: bigint[]): bigint {
  let text = "";
  for (let i = coefficients.length - 1; i >= 0; i--) text += coefficients[i].toString(16).padStart(SLOT_HEX, "0");
  return BigInt(`0x${text}`);
}

/** The low 64 bits of each of the first `count` slots. */
function unpack(value: bigint, count: number): bigint[] {
  const text = value.toString(16).padStart(count * SLOT_HEX, "0");
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const end = text.length - i * SLOT_HEX;
    out.push(BigInt(`0x${text.slice(end - 16, end)}`));
  }
  return out;
}

function reduce(product: bigint[]): bigint[] {
  for (let k = product.length - 1; k >= LEN; k--) {
    const c = product[k];
    product[k - LEN + FEEDBACK] = (product[k - LEN + FEEDBACK] + c) & MASK_64;
    product[k - LEN] = (product[k - LEN] + c) & MASK_64;
  }
  return product.slice(0, LEN);
}

function timesX(poly: bigint[]): bigint[] {
  const top = poly[LEN - 1];
  const out = [top, ...poly.slice(0, LEN - 1)];
  out[FEEDBACK] = (out[FEEDBACK] + top) & MASK_64;
  return out;
}

/** x^n modulo the feedback polynomial. */
function xPower(n: bigint): bigint[] {
  let result: bigint[] = new Array(LEN).fill(0n);
  result[0] = 1n;
  for (const bit of n.toString(2)) {
    result = reduce(unpack(pack(result) * pack(result), 2 * LEN - 1));
    if (bit === "1") result = timesX(result);
  }
  return result;
}

/** The ring after `steps` steps, jumping there with x^steps instead of stepping. */
function jumped(steps: bigint): bigint[] {
  const initial = initialState();
  // Sequence order: z[i] = value written i − 606 steps from now; step j writes slot (334 − j) mod 607.
  const slotOf = (j: bigint): number => Number((((BigInt(FEEDBACK) - j) % 607n) + 607n) % 607n);
  const z: bigint[] = [];
  for (let i = 0; i < LEN; i++) z.push(initial[slotOf(BigInt(i - (LEN - 1)))]);
  for (let m = LEN; m < 2 * LEN - 1; m++) z.push((z[m - LEN] + z[m - TAP]) & MASK_64);
  // z[steps + t] = Σ R[i]·z[i + t] for R = x^steps: one correlation, read off a single product.
  const r = xPower(steps);
  const correlation = unpack(pack([...r].reverse()) * pack(z), 2 * LEN - 1);
  const state: bigint[] = new Array(LEN);
  for (let t = 0; t < LEN; t++) state[slotOf(steps + BigInt(t) - BigInt(LEN - 1))] = correlation[LEN - 1 + t];
  return state;
}

describe("rngCooked", () => {
  test("the jump-ahead agrees with plain stepping", () => {
    for (const steps of [0, 1, 606, 607, 5000]) assert.deepEqual(jumped(BigInt(steps)), stepped(steps), `${steps} steps`);
  });

  test("every entry is the generator's state after 7.8e12 steps from seed 1", () => {
    assert.deepEqual(jumped(COOKING_STEPS), [...RNG_COOKED]);
  });
});

describe("GoMathRand", () => {
  test("rand.NewSource(1): first Int63 and Float64 (docs/protocol.md §14.6)", () => {
    assert.equal(new GoMathRand(1n).int63(), 5577006791947779410n);
    assert.equal(new GoMathRand(1n).float64(), 0.6046602879796196);
  });

  test("seeds are reduced modulo 2^31 − 1, and 0 stands for 89482311, as in Go", () => {
    const firstThree = (seed: bigint) => {
      const r = new GoMathRand(seed);
      return [r.int63(), r.int63(), r.int63()];
    };
    assert.deepEqual(firstThree(5n + 2147483647n), firstThree(5n));
    assert.deepEqual(firstThree(-5n), firstThree(2147483647n - 5n));
    assert.deepEqual(firstThree(0n), firstThree(89482311n));
    assert.notDeepEqual(firstThree(1n), firstThree(2n));
  });

  test("only int64 seeds", () => {
    assert.throws(() => new GoMathRand(1n << 63n), RangeError);
    assert.throws(() => new GoMathRand(-(1n << 63n) - 1n), RangeError);
  });
});

describe("binary.Varint", () => {
  test("zig-zag values", () => {
    assert.deepEqual(goVarint(Uint8Array.of(0x00)), { value: 0n, bytesRead: 1 });
    assert.deepEqual(goVarint(Uint8Array.of(0x01)), { value: -1n, bytesRead: 1 });
    assert.deepEqual(goVarint(Uint8Array.of(0x02)), { value: 1n, bytesRead: 1 });
    // 0xd3 0x1a = 83 + 26·128 = 3411 (odd) → −1706; the bytes after the first group are ignored.
    assert.deepEqual(goVarint(Uint8Array.of(0xd3, 0x1a, 0xff)), { value: -1706n, bytesRead: 2 });
  });

  test("truncation and overflow follow Go's conventions", () => {
    assert.deepEqual(goUvarint(Uint8Array.of(0x80, 0x80)), { value: 0n, bytesRead: 0 });
    assert.deepEqual(goUvarint(new Uint8Array(11).fill(0x80)), { value: 0n, bytesRead: -11 });
    assert.deepEqual(goUvarint(Uint8Array.of(...new Uint8Array(9).fill(0xff), 0x02)), { value: 0n, bytesRead: -10 });
    assert.deepEqual(goUvarint(Uint8Array.of(...new Uint8Array(9).fill(0xff), 0x01)), { value: (1n << 64n) - 1n, bytesRead: 10 });
  });
});
