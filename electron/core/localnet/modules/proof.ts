// x/proof (docs/protocol.md §8): claims and proofs with their windows and cheap checks in the transaction, the
// expensive checks (ring and supplier signatures, proof path, closest proof against the claim root) in the
// EndBlock of the block that carried the proof, and the proof requirement (docs/protocol.md §8.3) shared with settlement.
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { proofRequirement, type ProofRequirement } from "../../pokt/proof-requirement.js";
import { proof as prf, service as svc, type session } from "../../pokt/proto/index.js";
import { ClaimProofStatus } from "../../pokt/proto/proof.js";
import { isRelayVolumeApplicable, relayHash, relayRequestSignableHash, validateRelayRequest, validateRelayResponse, validateSessionHeader } from "../../pokt/relay.js";
import { relayResponseSignableHash } from "../../pokt/relay-response-signable.js";
import { verifyResponseSignature } from "../../pokt/response-signature.js";
import { checkApplicationRingSignature, ringAddressesForApplication, ringPublicKeysForAddresses } from "../../pokt/ring/index.js";
import { SessionHydrationError, isWithinClaimWindow, isWithinProofWindow, sessionEndHeight, sessionWindows } from "../../pokt/session.js";
import { decodeCompactClosestProofGob, decompactClosestProof, verifyClosestProof } from "../../pokt/smst/index.js";
import type { ChainContext } from "../context.js";
import { notFound, proofErrors, type TxError } from "../errors.js";
import { Collection, heightKey, type Store } from "../state/store.js";
import type { ApplicationModule } from "./application.js";
import { moduleAddress, type AuthModule } from "./auth.js";
import type { BankModule } from "./bank.js";
import { paginate, pageRequest } from "./pagination.js";
import type { ParamsModule } from "./params.js";
import type { ServiceModule } from "./service.js";
import type { SessionModule } from "./session.js";

export const PROOF_MODULE_ADDRESS = moduleAddress("proof");
const ROOT_HASH_SIZE = 48;
const LEAF_SUFFIX = 16; // weight_be8 ‖ count_be8 after the relay bytes in a leaf value
const EMPTY = new Uint8Array(0);

function claimKey(sessionId: string, operator: string): string {
  return `${sessionId}/${operator}`;
}

function rootSumAndCount(root: Uint8Array): { sum: bigint; count: bigint } {
  const view = new DataView(root.buffer, root.byteOffset, root.byteLength);
  return { sum: view.getBigUint64(32, false), count: view.getBigUint64(40, false) };
}

export function proofPathFor(seedBlockHash: Uint8Array, sessionId: string): Uint8Array {
  return sha256(concatBytes(seedBlockHash, utf8ToBytes(sessionId)));
}

export class ProofModule {
  readonly claims: Collection<prf.Claim>;
  readonly proofs: Collection<prf.Proof>;

  constructor(
    private readonly store: Store,
    private readonly auth: AuthModule,
    private readonly bank: BankModule,
    private readonly params: ParamsModule,
    private readonly services: ServiceModule,
    private readonly sessions: SessionModule,
    private readonly applications: ApplicationModule,
  ) {
    this.claims = new Collection(store, "claim", prf.Claim);
    this.proofs = new Collection(store, "proof", prf.Proof);
  }

  /** The on-chain session the header names, with the operator in it; the chain's errors otherwise. */
  private checkSession(ctx: ChainContext, header: session.SessionHeader | undefined, operator: string): session.Session {
    const problem = validateSessionHeader(header);
    if (problem !== undefined || header === undefined) throw proofErrors.invalidSessionHeader(problem);
    let found: session.Session;
    try {
      found = this.sessions.getSession(
        { latestHeight: ctx.height, blockHash: (h) => ctx.blockHash(h) },
        header.applicationAddress,
        header.serviceId,
        header.sessionStartBlockHeight,
      );
    } catch (error) {
      if (error instanceof SessionHydrationError) {
        if (error.reason === "application_not_found") throw proofErrors.applicationNotFound(error.message);
        throw proofErrors.invalidSessionHeader(error.message);
      }
      throw proofErrors.invalidSessionHeader(error instanceof Error ? error.message : String(error));
    }
    const onChain = found.header!;
    if (onChain.sessionId !== header.sessionId) {
      throw proofErrors.invalidSessionId(`session id ${header.sessionId} does not match the chain's ${onChain.sessionId}`);
    }
    if (onChain.sessionStartBlockHeight !== header.sessionStartBlockHeight) {
      throw proofErrors.invalidSessionStartHeight(
        `start height ${header.sessionStartBlockHeight} does not match the chain's ${onChain.sessionStartBlockHeight}`,
      );
    }
    if (onChain.sessionEndBlockHeight !== header.sessionEndBlockHeight) {
      throw proofErrors.invalidSessionEndHeight(
        `end height ${header.sessionEndBlockHeight} does not match the chain's ${onChain.sessionEndBlockHeight}`,
      );
    }
    if (!found.suppliers.some((s) => s.operatorAddress === operator)) {
      throw proofErrors.supplierNotFound(`supplier operator ${operator} is not in session ${header.sessionId}`);
    }
    return found;
  }

  handleCreateClaim(ctx: ChainContext, msg: prf.MsgCreateClaim): Uint8Array {
    const operator = msg.supplierOperatorAddress;
    const session = this.checkSession(ctx, msg.sessionHeader, operator);
    const header = session.header!;
    const windows = sessionWindows(this.params.sharedAt(header.sessionEndBlockHeight), header.sessionEndBlockHeight);
    if (!isWithinClaimWindow(windows, ctx.height)) {
      throw proofErrors.claimOutsideOfWindow(
        `current block height (${ctx.height}) is outside the claim window [${windows.claimWindowOpenHeight}, ${windows.claimWindowCloseHeight}] of session ${header.sessionId}`,
      );
    }
    const root = msg.rootHash;
    if (root.length !== ROOT_HASH_SIZE) {
      throw proofErrors.invalidClaimRootHash(`root hash must be ${ROOT_HASH_SIZE} bytes, got ${root.length}`);
    }
    const { sum, count } = rootSumAndCount(root);
    const cupr = this.services.computeUnitsPerRelayAt(header.serviceId, header.sessionStartBlockHeight);
    if (cupr === undefined) throw proofErrors.serviceNotFound(`service ${header.serviceId} has no price at height ${header.sessionStartBlockHeight}`);
    if (sum !== count * cupr) {
      throw proofErrors.computeUnitsMismatch(`claim compute units ${sum} != ${count} relays × ${cupr} compute units per relay`);
    }

    const key = claimKey(header.sessionId, operator);
    const existed = this.claims.get(key) !== undefined;
    const claim: prf.Claim = {
      supplierOperatorAddress: operator,
      sessionHeader: msg.sessionHeader,
      rootHash: root,
      proofValidationStatus: ClaimProofStatus.PENDING_VALIDATION,
    };
    this.claims.set(key, claim);
    this.store.set("claim_by_end", `${heightKey(header.sessionEndBlockHeight)}/${key}`, EMPTY);
    ctx.events.emitTyped(existed ? "pocket.proof.EventClaimUpdated" : "pocket.proof.EventClaimCreated", {
      supplier_operator_address: operator,
      session_id: header.sessionId,
      service_id: header.serviceId,
      application_address: header.applicationAddress,
      session_end_block_height: header.sessionEndBlockHeight,
      num_relays: count,
      num_claimed_compute_units: sum,
    });
    return prf.MsgCreateClaimResponse.toBytes({});
  }

  handleSubmitProof(ctx: ChainContext, msg: prf.MsgSubmitProof): Uint8Array {
    const operator = msg.supplierOperatorAddress;
    const session = this.checkSession(ctx, msg.sessionHeader, operator);
    const header = session.header!;
    const windows = sessionWindows(this.params.sharedAt(header.sessionEndBlockHeight), header.sessionEndBlockHeight);
    if (!isWithinProofWindow(windows, ctx.height)) {
      throw proofErrors.proofOutsideOfWindow(
        `current block height (${ctx.height}) is outside the proof window [${windows.proofWindowOpenHeight}, ${windows.proofWindowCloseHeight}] of session ${header.sessionId}`,
      );
    }
    if (msg.proof.length === 0) throw proofErrors.invalidProof("the proof is empty");
    const relay = this.relayOf(msg.proof);
    const requestProblem = validateRelayRequest(relay.req!);
    if (requestProblem) throw proofErrors.invalidRelayRequest(requestProblem);
    const responseProblem = validateRelayResponse(relay.res!);
    if (responseProblem) throw proofErrors.invalidRelayResponse(responseProblem);
    if (relay.req!.meta.supplierOperatorAddress !== operator) {
      throw proofErrors.invalidRelayRequest(
        `relay was addressed to ${relay.req!.meta.supplierOperatorAddress}, not to the prover ${operator}`,
      );
    }
    for (const [side, relayHeader] of [["request", relay.req!.meta.sessionHeader], ["response", relay.res!.meta.sessionHeader]] as const) {
      if (!sameHeader(relayHeader, header)) throw proofErrors.invalidSessionHeader(`the relay ${side}'s session header differs from the session's`);
    }
    const target = this.services.difficultyAt(header.serviceId, header.sessionStartBlockHeight).targetHash;
    if (target.length !== 32) throw proofErrors.invalidRelay(`difficulty target must be 32 bytes, got ${target.length}`);
    if (!isRelayVolumeApplicable(relayHash(svc.Relay.toBytes(relay)), target)) {
      throw proofErrors.invalidRelay("the relay's hash does not meet the service's relay mining difficulty");
    }
    const key = claimKey(header.sessionId, operator);
    const claim = this.claims.get(key);
    if (claim === undefined || !sameHeader(claim.sessionHeader, header)) {
      throw proofErrors.claimNotFound(`no claim for session ${header.sessionId} and supplier ${operator}`);
    }
    const fee = BigInt(this.params.get("proof").proofSubmissionFee?.amount ?? "0");
    const balance = this.bank.balance(operator);
    if (balance <= fee) throw proofErrors.notEnoughFunds(`operator ${operator} has ${balance}upokt, the proof fee is ${fee}upokt`);
    const requirement = this.requirementFor(ctx, claim);
    if (!requirement.required) {
      throw proofErrors.proofNotRequired(`claim for session ${header.sessionId} has proof requirement ${requirement.reason}`);
    }
    this.bank.send(operator, PROOF_MODULE_ADDRESS, fee, "upokt", ctx);
    const existed = this.proofs.get(key) !== undefined;
    this.proofs.set(key, { supplierOperatorAddress: operator, sessionHeader: msg.sessionHeader, closestMerkleProof: msg.proof });
    this.store.set("proof_pending_validation", key, EMPTY);
    ctx.events.emitTyped(existed ? "pocket.proof.EventProofUpdated" : "pocket.proof.EventProofSubmitted", {
      supplier_operator_address: operator,
      session_id: header.sessionId,
      service_id: header.serviceId,
      application_address: header.applicationAddress,
      session_end_block_height: header.sessionEndBlockHeight,
    });
    return prf.MsgSubmitProofResponse.toBytes({});
  }

  /** The relay a proof proves: its closest leaf's value minus weight and count. */
  private relayOf(proofBytes: Uint8Array): svc.Relay {
    let leafValue: Uint8Array;
    try {
      leafValue = decompactClosestProof(decodeCompactClosestProofGob(proofBytes)).closestValueHash;
    } catch (error) {
      throw proofErrors.invalidProof(`the proof does not decode: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (leafValue.length < LEAF_SUFFIX) throw proofErrors.invalidProof("the proof's leaf value is too short");
    let relay: svc.Relay;
    try {
      relay = svc.Relay.decode(leafValue.subarray(0, leafValue.length - LEAF_SUFFIX));
    } catch (error) {
      throw proofErrors.invalidRelay(`the proven leaf is not a relay: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (relay.req === undefined || relay.res === undefined) throw proofErrors.invalidRelay("the proven relay lacks its request or response");
    return relay;
  }

  /** docs/protocol.md §8.3 with the claim's prices at its session start and the current proof params. */
  requirementFor(ctx: ChainContext, claim: prf.Claim): ProofRequirement {
    const header = claim.sessionHeader!;
    const windows = sessionWindows(this.params.sharedAt(header.sessionEndBlockHeight), header.sessionEndBlockHeight);
    const seedHash = ctx.blockHash(windows.proofSeedBlockHeight);
    if (seedHash === undefined) throw new Error(`no block hash for proof seed height ${windows.proofSeedBlockHeight}`);
    const pricingParams = this.params.sharedAt(header.sessionStartBlockHeight);
    const proofParams = this.params.get("proof");
    return proofRequirement({
      claimRootHash: claim.rootHash,
      claimBytes: prf.Claim.toBytes({ ...claim, proofValidationStatus: ClaimProofStatus.PENDING_VALIDATION }),
      proofRequirementSeedBlockHash: seedHash,
      pricing: {
        relayDifficultyTargetHash: this.services.difficultyAt(header.serviceId, header.sessionStartBlockHeight).targetHash,
        computeUnitsToTokensMultiplier: pricingParams.computeUnitsToTokensMultiplier,
        computeUnitCostGranularity: pricingParams.computeUnitCostGranularity,
      },
      params: {
        proofRequirementThresholdUpokt: BigInt(proofParams.proofRequirementThreshold?.amount ?? "0"),
        proofRequestProbability: proofParams.proofRequestProbability,
      },
    });
  }

  /** Validates the proofs submitted in this block and records each claim's verdict. */
  endBlock(ctx: ChainContext): void {
    for (const { key } of this.store.scan("proof_pending_validation")) {
      this.store.delete("proof_pending_validation", key);
      const claim = this.claims.get(key);
      const proof = this.proofs.get(key);
      if (claim === undefined || proof === undefined) continue;
      const failure = this.proofFailure(ctx, claim, proof);
      claim.proofValidationStatus = failure === undefined ? ClaimProofStatus.VALIDATED : ClaimProofStatus.INVALID;
      this.claims.set(key, claim);
      ctx.events.emitTyped("pocket.proof.EventProofValidityChecked", {
        supplier_operator_address: claim.supplierOperatorAddress,
        session_id: claim.sessionHeader!.sessionId,
        block_height: ctx.height,
        proof_status: failure === undefined ? "VALIDATED" : "INVALID",
        failure_reason: failure ?? "",
      });
    }
  }

  /** Why the proof is invalid (ring signature, supplier signature, path, closest proof), or undefined. */
  private proofFailure(ctx: ChainContext, claim: prf.Claim, proof: prf.Proof): string | undefined {
    const header = claim.sessionHeader!;
    let relay: svc.Relay;
    try {
      relay = this.relayOf(proof.closestMerkleProof);
    } catch (error) {
      return (error as TxError).message;
    }
    const request = relay.req!;
    const response = relay.res!;
    const application = this.applications.get(header.applicationAddress);
    if (application === undefined) return `application ${header.applicationAddress} not found`;
    const targetEnd = sessionEndHeight(this.params.get("shared"), header.sessionEndBlockHeight);
    const ringAddresses = ringAddressesForApplication(
      {
        address: application.address,
        delegateeGatewayAddresses: application.delegateeGatewayAddresses,
        pendingUndelegations: [...application.pendingUndelegations].map(([height, list]) => ({
          height,
          gatewayAddresses: list.gatewayAddresses,
        })),
      },
      targetEnd,
    );
    let expectedKeys: Uint8Array[];
    try {
      const known = new Map<string, Uint8Array>();
      for (const address of ringAddresses) {
        const key = this.auth.publicKeyOf(address);
        if (key) known.set(address, key);
      }
      expectedKeys = ringPublicKeysForAddresses(ringAddresses, known);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    const ring = checkApplicationRingSignature({
      signature: request.meta.signature,
      message: relayRequestSignableHash(request),
      expectedRingPublicKeys: expectedKeys,
    });
    if (!ring.valid) return `relay request signature: ${ring.detail}`;
    const operatorKey = this.auth.publicKeyOf(claim.supplierOperatorAddress);
    if (operatorKey === undefined) return `supplier operator ${claim.supplierOperatorAddress} has no public key on chain`;
    if (
      !verifyResponseSignature({
        publicKey: operatorKey,
        msgHash: relayResponseSignableHash(response),
        signature: response.meta.supplierOperatorSignature,
      })
    ) {
      return "relay response signature does not verify with the supplier operator's key";
    }
    const windows = sessionWindows(this.params.sharedAt(header.sessionEndBlockHeight), header.sessionEndBlockHeight);
    const seedHash = ctx.blockHash(windows.proofSeedBlockHeight);
    if (seedHash === undefined) return `no block hash at proof seed height ${windows.proofSeedBlockHeight}`;
    const verdict = verifyClosestProof(proof.closestMerkleProof, claim.rootHash, proofPathFor(seedHash, header.sessionId));
    return verdict.valid ? undefined : `closest merkle proof: ${verdict.reason}`;
  }

  /** Claims whose session ended at or before `height`, oldest first (settlement walks them). */
  claimsEndingBy(height: bigint): prf.Claim[] {
    const limit = heightKey(height);
    const found: prf.Claim[] = [];
    for (const { key } of this.store.scan("claim_by_end")) {
      if (key.slice(0, 20) > limit) break;
      const claim = this.claims.get(key.slice(21));
      if (claim) found.push(claim);
    }
    return found;
  }

  /** Removes a settled or expired claim with its proof. */
  remove(claim: prf.Claim): void {
    const header = claim.sessionHeader!;
    const key = claimKey(header.sessionId, claim.supplierOperatorAddress);
    this.claims.delete(key);
    this.proofs.delete(key);
    this.store.delete("claim_by_end", `${heightKey(header.sessionEndBlockHeight)}/${key}`);
  }

  queryClaim(data: Uint8Array): Uint8Array {
    const { sessionId, supplierOperatorAddress } = prf.QueryGetClaimRequest.decode(data);
    const claim = this.claims.get(claimKey(sessionId, supplierOperatorAddress));
    if (!claim) throw notFound(`claim not found for session ${sessionId} and supplier ${supplierOperatorAddress}`);
    return prf.QueryGetClaimResponse.toBytes({ claim });
  }

  queryAllClaims(data: Uint8Array): Uint8Array {
    const request = prf.QueryAllClaimsRequest.decode(data);
    const claims = this.claims.values().filter((claim) => matchesFilter(claim, request));
    const page = paginate(claims, pageRequest(request.pagination));
    return prf.QueryAllClaimsResponse.toBytes({ claims: page.items, pagination: page.pagination });
  }

  queryProof(data: Uint8Array): Uint8Array {
    const { sessionId, supplierOperatorAddress } = prf.QueryGetProofRequest.decode(data);
    const proof = this.proofs.get(claimKey(sessionId, supplierOperatorAddress));
    if (!proof) throw notFound(`proof not found for session ${sessionId} and supplier ${supplierOperatorAddress}`);
    return prf.QueryGetProofResponse.toBytes({ proof });
  }

  queryAllProofs(data: Uint8Array): Uint8Array {
    const request = prf.QueryAllProofsRequest.decode(data);
    const proofs = this.proofs.values().filter((proof) => matchesFilter(proof, request));
    const page = paginate(proofs, pageRequest(request.pagination));
    return prf.QueryAllProofsResponse.toBytes({ proofs: page.items, pagination: page.pagination });
  }

  queryParams(): Uint8Array {
    return prf.QueryParamsResponse.toBytes({ params: this.params.get("proof") });
  }
}

function sameHeader(a: session.SessionHeader | undefined, b: session.SessionHeader): boolean {
  return (
    a !== undefined &&
    a.applicationAddress === b.applicationAddress &&
    a.serviceId === b.serviceId &&
    a.sessionId === b.sessionId &&
    a.sessionStartBlockHeight === b.sessionStartBlockHeight &&
    a.sessionEndBlockHeight === b.sessionEndBlockHeight
  );
}

function matchesFilter(
  record: { supplierOperatorAddress: string; sessionHeader?: session.SessionHeader },
  filter: { supplierOperatorAddress?: string; sessionId?: string; sessionEndHeight?: bigint },
): boolean {
  if (filter.supplierOperatorAddress !== undefined) return record.supplierOperatorAddress === filter.supplierOperatorAddress;
  if (filter.sessionId !== undefined) return record.sessionHeader?.sessionId === filter.sessionId;
  if (filter.sessionEndHeight !== undefined) return record.sessionHeader?.sessionEndBlockHeight === filter.sessionEndHeight;
  return true;
}

