// The relay path's view of the chain: every query it makes, cached so that a session costs a handful of
// chain round trips however many relays it carries. Keys are chosen so that a forged or fuzzed request cannot
// make the miner query without bound (sessions by their grid position, keys by address, prices by session start).
import type { Application } from "../pokt/proto/application.js";
import type { Session } from "../pokt/proto/session.js";
import type { Params as SharedParams } from "../pokt/proto/shared.js";
import { ringAddressesForApplication, ringPublicKeysForAddresses } from "../pokt/ring/membership.js";
import { PLACEHOLDER_RING_ADDRESS } from "../pokt/keys.js";
import { LRUCache } from "lru-cache";
import { AsyncCache } from "./async-cache.js";
import { SessionNotFoundError, type RelayChain } from "./chain.js";
import { SessionLookupLimiter, type SessionLookupLimits } from "./session-lookup-limiter.js";

export interface RingKeys {
  keys: Uint8Array[];
  /** Height at which the application was read; a stale set is refreshed once per block at most. */
  readAtHeight: bigint;
}

export class MissingRingKeyError extends Error {
  override readonly name = "MissingRingKeyError";
}

export interface RelayChainCacheOptions {
  /** Per-client bounds on session lookups the cache cannot answer (DEFAULT_SESSION_LOOKUP_LIMITS). */
  sessionLookups?: Partial<SessionLookupLimits>;
  /** Monotonic milliseconds for the lookup budgets (tests). */
  now?: () => number;
}

/** Sessions the chain said it does not have, remembered apart so that junk cannot evict the real ones. */
const MISSING_SESSIONS_CAPACITY = 16_384;

export class RelayChainCache {
  private readonly sharedParams = new AsyncCache<bigint, SharedParams>(1024);
  private readonly sessions = new AsyncCache<string, Session>(4096);
  /** Negative cache: session key → the height at which the chain had no such session. */
  private readonly missingSessions = new LRUCache<string, bigint>({ max: MISSING_SESSIONS_CAPACITY });
  private readonly lookups: SessionLookupLimiter;
  private readonly applications = new AsyncCache<string, Application | undefined>(4096);
  private readonly publicKeys = new AsyncCache<string, Uint8Array | undefined>(8192);
  private readonly ringKeySets = new AsyncCache<string, RingKeys>(4096);
  private readonly targets = new AsyncCache<string, Uint8Array>(1024);
  private readonly computeUnits = new AsyncCache<string, bigint>(1024);
  private readonly suppliersPerSession = new AsyncCache<bigint, bigint>(64);

  constructor(
    readonly chain: RelayChain,
    options: RelayChainCacheOptions = {},
  ) {
    this.lookups = new SessionLookupLimiter(options.sessionLookups, options.now);
  }

  sharedParamsAt(height: bigint): Promise<SharedParams> {
    return this.sharedParams.get(height, () => this.chain.sharedParamsAtHeight(height));
  }

  /**
   * The chain's session for (app, service) whose grid bounds are [start, end], queried at `queryHeight`
   * (inside the session, or its end during the grace period). Sessions the chain refuses are remembered until
   * the next block, apart from the real ones (a flood of junk cannot evict those). A lookup the cache cannot answer
   * is `client`'s to pay for: a few at a time, and a small, slowly refilled budget of lookups that find nothing, so
   * relays naming random applications cannot make the miner query the chain once each.
   * @throws SessionNotFoundError, SessionLookupLimited
   */
  async session(app: string, serviceId: string, start: bigint, queryHeight: bigint, currentHeight: bigint, client = "local"): Promise<Session> {
    const key = `${app}/${serviceId}/${start}`;
    const answered = this.cachedSession(key, currentHeight);
    if (answered !== undefined) return answered;
    const slot = await this.lookups.acquire(client);
    let queried = false;
    try {
      // Another relay may have looked it up while this one waited for its place.
      return await (this.cachedSession(key, currentHeight) ??
        this.sessions.get(key, async () => {
          queried = true;
          const session = await this.chain.session(app, serviceId, queryHeight);
          // Never file a session under another grid position (params changed under us): refuse until the next block.
          const actualStart = session.header?.sessionStartBlockHeight;
          if (actualStart !== start) {
            throw new SessionNotFoundError(`the chain's session at height ${queryHeight} starts at ${actualStart}, not ${start}`);
          }
          return session;
        }));
    } catch (error) {
      if (error instanceof SessionNotFoundError) {
        this.missingSessions.set(key, currentHeight);
        if (queried) slot.missed();
      }
      throw error;
    } finally {
      slot.release();
    }
  }

  /** The session from the cache (loaded, being loaded, or known missing at this height); undefined when the chain must be asked. */
  private cachedSession(key: string, currentHeight: bigint): Promise<Session> | undefined {
    const missingAt = this.missingSessions.get(key);
    if (missingAt !== undefined && missingAt >= currentHeight) {
      return Promise.reject(new SessionNotFoundError(`the chain had no session ${key} at height ${missingAt}`));
    }
    return this.sessions.cached(key);
  }

  /** The application as of the first relay of a session (its stake prices the over-servicing budget). */
  applicationForSession(app: string, sessionEnd: bigint): Promise<Application | undefined> {
    return this.applications.get(`${app}/${sessionEnd}`, () => this.chain.application(app));
  }

  /**
   * Public keys that may sign for `app` in the session ending at `sessionEnd` (docs/protocol.md §4.2).
   * @throws MissingRingKeyError when the application or a ring member has no on-chain key.
   */
  ringKeys(app: string, sessionEnd: bigint, currentHeight: bigint): Promise<RingKeys> {
    return this.ringKeySets.get(`${app}/${sessionEnd}`, () => this.loadRingKeys(app, sessionEnd, currentHeight));
  }

  /**
   * Re-reads the ring after a signature named a key outside the cached one: delegations take effect at once,
   * so a gateway may join mid-session. At most once per block per ring.
   */
  async refreshRingKeys(app: string, sessionEnd: bigint, currentHeight: bigint): Promise<RingKeys | undefined> {
    const key = `${app}/${sessionEnd}`;
    const cached = this.ringKeySets.peek(key);
    if (cached !== undefined && cached.readAtHeight >= currentHeight) return undefined;
    this.ringKeySets.invalidate(key);
    return this.ringKeys(app, sessionEnd, currentHeight);
  }

  relayDifficultyTarget(serviceId: string, sessionStart: bigint): Promise<Uint8Array> {
    return this.targets.get(`${serviceId}/${sessionStart}`, () => this.chain.relayDifficultyTargetAtHeight(serviceId, sessionStart));
  }

  computeUnitsPerRelay(serviceId: string, sessionStart: bigint): Promise<bigint> {
    return this.computeUnits.get(`${serviceId}/${sessionStart}`, () => this.chain.computeUnitsPerRelayAtHeight(serviceId, sessionStart));
  }

  numSuppliersPerSession(sessionStart: bigint): Promise<bigint> {
    return this.suppliersPerSession.get(sessionStart, () => this.chain.numSuppliersPerSession());
  }

  private async loadRingKeys(app: string, sessionEnd: bigint, currentHeight: bigint): Promise<RingKeys> {
    const application = await this.chain.application(app);
    if (application === undefined) throw new MissingRingKeyError(`application ${app} is not staked`);
    const addresses = ringAddressesForApplication(
      {
        address: application.address,
        delegateeGatewayAddresses: application.delegateeGatewayAddresses,
        pendingUndelegations: [...application.pendingUndelegations].map(([height, list]) => ({
          height,
          gatewayAddresses: list.gatewayAddresses,
        })),
      },
      sessionEnd,
    );
    const known = new Map<string, Uint8Array>();
    await Promise.all(
      addresses
        .filter((address) => address !== PLACEHOLDER_RING_ADDRESS)
        .map(async (address) => {
          const key = await this.publicKeys.get(address, () => this.chain.publicKey(address));
          if (key === undefined) {
            // Not cached: the account may sign its first transaction any moment.
            this.publicKeys.invalidate(address);
            throw new MissingRingKeyError(`ring member ${address} has no public key on chain yet`);
          }
          known.set(address, key);
        }),
    );
    return { keys: ringPublicKeysForAddresses(addresses, known), readAtHeight: currentHeight };
  }
}
