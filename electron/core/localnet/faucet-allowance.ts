// How much the localnet's faucet pays: its RPC listener has no authentication (any local program, and before the Host
// check any web page, could call it), so one request, one address and everyone together are each capped per window.
// What was paid in the window is kept in the localnet's database, so restarting the app does not reset the caps.
import { LRUCache } from "lru-cache";
import { formatUpokt } from "../../../shared/format.js";
import type { SqliteDatabase, SqliteStatement } from "../runtime/sqlite.js";

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

export interface Spent {
  since: number;
  upokt: bigint;
}

/** Where the spending survives a restart: `TOTAL_KEY` for everyone together, an address for each one. */
export interface FaucetLedger {
  /** Every entry whose window had not ended at `since`. */
  load(since: number): Array<[string, Spent]>;
  save(key: string, spent: Spent): void;
}

export const TOTAL_KEY = "*";
/** Bounded: an address forgotten early starts a fresh window, and the total cap still holds. */
const MAX_ADDRESSES = 10_000;

/** A FaucetLedger in a SQLite table of the localnet's database (expired entries are deleted as it goes). */
export class SqliteFaucetLedger implements FaucetLedger {
  private readonly select: SqliteStatement;
  private readonly upsert: SqliteStatement;
  private readonly expire: SqliteStatement;

  constructor(
    db: SqliteDatabase,
    private readonly windowMs: number,
  ) {
    db.exec("CREATE TABLE IF NOT EXISTS faucet_spent (key TEXT PRIMARY KEY, since INTEGER NOT NULL, upokt TEXT NOT NULL) WITHOUT ROWID");
    this.select = db.prepare("SELECT key, since, upokt FROM faucet_spent WHERE since > ? ORDER BY since DESC LIMIT ?");
    this.upsert = db.prepare("INSERT INTO faucet_spent (key, since, upokt) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET since = excluded.since, upokt = excluded.upokt");
    this.expire = db.prepare("DELETE FROM faucet_spent WHERE since <= ?");
  }

  load(since: number): Array<[string, Spent]> {
    const rows = this.select.all(since - this.windowMs, MAX_ADDRESSES + 1) as Array<{ key: string; since: number; upokt: string }>;
    return rows.map((row) => [row.key, { since: Number(row.since), upokt: BigInt(row.upokt) }]);
  }

  save(key: string, spent: Spent): void {
    this.upsert.run(key, spent.since, spent.upokt.toString());
    this.expire.run(spent.since - this.windowMs);
  }
}

/** Charges faucet payments against the limits; a payment that fails can be given back. */
export class FaucetAllowance {
  readonly limits: FaucetLimits;
  private readonly perAddress = new LRUCache<string, Spent>({ max: MAX_ADDRESSES });
  private total: Spent = { since: 0, upokt: 0n };
  private ledger: FaucetLedger | null = null;

  constructor(
    limits: Partial<FaucetLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_FAUCET_LIMITS, ...limits };
  }

  /** Keeps the spending in `ledger` from now on, starting from what it holds (what this object knew is replaced). */
  useLedger(ledger: FaucetLedger | null): void {
    this.ledger = ledger;
    this.perAddress.clear();
    this.total = { since: 0, upokt: 0n };
    // Oldest first, so the most recent addresses are the ones the bounded cache keeps.
    for (const [key, spent] of (ledger?.load(this.now()) ?? []).reverse()) {
      if (key === TOTAL_KEY) this.total = spent;
      else this.perAddress.set(key, spent);
    }
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
    this.record(address, { since: address_.since, upokt: address_.upokt + amount }, { since: total.since, upokt: total.upokt + amount });
  }

  /** Gives back a charge whose payment did not happen. */
  refund(address: string, amount: bigint): void {
    const spent = this.perAddress.get(address) ?? { since: this.now(), upokt: 0n };
    this.record(address, { since: spent.since, upokt: spent.upokt > amount ? spent.upokt - amount : 0n }, { since: this.total.since, upokt: this.total.upokt > amount ? this.total.upokt - amount : 0n });
  }

  private record(address: string, spent: Spent, total: Spent): void {
    this.perAddress.set(address, spent);
    this.total = total;
    this.ledger?.save(address, spent);
    this.ledger?.save(TOTAL_KEY, total);
  }

  private current(spent: Spent | undefined, now: number): Spent {
    return spent === undefined || now - spent.since >= this.limits.windowMs ? { since: now, upokt: 0n } : spent;
  }
}

function minutes(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 60_000))} min`;
}
