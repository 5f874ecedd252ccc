// Sessions (docs/protocol.md §5): the session grid, the claim/proof windows, session ids and the supplier
// selection, all computed from params passed in (callers fetch the params effective at the right height).
// Heights are int64 on chain, so they are bigint here.
import { sha3_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, concatBytes } from "@noble/hashes/utils.js";
import type { Application } from "./proto/application.js";
import { compareBytes, utf8Encode } from "./proto/bytes.js";
import type { Session, SessionHeader } from "./proto/session.js";
import type { Params as SharedParams, ServiceConfigUpdate, Supplier } from "./proto/shared.js";

export type SessionGridParams = Pick<
  SharedParams,
  "numBlocksPerSession" | "sessionGridAnchorHeight" | "sessionNumberAtAnchor"
>;

export type SessionWindowParams = SessionGridParams &
  Pick<
    SharedParams,
    | "gracePeriodEndOffsetBlocks"
    | "claimWindowOpenOffsetBlocks"
    | "claimWindowCloseOffsetBlocks"
    | "proofWindowOpenOffsetBlocks"
    | "proofWindowCloseOffsetBlocks"
  >;

export interface SessionBounds {
  startHeight: bigint;
  /** Last block of the session. */
  endHeight: bigint;
  sessionNumber: bigint;
}

function blocksPerSession(params: Pick<SharedParams, "numBlocksPerSession">): bigint {
  if (params.numBlocksPerSession <= 0n) throw new RangeError("num_blocks_per_session must be positive");
  return params.numBlocksPerSession;
}

/**
 * The grid's anchor for `height`. The chain falls back to the genesis grid (anchor 1, session 1) when the
 * anchor is unset or lies after `height` (params describing a later epoch).
 */
function gridAnchor(params: SessionGridParams, height: bigint): { anchor: bigint; numberAtAnchor: bigint } {
  const anchor = params.sessionGridAnchorHeight;
  if (anchor <= 0n || anchor > height) return { anchor: 1n, numberAtAnchor: 1n };
  const numberAtAnchor = params.sessionNumberAtAnchor > 0n ? params.sessionNumberAtAnchor : 1n;
  return { anchor, numberAtAnchor };
}

/** The session containing `height`; all zero for heights ≤ 0 (not consensus-produced blocks). */
export function sessionBounds(params: SessionGridParams, height: bigint): SessionBounds {
  const n = blocksPerSession(params);
  if (height <= 0n) return { startHeight: 0n, endHeight: 0n, sessionNumber: 0n };
  const { anchor, numberAtAnchor } = gridAnchor(params, height);
  const sessionsSinceAnchor = (height - anchor) / n; // anchor ≤ height, so this floors
  const startHeight = anchor + sessionsSinceAnchor * n;
  return { startHeight, endHeight: startHeight + n - 1n, sessionNumber: numberAtAnchor + sessionsSinceAnchor };
}

export function sessionStartHeight(params: SessionGridParams, height: bigint): bigint {
  return sessionBounds(params, height).startHeight;
}

export function sessionEndHeight(params: SessionGridParams, height: bigint): bigint {
  return sessionBounds(params, height).endHeight;
}

export function sessionNumber(params: SessionGridParams, height: bigint): bigint {
  return sessionBounds(params, height).sessionNumber;
}

export interface SessionWindows {
  sessionEndHeight: bigint;
  /** Relays for the session are still served (and mined) up to and including this height. */
  gracePeriodEndHeight: bigint;
  /** Also the earliest claim commit height; relays are reward-eligible only strictly before it. */
  claimWindowOpenHeight: bigint;
  claimWindowCloseHeight: bigint;
  /** Also the earliest proof commit height. */
  proofWindowOpenHeight: bigint;
  proofWindowCloseHeight: bigint;
  /** proof_open − 1: its block hash seeds the proof path and the proof-requirement draw. */
  proofSeedBlockHeight: bigint;
  /** The claim settles in the EndBlock of this height (= proof window close). */
  settlementHeight: bigint;
}

/** The windows of the session containing `height`; pass the shared params effective at its end height. */
export function sessionWindows(params: SessionWindowParams, height: bigint): SessionWindows {
  const end = sessionEndHeight(params, height);
  // The extra block lets relays served in the session's last block reach the tree before it is closed.
  const claimWindowOpenHeight = end + params.claimWindowOpenOffsetBlocks + 1n;
  const claimWindowCloseHeight = claimWindowOpenHeight + params.claimWindowCloseOffsetBlocks;
  const proofWindowOpenHeight = claimWindowCloseHeight + params.proofWindowOpenOffsetBlocks;
  const proofWindowCloseHeight = proofWindowOpenHeight + params.proofWindowCloseOffsetBlocks;
  return {
    sessionEndHeight: end,
    gracePeriodEndHeight: end + params.gracePeriodEndOffsetBlocks,
    claimWindowOpenHeight,
    claimWindowCloseHeight,
    proofWindowOpenHeight,
    proofWindowCloseHeight,
    proofSeedBlockHeight: proofSeedBlockHeightOf({ proofWindowOpenHeight }),
    settlementHeight: end + sessionEndToProofWindowCloseBlocks(params) + 1n,
  };
}

type WindowOffsets = Pick<
  SharedParams,
  | "claimWindowOpenOffsetBlocks"
  | "claimWindowCloseOffsetBlocks"
  | "proofWindowOpenOffsetBlocks"
  | "proofWindowCloseOffsetBlocks"
>;

/** Blocks from a session's end until its proof window closes (the +1 of the claim window not included). */
export function sessionEndToProofWindowCloseBlocks(params: WindowOffsets): bigint {
  return (
    params.claimWindowOpenOffsetBlocks +
    params.claimWindowCloseOffsetBlocks +
    params.proofWindowOpenOffsetBlocks +
    params.proofWindowCloseOffsetBlocks
  );
}

/** Sessions that have ended but are not settled yet: ceil(end→proof-close blocks / session length). */
export function numPendingSessions(params: WindowOffsets & Pick<SharedParams, "numBlocksPerSession">): bigint {
  const n = blocksPerSession(params);
  return (sessionEndToProofWindowCloseBlocks(params) + n - 1n) / n;
}

// The predicates take either a session's window heights (a miner's session tree holds them, also when rebuilt
// from its ledger without the params they came from) or the params and the session's end height.
type WindowArgs<K extends keyof SessionWindows> =
  | [windows: Pick<SessionWindows, K>, height: bigint]
  | [params: SessionWindowParams, sessionEnd: bigint, height: bigint];

function windowsAndHeight<K extends keyof SessionWindows>(args: WindowArgs<K>): [Pick<SessionWindows, K>, bigint] {
  return args.length === 3 ? [sessionWindows(args[0], args[1]), args[2]] : args;
}

/** Whether a relay for the session ending at `sessionEnd` may still be served at `currentHeight`. */
export function isWithinGracePeriod(windows: Pick<SessionWindows, "gracePeriodEndHeight">, currentHeight: bigint): boolean;
export function isWithinGracePeriod(params: SessionWindowParams, sessionEnd: bigint, currentHeight: bigint): boolean;
export function isWithinGracePeriod(...args: WindowArgs<"gracePeriodEndHeight">): boolean {
  const [windows, height] = windowsAndHeight(args);
  return height <= windows.gracePeriodEndHeight;
}

/** Whether a relay served at `currentHeight` still counts toward the session's claim. */
export function isRelayRewardEligible(windows: Pick<SessionWindows, "claimWindowOpenHeight">, currentHeight: bigint): boolean;
export function isRelayRewardEligible(params: SessionWindowParams, sessionEnd: bigint, currentHeight: bigint): boolean;
export function isRelayRewardEligible(...args: WindowArgs<"claimWindowOpenHeight">): boolean {
  const [windows, height] = windowsAndHeight(args);
  return height < windows.claimWindowOpenHeight;
}

/** Whether the chain accepts a MsgCreateClaim for the session in the block at `height`. */
export function isWithinClaimWindow(
  windows: Pick<SessionWindows, "claimWindowOpenHeight" | "claimWindowCloseHeight">,
  height: bigint,
): boolean;
export function isWithinClaimWindow(params: SessionWindowParams, sessionEnd: bigint, height: bigint): boolean;
export function isWithinClaimWindow(...args: WindowArgs<"claimWindowOpenHeight" | "claimWindowCloseHeight">): boolean {
  const [windows, height] = windowsAndHeight(args);
  return windows.claimWindowOpenHeight <= height && height <= windows.claimWindowCloseHeight;
}

/** Whether the chain accepts a MsgSubmitProof for the session in the block at `height`. */
export function isWithinProofWindow(
  windows: Pick<SessionWindows, "proofWindowOpenHeight" | "proofWindowCloseHeight">,
  height: bigint,
): boolean;
export function isWithinProofWindow(params: SessionWindowParams, sessionEnd: bigint, height: bigint): boolean;
export function isWithinProofWindow(...args: WindowArgs<"proofWindowOpenHeight" | "proofWindowCloseHeight">): boolean {
  const [windows, height] = windowsAndHeight(args);
  return windows.proofWindowOpenHeight <= height && height <= windows.proofWindowCloseHeight;
}

/** Whether a claim landing at `height` comes too late (the window is over, not yet to open). */
export function hasClaimWindowClosed(windows: Pick<SessionWindows, "claimWindowCloseHeight">, height: bigint): boolean {
  return height > windows.claimWindowCloseHeight;
}

/** Whether a proof landing at `height` comes too late; the claim then settles without it. */
export function hasProofWindowClosed(windows: Pick<SessionWindows, "proofWindowCloseHeight">, height: bigint): boolean {
  return height > windows.proofWindowCloseHeight;
}

/** proof_open − 1: the block whose hash seeds the proof path and the proof-requirement draw. */
export function proofSeedBlockHeightOf(windows: Pick<SessionWindows, "proofWindowOpenHeight">): bigint {
  return windows.proofWindowOpenHeight - 1n;
}

/** The block whose EndBlock settles the session's claims: the proof window's last one. */
export function settlementHeightOf(windows: Pick<SessionWindows, "proofWindowCloseHeight">): bigint {
  return windows.proofWindowCloseHeight;
}

/** Whether the session's claims are settled once the block at `height` is committed. */
export function isSettledAt(windows: Pick<SessionWindows, "proofWindowCloseHeight">, height: bigint): boolean {
  return height >= settlementHeightOf(windows);
}

// ---------------------------------------------------------------------------------------------------
// Session id (docs/protocol.md §5.3)

export interface SessionIdInput {
  /** CometBFT header hash of the block at the session start height. */
  blockHash: Uint8Array;
  serviceId: string;
  applicationAddress: string;
  sessionStartHeight: bigint;
}

const DELIMITER = utf8Encode(".");

function uint64LittleEndian(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
  return out;
}

/** `block_hash ‖ "." ‖ service_id ‖ "." ‖ app_address ‖ "." ‖ uint64_le(start)`; also seeds supplier selection. */
export function sessionIdPreimage(input: SessionIdInput): Uint8Array {
  return concatBytes(
    input.blockHash,
    DELIMITER,
    utf8Encode(input.serviceId),
    DELIMITER,
    utf8Encode(input.applicationAddress),
    DELIMITER,
    uint64LittleEndian(input.sessionStartHeight),
  );
}

/** Lowercase hex SHA3-256 of the preimage. */
export function sessionId(input: SessionIdInput): string {
  return bytesToHex(sha3_256(sessionIdPreimage(input)));
}

// ---------------------------------------------------------------------------------------------------
// Supplier selection (docs/protocol.md §5.4)

type ActivationWindow = Pick<ServiceConfigUpdate, "activationHeight" | "deactivationHeight">;

/** Active from its activation height (inclusive) until its deactivation height (exclusive; 0 = never). */
export function isServiceConfigActive(update: ActivationWindow, height: bigint): boolean {
  if (update.activationHeight > height) return false;
  return update.deactivationHeight === 0n || height < update.deactivationHeight;
}

/** int64 of the first 8 bytes (big-endian) of SHA3-256(preimage ‖ "." ‖ operator address). */
export function supplierSelectionWeight(sessionIdPreimageBytes: Uint8Array, operatorAddress: string): bigint {
  const digest = sha3_256(concatBytes(sessionIdPreimageBytes, DELIMITER, utf8Encode(operatorAddress)));
  return new DataView(digest.buffer, digest.byteOffset, 8).getBigInt64(0, false);
}

/** The chain's store order of service-config updates: activation height (as uint64), then operator. */
function compareStoreOrder(a: ServiceConfigUpdate, b: ServiceConfigUpdate): number {
  const heightA = BigInt.asUintN(64, a.activationHeight);
  const heightB = BigInt.asUintN(64, b.activationHeight);
  if (heightA !== heightB) return heightA < heightB ? -1 : 1;
  return compareBytes(utf8Encode(`${a.operatorAddress}/`), utf8Encode(`${b.operatorAddress}/`));
}

/** Configs for the service active at `height`, in the chain's store order. */
export function sessionSupplierCandidates(
  updates: readonly ServiceConfigUpdate[],
  serviceId: string,
  height: bigint,
): ServiceConfigUpdate[] {
  return updates
    .filter((update) => update.service?.serviceId === serviceId && isServiceConfigActive(update, height))
    .sort(compareStoreOrder);
}

export interface SupplierSelectionInput {
  /** Service-config updates of every supplier (the ones for other services are ignored). */
  serviceConfigUpdates: readonly ServiceConfigUpdate[];
  serviceId: string;
  /** Height the session is queried at; configs must be active at it. */
  queryHeight: bigint;
  numSuppliersPerSession: bigint;
  sessionIdPreimage: Uint8Array;
}

/**
 * The service configs whose suppliers serve the session. With fewer active candidates than
 * `numSuppliersPerSession` all are taken, in the chain's store order; otherwise candidates are ranked by
 * ascending selection weight (ties by operator address bytes) and the first `numSuppliersPerSession` kept.
 */
export function selectSessionSuppliers(input: SupplierSelectionInput): ServiceConfigUpdate[] {
  const candidates = sessionSupplierCandidates(input.serviceConfigUpdates, input.serviceId, input.queryHeight);
  if (BigInt(candidates.length) < input.numSuppliersPerSession) return candidates;

  const weights = new Map<string, bigint>();
  for (const { operatorAddress } of candidates) {
    if (!weights.has(operatorAddress)) {
      weights.set(operatorAddress, supplierSelectionWeight(input.sessionIdPreimage, operatorAddress));
    }
  }
  const ranked = [...candidates].sort((a, b) => {
    const weightA = weights.get(a.operatorAddress)!;
    const weightB = weights.get(b.operatorAddress)!;
    if (weightA !== weightB) return weightA < weightB ? -1 : 1;
    return compareBytes(utf8Encode(a.operatorAddress), utf8Encode(b.operatorAddress));
  });
  return ranked.slice(0, Number(input.numSuppliersPerSession));
}

// ---------------------------------------------------------------------------------------------------
// Application eligibility and full session hydration (what GetSession answers)

/** Unstaking or transferring applications stay active until the end of the session they left in. */
export function isApplicationActive(application: Application, height: bigint): boolean {
  const asUint64 = BigInt.asUintN(64, height);
  if (application.unstakeSessionEndHeight !== 0n) return asUint64 <= application.unstakeSessionEndHeight;
  if (application.pendingTransfer !== undefined) return asUint64 <= application.pendingTransfer.sessionEndHeight;
  return true;
}

/** Service ids the application is staked for at `height`; without history its flat configs hold forever. */
export function applicationServiceIdsAt(application: Application, height: bigint): string[] {
  if (application.serviceConfigHistory.length === 0) {
    return application.serviceConfigs.map((config) => config.serviceId);
  }
  return application.serviceConfigHistory
    .filter((update) => isServiceConfigActive(update, height))
    .map((update) => update.service?.serviceId ?? "");
}

const SERVICE_ID_PATTERN = /^[a-zA-Z0-9_-]+$/;
export const MAX_SERVICE_ID_LENGTH = 42;

export function isValidServiceId(serviceId: string): boolean {
  return serviceId.length > 0 && serviceId.length <= MAX_SERVICE_ID_LENGTH && SERVICE_ID_PATTERN.test(serviceId);
}

export type SessionHydrationFailure =
  | "invalid_service_id"
  | "application_not_found"
  | "application_not_active"
  | "application_not_staked_for_service"
  | "no_suppliers";

export class SessionHydrationError extends Error {
  override readonly name = "SessionHydrationError";
  constructor(
    readonly reason: SessionHydrationFailure,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export interface SessionHydrationInput {
  applicationAddress: string;
  serviceId: string;
  queryHeight: bigint;
  /** Shared params effective at `queryHeight`. */
  sharedParams: SessionGridParams;
  numSuppliersPerSession: bigint;
  /** Hash of the block at the session start height. */
  sessionStartBlockHash: Uint8Array;
  application: Application | undefined;
  serviceConfigUpdates: readonly ServiceConfigUpdate[];
  /** Suppliers by operator address. */
  suppliers: ReadonlyMap<string, Supplier>;
}

/** Builds the Session the chain's GetSession returns, or throws SessionHydrationError. */
export function hydrateSession(input: SessionHydrationInput): Session {
  const bounds = sessionBounds(input.sharedParams, input.queryHeight);
  if (!isValidServiceId(input.serviceId)) {
    throw new SessionHydrationError("invalid_service_id", JSON.stringify(input.serviceId));
  }
  const preimage = sessionIdPreimage({
    blockHash: input.sessionStartBlockHash,
    serviceId: input.serviceId,
    applicationAddress: input.applicationAddress,
    sessionStartHeight: bounds.startHeight,
  });
  const id = bytesToHex(sha3_256(preimage));
  const header: SessionHeader = {
    applicationAddress: input.applicationAddress,
    serviceId: input.serviceId,
    sessionId: id,
    sessionStartBlockHeight: bounds.startHeight,
    sessionEndBlockHeight: bounds.endHeight,
  };

  const application = input.application;
  if (application === undefined) {
    throw new SessionHydrationError("application_not_found", input.applicationAddress);
  }
  if (!isApplicationActive(application, bounds.endHeight)) {
    throw new SessionHydrationError("application_not_active", `${input.applicationAddress} in session ${id}`);
  }
  if (!applicationServiceIdsAt(application, input.queryHeight).includes(input.serviceId)) {
    throw new SessionHydrationError("application_not_staked_for_service", `${input.applicationAddress} / ${input.serviceId}`);
  }

  const candidates = sessionSupplierCandidates(input.serviceConfigUpdates, input.serviceId, input.queryHeight);
  if (candidates.length === 0) {
    throw new SessionHydrationError("no_suppliers", `service ${input.serviceId} at height ${input.queryHeight}`);
  }
  const selected = selectSessionSuppliers({
    serviceConfigUpdates: candidates,
    serviceId: input.serviceId,
    queryHeight: input.queryHeight,
    numSuppliersPerSession: input.numSuppliersPerSession,
    sessionIdPreimage: preimage,
  });
  const suppliers: Supplier[] = [];
  for (const update of selected) {
    const supplier = input.suppliers.get(update.operatorAddress);
    // The chain skips (and logs) a config whose supplier record is missing.
    if (supplier === undefined || update.service === undefined) continue;
    suppliers.push({ ...supplier, services: [update.service], serviceConfigHistory: [] });
  }

  return {
    header,
    sessionId: id,
    sessionNumber: bounds.sessionNumber,
    numBlocksPerSession: input.sharedParams.numBlocksPerSession,
    application,
    suppliers,
  };
}
