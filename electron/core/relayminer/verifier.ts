// Relay request verification (docs/protocol.md §4.4): stateless checks, the operator, session timing with the
// grace period, the session and its supplier list from the chain, and the ring signature with the subset
// rule. The cheap, cached checks run first (checkSession) so that a relay for a wrong session never costs a
// ring verification; the signature check (checkSignature) is separate so the caller can overlap it with the
// backend call.
import { isValidAccountAddress, relayRequestSignableHash, validateRelayRequest } from "../pokt/relay.js";
import type { RelayRequest } from "../pokt/proto/service.js";
import type { Session, SessionHeader } from "../pokt/proto/session.js";
import type { Params as SharedParams } from "../pokt/proto/shared.js";
import { sessionBounds, sessionWindows, type SessionBounds, type SessionWindows } from "../pokt/session.js";
import { MissingRingKeyError, type RelayChainCache } from "./chain-cache.js";
import { SessionNotFoundError } from "./chain.js";
import { SessionLookupLimited } from "./session-lookup-limiter.js";
import { RelayFailure } from "./errors.js";
import type { RingChecker } from "./ring-checker.js";

/** A request whose session, timing and supplier were checked against the chain. */
export interface VerifiedSession {
  header: SessionHeader;
  operatorAddress: string;
  /** One session tree per (session, operator, service). */
  treeKey: string;
  /** Shared params effective at the session end (they set its windows). */
  sharedParams: SharedParams;
  windows: SessionWindows;
  session: Session;
}

export interface RelayVerifierOptions {
  cache: RelayChainCache;
  ringChecker: RingChecker;
  /** Operators whose keys this miner signs with. */
  isOperator(address: string): boolean;
  /** Services with a configured backend. */
  isServiceConfigured(serviceId: string): boolean;
  /** bech32 prefix of account addresses (upstream fixtures use `cosmos`). */
  addressPrefix?: string;
}

/** Sessions further back than this many session lengths (plus grace) are refused without asking the chain. */
const LOOKBACK_SESSIONS = 4n;

export function sessionTreeKey(sessionId: string, operatorAddress: string, serviceId: string): string {
  return `${sessionId}/${operatorAddress}/${serviceId}`;
}

export class RelayVerifier {
  constructor(private readonly options: RelayVerifierOptions) {}

  /**
   * Steps 1–3, 5 and 6 of docs/protocol.md §4.4; `client` (the sender's address) pays for session lookups the cache
   * cannot answer. @throws RelayFailure
   */
  async checkSession(request: RelayRequest, currentHeight: bigint, client?: string): Promise<VerifiedSession> {
    const problem = validateRelayRequest(request, this.options.addressPrefix);
    if (problem !== undefined) throw new RelayFailure("authInvalidRequest", problem);
    const header = request.meta.sessionHeader!;
    const operatorAddress = request.meta.supplierOperatorAddress;
    // Malformed is not "another supplier's": the gateway built a bad request and should hear so (error 4, not 9).
    if (!isValidAccountAddress(operatorAddress, this.options.addressPrefix)) {
      throw new RelayFailure("authInvalidRequest", `invalid relay request: malformed supplier operator address ${JSON.stringify(operatorAddress.slice(0, 100))}`);
    }
    if (!this.options.isOperator(operatorAddress)) {
      throw new RelayFailure("supplierNotReachable", `supplier operator ${operatorAddress} is not served by this relay miner`);
    }
    if (!this.options.isServiceConfigured(header.serviceId)) {
      throw new RelayFailure("serviceNotHandled", `service ${JSON.stringify(header.serviceId)} not configured`);
    }

    const { sharedParams, queryHeight, bounds } = await this.timing(header, currentHeight);
    if (bounds.startHeight !== header.sessionStartBlockHeight || bounds.endHeight !== header.sessionEndBlockHeight) {
      throw new RelayFailure(
        "authInvalidSession",
        `session [${header.sessionStartBlockHeight}, ${header.sessionEndBlockHeight}] is not a session of the chain's grid ([${bounds.startHeight}, ${bounds.endHeight}])`,
      );
    }

    let session: Session;
    try {
      session = await this.options.cache.session(header.applicationAddress, header.serviceId, bounds.startHeight, queryHeight, currentHeight, client);
    } catch (error) {
      if (error instanceof SessionNotFoundError) throw new RelayFailure("authInvalidSession", error.message);
      if (error instanceof SessionLookupLimited) throw new RelayFailure("rateLimited", error.message);
      throw new RelayFailure("internal", `cannot query the session: ${error instanceof Error ? error.message : String(error)}`);
    }
    const onChain = session.header;
    if (
      onChain === undefined ||
      session.sessionId !== header.sessionId ||
      onChain.sessionId !== header.sessionId ||
      onChain.applicationAddress !== header.applicationAddress ||
      onChain.serviceId !== header.serviceId ||
      onChain.sessionStartBlockHeight !== header.sessionStartBlockHeight ||
      onChain.sessionEndBlockHeight !== header.sessionEndBlockHeight
    ) {
      throw new RelayFailure("authInvalidSession", `session ID mismatch, expecting: ${session.sessionId}, got: ${header.sessionId}`);
    }
    if (!session.suppliers.some((supplier) => supplier.operatorAddress === operatorAddress)) {
      throw new RelayFailure("authSupplierNotInSession", `supplier ${operatorAddress} is not in session ${header.sessionId}`);
    }
    return {
      header,
      operatorAddress,
      treeKey: sessionTreeKey(header.sessionId, operatorAddress, header.serviceId),
      sharedParams,
      windows: sessionWindows(sharedParams, header.sessionEndBlockHeight),
      session,
    };
  }

  /** Step 4 of docs/protocol.md §4.4: the ring signature over the signable bytes, its ring a subset of the app's. @throws RelayFailure */
  async checkSignature(request: RelayRequest, session: VerifiedSession, currentHeight: bigint): Promise<void> {
    const { applicationAddress, sessionEndBlockHeight } = session.header;
    const message = relayRequestSignableHash(request);
    const signature = request.meta.signature;
    let ring = await this.ringKeys(applicationAddress, sessionEndBlockHeight, currentHeight);
    let check = await this.options.ringChecker.check(signature, message, ring);
    if (!check.valid && check.reason === "unexpected_ring_member") {
      const refreshed = await this.refreshedRingKeys(applicationAddress, sessionEndBlockHeight, currentHeight);
      if (refreshed !== undefined) check = await this.options.ringChecker.check(signature, message, (ring = refreshed));
    }
    if (!check.valid) throw new RelayFailure("ringInvalidSignature", check.detail);
  }

  /**
   * Which height the session is checked at and which grid session that height belongs to, or why the relay
   * is too late (docs/protocol.md §4.4 step 3).
   */
  private async timing(
    header: SessionHeader,
    currentHeight: bigint,
  ): Promise<{ sharedParams: SharedParams; queryHeight: bigint; bounds: SessionBounds }> {
    const end = header.sessionEndBlockHeight;
    const latest = await this.params(currentHeight);
    if (end >= currentHeight) {
      // Not ended: it must be the session holding the current height (a future one is refused the same way).
      return { sharedParams: latest, queryHeight: currentHeight, bounds: sessionBounds(latest, currentHeight) };
    }
    const lookback = LOOKBACK_SESSIONS * (latest.numBlocksPerSession + latest.gracePeriodEndOffsetBlocks);
    if (end + lookback < currentHeight) {
      throw new RelayFailure("authInvalidSession", `session expired, expecting: ${end}, got: ${currentHeight}`);
    }
    const sharedParams = await this.params(end);
    if (currentHeight > end + sharedParams.gracePeriodEndOffsetBlocks) {
      throw new RelayFailure("authInvalidSession", `session expired, expecting: ${end}, got: ${currentHeight}`);
    }
    return { sharedParams, queryHeight: end, bounds: sessionBounds(sharedParams, end) };
  }

  private async params(height: bigint): Promise<SharedParams> {
    try {
      return await this.options.cache.sharedParamsAt(height);
    } catch (error) {
      throw new RelayFailure("internal", `cannot query shared params: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async ringKeys(app: string, sessionEnd: bigint, currentHeight: bigint): Promise<Uint8Array[]> {
    try {
      return (await this.options.cache.ringKeys(app, sessionEnd, currentHeight)).keys;
    } catch (error) {
      throw ringLookupFailure(app, error);
    }
  }

  private async refreshedRingKeys(app: string, sessionEnd: bigint, currentHeight: bigint): Promise<Uint8Array[] | undefined> {
    try {
      return (await this.options.cache.refreshRingKeys(app, sessionEnd, currentHeight))?.keys;
    } catch (error) {
      throw ringLookupFailure(app, error);
    }
  }
}

function ringLookupFailure(app: string, error: unknown): RelayFailure {
  if (error instanceof MissingRingKeyError) {
    return new RelayFailure("ringInvalidRequest", `error getting ring for application address ${app}: ${error.message}`);
  }
  return new RelayFailure("internal", `cannot query the ring of ${app}: ${error instanceof Error ? error.message : String(error)}`);
}
