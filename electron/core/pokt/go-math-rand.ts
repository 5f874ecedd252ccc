// Go's math/rand as `rand.New(rand.NewSource(seed))` behaves (the Go 1 generator that poktroll's
// SeededFloat64 relies on): an additive lagged Fibonacci generator over 607 64-bit words, seeded through
// the Park–Miller LCG and the fixed rngCooked table.
import { RNG_COOKED } from "./go-math-rand-cooked.js";

const RNG_LEN = 607;
const RNG_TAP = 273;
const INT32_MAX = 2147483647;
const MASK_63 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;
/** 2^63, the divisor that maps Int63 onto [0, 1). */
const TWO_POW_63 = 2 ** 63;

/** One step of Go's seedrand: x·48271 mod (2^31 − 1) by Schrage's method (no overflow in int32). */
function seedrand(x: number): number {
  const hi = Math.trunc(x / 44488);
  const lo = x % 44488;
  const next = 48271 * lo - 3399 * hi;
  return next < 0 ? next + INT32_MAX : next;
}

export class GoMathRand {
  private readonly vec = new BigUint64Array(RNG_LEN);
  private tap = 0;
  private feed = RNG_LEN - RNG_TAP;

  /** `seed` is a Go int64. */
  constructor(seed: bigint) {
    if (seed < MIN_INT64 || seed > MAX_INT64) throw new RangeError(`seed ${seed} is not an int64`);
    // BigInt % truncates toward zero exactly like Go's %.
    let reduced = seed % BigInt(INT32_MAX);
    if (reduced < 0n) reduced += BigInt(INT32_MAX);
    if (reduced === 0n) reduced = 89482311n;
    let x = Number(reduced);
    for (let i = -20; i < RNG_LEN; i++) {
      x = seedrand(x);
      if (i >= 0) {
        let u = BigInt(x) << 40n;
        x = seedrand(x);
        u ^= BigInt(x) << 20n;
        x = seedrand(x);
        u ^= BigInt(x);
        this.vec[i] = u ^ RNG_COOKED[i]; // the typed array keeps the low 64 bits, as Go's int64 does
      }
    }
  }

  /** Source.Uint64. */
  uint64(): bigint {
    if (--this.tap < 0) this.tap += RNG_LEN;
    if (--this.feed < 0) this.feed += RNG_LEN;
    this.vec[this.feed] = this.vec[this.feed] + this.vec[this.tap];
    return this.vec[this.feed];
  }

  /** Rand.Int63: a non-negative int64. */
  int63(): bigint {
    return this.uint64() & MASK_63;
  }

  /** Rand.Float64 in [0, 1): Int63 / 2^63, redrawn in the (rare) case it rounds to 1. */
  float64(): number {
    for (;;) {
      // Number(bigint) rounds to nearest-even, like Go's float64(int64) conversion.
      const f = Number(this.int63()) / TWO_POW_63;
      if (f < 1) return f;
    }
  }
}
