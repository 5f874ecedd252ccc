// Who may make the relay miner ask the chain for a session it has not cached. A relay names its application, so a
// forged one with a fresh random address is a cache miss every time: without a bound, each would cost a GetSession
// query. The negative cache (chain-cache.ts) answers repeats; this limiter bounds the rest per client: a few lookups
// at a time, and a budget of lookups that found nothing, refilled slowly. Lookups that find a session cost nothing,
// so a gateway opening many real sessions at once only waits its turn.
import { isIPv6 } from "node:net";
import { LRUCache } from "lru-cache";

export interface SessionLookupLimits {
  /** Lookups that found no session one client may cause in a burst. */
  missBurst: number;
  /** How fast that budget refills, in lookups per minute. */
  missesPerMinute: number;
  /** Uncached lookups one client may have at the chain at once; more wait for a place. */
  concurrentPerClient: number;
}

export const DEFAULT_SESSION_LOOKUP_LIMITS: SessionLookupLimits = {
  missBurst: 8,
  missesPerMinute: 30,
  concurrentPerClient: 4,
};

/** The client spent its budget of lookups that found nothing; the relay is refused without asking the chain. */
export class SessionLookupLimited extends Error {
  override readonly name = "SessionLookupLimited";
}

interface ClientState {
  /** Budget left (may go below zero: lookups already under way when it ran out are charged too). */
  tokens: number;
  refilledAt: number;
  active: number;
  waiting: Array<() => void>;
}

/** One admitted lookup: say whether it missed, then release it. */
export interface LookupSlot {
  missed(): void;
  release(): void;
}

export class SessionLookupLimiter {
  readonly limits: SessionLookupLimits;
  /** Bounded: a client forgotten early starts with a full budget again, which is still a bounded cost. */
  private readonly clients = new LRUCache<string, ClientState>({ max: 10_000 });

  constructor(
    limits: Partial<SessionLookupLimits> = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limits = { ...DEFAULT_SESSION_LOOKUP_LIMITS, ...limits };
  }

  /**
   * Waits for one of the client's places and checks its budget.
   * @throws SessionLookupLimited when the client's budget of lookups that found nothing is spent
   */
  async acquire(client: string): Promise<LookupSlot> {
    const state = this.state(client);
    this.refuseWhenSpent(client, state);
    while (state.active >= this.limits.concurrentPerClient) {
      await new Promise<void>((resolve) => state.waiting.push(resolve));
      // Lookups that ran meanwhile may have spent the budget.
      this.refuseWhenSpent(client, state);
    }
    state.active++;
    let released = false;
    return {
      missed: () => {
        state.tokens -= 1;
      },
      release: () => {
        if (released) return;
        released = true;
        state.active--;
        state.waiting.shift()?.();
      },
    };
  }

  private refuseWhenSpent(client: string, state: ClientState): void {
    const now = this.now();
    const perMs = this.limits.missesPerMinute / 60_000;
    state.tokens = Math.min(this.limits.missBurst, state.tokens + (now - state.refilledAt) * perMs);
    state.refilledAt = now;
    if (state.tokens < 1) {
      // Wake the next waiter so that it is refused too rather than left waiting for a lookup that will not come.
      state.waiting.shift()?.();
      const seconds = Math.ceil((1 - state.tokens) / perMs / 1000);
      throw new SessionLookupLimited(`too many relays for sessions the chain does not have from ${client}: try again in ${seconds} s`);
    }
  }

  private state(client: string): ClientState {
    let state = this.clients.get(client);
    if (state === undefined) {
      state = { tokens: this.limits.missBurst, refilledAt: this.now(), active: 0, waiting: [] };
      this.clients.set(client, state);
    }
    return state;
  }
}

/**
 * The key a client is limited under: its IPv4 address, or the /64 network of an IPv6 one (a single host usually
 * holds a whole /64 and could otherwise take a fresh address for every request).
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined || address === "") return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = "", tail = ""] = address.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = address.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
