// Transaction fees: the gas limit times the minimum gas price, rounded up, in upokt. Estimates, claim economics,
// reported fees and the embedded localnet's validator check all price gas here, so what PocketForge expects to
// pay is what the chain charges.
import type { Decimal } from "@cosmjs/math";
import { GasPrice } from "@cosmjs/stargate";
import { DEFAULT_DENOM } from "./networks.js";

/** Simulated gas × this is a transaction's gas limit: state can change between simulation and inclusion. */
export const DEFAULT_GAS_MULTIPLIER = 1.5;

/** The gas limit signAndBroadcast sets for a transaction whose simulation used `simulatedGas` (cosmjs rounds up). */
export function gasLimitFor(simulatedGas: number, multiplier = DEFAULT_GAS_MULTIPLIER): number {
  return Math.ceil(simulatedGas * multiplier);
}

/**
 * ceil(gasLimit × price per gas unit), exactly: cosmjs' calculateFee and the cosmos-sdk minimum-fee check both
 * round up, so a fee rounded down would be refused.
 */
export function feeForGas(gasLimit: bigint, pricePerGas: Decimal): bigint {
  if (gasLimit < 0n) throw new RangeError(`a gas limit cannot be negative (${gasLimit})`);
  const scale = 10n ** BigInt(pricePerGas.fractionalDigits);
  return (BigInt(pricePerGas.atomics) * gasLimit + scale - 1n) / scale;
}

/** The fee of `gasLimit` at `gasPrice` (e.g. "0.000001upokt"). Balances are read in upokt, so only upokt prices are. */
export function feeUpokt(gasLimit: number | bigint, gasPrice: GasPrice | string): bigint {
  const price = typeof gasPrice === "string" ? GasPrice.fromString(gasPrice) : gasPrice;
  if (price.denom !== DEFAULT_DENOM) {
    throw new RangeError(`fees are paid in ${DEFAULT_DENOM}; a gas price in ${price.denom} cannot be compared with balances`);
  }
  return feeForGas(BigInt(gasLimit), price.amount);
}
