// Gas as the cosmos-sdk charges it (default KVGasConfig and auth params), so simulated gas, fees at the
// minimum gas price and "out of gas" behave like a real chain's.
import { sdkErrors } from "../errors.js";

export const GAS = {
  readFlat: 1000n,
  readPerByte: 3n,
  writeFlat: 2000n,
  writePerByte: 30n,
  delete: 1000n,
  iterNextFlat: 30n,
  txSizePerByte: 10n,
  secp256k1Verify: 1000n,
} as const;

export class GasMeter {
  private consumed = 0n;
  /** `limit` undefined = infinite (simulation, block-level work). */
  constructor(readonly limit: bigint | undefined) {}

  get used(): bigint {
    return this.consumed;
  }

  consume(amount: bigint, descriptor: string): void {
    this.consumed += amount;
    if (this.limit !== undefined && this.consumed > this.limit) {
      throw sdkErrors.outOfGas(`out of gas in location: ${descriptor}; gasWanted: ${this.limit}, gasUsed: ${this.consumed}`);
    }
  }
}
