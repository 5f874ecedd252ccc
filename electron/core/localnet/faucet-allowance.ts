// How much the localnet's faucet pays: its RPC listener has no authentication (any local program, and before the Host
// check any web page, could call it), so one request, one address and everyone together are each capped per window.
import { LRUCache } from "lru-cache";
import { formatUpokt } from "../../../shared/format.js";

const POKT = 1_000_000n;

export interface FaucetLimits {
  /** The most one request may ask for. */
  maxPerRequestUpokt: bigint;
  /** The most one address receives within `windowMs`. */
  maxPerAddressUpokt: bigint;
  /** The most the faucet pays out, to everyone together, within `windowMs`. */
  maxTotalUpokt: bigint;
  windowMs: number;
}

/**
 * Enough for everything the localnet is for (the dashboard asks 1,000 POKT at a time, the traffic generator stakes an
 * application with 10,000, tests fund up to 100,000), far from the faucet's billion.
 */
export const DEFAULT_FAUCET_LIMITS: FaucetLimits = {
  maxPerRequestUpokt: 100_000n * POKT,
  maxPerAddressUpokt: 1_000_000n * POKT,
  maxTotalUpokt: 10_000_000n * POKT,
  windowMs: 60 * 60 * 1000,
};

/** A faucet request over one of the limits; the message says which and when to try again. */
export class FaucetLimitError extends Error {
  override readonly name = "FaucetLimitError";
}

interface Spent {
  since: number;
  upokt: bigint;
}

/** Charges faucet payments against the limits; a payment that fails can be given back. */
export class FaucetAllowance {
  readonly limits: FaucetLimits;
  /** Bounded: an address forgotten early starts a fresh window, and the total cap still holds. */
  private readonly perAddress = new LRUCache<string, Spent>({ max: 10_000 });
  private total: Spent = { since: 0, upokt: 0n };

  constructor(
    limits: Partial<FaucetLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_FAUCET_LIMITS, ...limits };
  }

  /** @throws FaucetLimitError when `amount` is over a limit (nothing is charged then). */
  charge(address: string, amount: bigint): void {
    const { maxPerRequestUpokt, maxPerAddressUpokt, maxTotalUpokt, windowMs } = this.limits;
    if (amount > maxPerRequestUpokt) {
      throw new FaucetLimitError(`The faucet pays at most ${formatUpokt(maxPerRequestUpokt)} per request; ask for ${maxPerRequestUpokt} upokt or less.`);
    }
    const now = this.now();
    const address_ = this.current(this.perAddress.get(address), now);
    if (address_.upokt + amount > maxPerAddressUpokt) {
      throw new FaucetLimitError(
        `${address} received ${formatUpokt(address_.upokt)} from the faucet in the last ${minutes(windowMs)}; it pays at most ${formatUpokt(maxPerAddressUpokt)} per address in that time. Try again in ${minutes(address_.since + windowMs - now)}.`,
      );
    }
    const total = this.current(this.total, now);
    if (total.upokt + amount > maxTotalUpokt) {
      throw new FaucetLimitError(
        `The faucet paid out ${formatUpokt(total.upokt)} in the last ${minutes(windowMs)}, its limit for that time. Try again in ${minutes(total.since + windowMs - now)}.`,
      );
    }
    this.perAddress.set(address, { since: address_.since, upokt: address_.upokt + amount });
    this.total = { since: total.since, upokt: total.upokt + amount };
  }

  /** Gives back a charge whose payment did not happen. */
  refund(address: string, amount: bigint): void {
    const spent = this.perAddress.get(address);
    if (spent) this.perAddress.set(address, { since: spent.since, upokt: spent.upokt > amount ? spent.upokt - amount : 0n });
    this.total = { since: this.total.since, upokt: this.total.upokt > amount ? this.total.upokt - amount : 0n };
  }

  private current(spent: Spent | undefined, now: number): Spent {
    return spent === undefined || now - spent.since >= this.limits.windowMs ? { since: now, upokt: 0n } : spent;
  }
}

function minutes(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 60_000))} min`;
}
