// x/tokenomics (docs/protocol.md §9): settles every claim whose proof window closes at this height. A claim that
// needed a proof and has no valid one expires and its supplier is slashed; the others burn the application's
// stake (capped by its per-session budget), mint it back × mint_ratio and pay suppliers' rev-share lists,
// the service owner, the proposer and the DAO; the global mint adds inflation, reimbursed by the application
// to the DAO. Afterwards each settled service's relay mining difficulty follows its relay volume (docs/protocol.md §6.2).
import { tokenomics as tok, type proof as prf } from "../../pokt/proto/index.js";
import { ClaimProofStatus } from "../../pokt/proto/proof.js";
import { baseRelayDifficultyTarget, computeNewDifficultyTarget } from "../../pokt/relay.js";
import {
  claimedUpokt,
  decimalRational,
  estimatedComputeUnits,
  estimatedRelays,
  globalMintSettlement,
  mintEqualsBurnSettlement,
  revenueShareAmounts,
  type RewardSplit,
} from "../../pokt/rewards.js";
import { isServiceConfigActive, numPendingSessions, sessionWindows } from "../../pokt/session.js";
import type { ChainContext } from "../context.js";
import type { ApplicationModule } from "./application.js";
import { moduleAddress } from "./auth.js";
import type { BankModule } from "./bank.js";
import type { ParamsModule } from "./params.js";
import type { ProofModule } from "./proof.js";
import type { ServiceModule } from "./service.js";
import type { SupplierModule } from "./supplier.js";

export const TOKENOMICS_MODULE_ADDRESS = moduleAddress("tokenomics");
/** EMA weight of the newest session's relays in the difficulty update. */
const EMA_ALPHA_TENTHS = 1n;

const STATUS_NAMES = ["PENDING_VALIDATION", "VALIDATED", "INVALID"];

export class TokenomicsModule {
  constructor(
    private readonly bank: BankModule,
    private readonly params: ParamsModule,
    private readonly services: ServiceModule,
    private readonly suppliers: SupplierModule,
    private readonly applications: ApplicationModule,
    private readonly proofs: ProofModule,
    private readonly proposerAddress: string,
  ) {}

  endBlock(ctx: ChainContext): void {
    const due = this.proofs.claimsEndingBy(ctx.height).filter((claim) => {
      const end = claim.sessionHeader!.sessionEndBlockHeight;
      return sessionWindows(this.params.sharedAt(end), end).settlementHeight <= ctx.height;
    });
    const claimsPerSession = new Map<string, number>();
    for (const claim of due) {
      const id = claim.sessionHeader!.sessionId;
      claimsPerSession.set(id, (claimsPerSession.get(id) ?? 0) + 1);
    }
    const relaysPerService = new Map<string, bigint>();
    for (const claim of due) {
      const estimated = this.settleClaim(ctx, claim, claimsPerSession.get(claim.sessionHeader!.sessionId)!);
      if (estimated !== undefined) {
        const service = claim.sessionHeader!.serviceId;
        relaysPerService.set(service, (relaysPerService.get(service) ?? 0n) + estimated);
      }
      this.proofs.remove(claim);
    }
    for (const [serviceId, relays] of relaysPerService) this.updateDifficulty(ctx, serviceId, relays);
  }

  /** Settles or expires one claim; returns its estimated relays when it settled. */
  private settleClaim(ctx: ChainContext, claim: prf.Claim, claimsInSession: number): bigint | undefined {
    const header = claim.sessionHeader!;
    const view = new DataView(claim.rootHash.buffer, claim.rootHash.byteOffset, claim.rootHash.byteLength);
    const computeUnits = view.getBigUint64(32, false);
    const relays = view.getBigUint64(40, false);
    const target = this.services.difficultyAt(header.serviceId, header.sessionStartBlockHeight).targetHash;
    const pricing = this.params.sharedAt(header.sessionStartBlockHeight);
    const claimed = claimedUpokt(computeUnits, target, pricing);
    const common = {
      supplier_operator_address: claim.supplierOperatorAddress,
      session_id: header.sessionId,
      service_id: header.serviceId,
      application_address: header.applicationAddress,
      session_end_block_height: header.sessionEndBlockHeight,
      num_relays: relays,
      num_claimed_compute_units: computeUnits,
      num_estimated_compute_units: estimatedComputeUnits(computeUnits, target),
      claimed_upokt: `${claimed}upokt`,
      claim_proof_status_int: claim.proofValidationStatus,
    };

    const requirement = this.proofs.requirementFor(ctx, claim);
    const hasProof = this.proofs.proofs.get(`${header.sessionId}/${claim.supplierOperatorAddress}`) !== undefined;
    if (requirement.required && (!hasProof || claim.proofValidationStatus !== ClaimProofStatus.VALIDATED)) {
      const reason = hasProof ? "PROOF_INVALID" : "PROOF_MISSING";
      const penalty = BigInt(this.params.get("proof").proofMissingPenalty?.amount ?? "0");
      const slashed = this.suppliers.slash(ctx, claim.supplierOperatorAddress, penalty);
      ctx.events.emitTyped("pocket.tokenomics.EventClaimExpired", {
        ...common,
        expiration_reason: reason,
        proof_status: STATUS_NAMES[claim.proofValidationStatus] ?? "",
      });
      ctx.events.emitTyped("pocket.tokenomics.EventSupplierSlashed", {
        supplier_operator_address: claim.supplierOperatorAddress,
        session_id: header.sessionId,
        service_id: header.serviceId,
        application_address: header.applicationAddress,
        session_end_block_height: header.sessionEndBlockHeight,
        proof_missing_penalty: `${slashed}upokt`,
        claim_proof_status_int: claim.proofValidationStatus,
      });
      return undefined;
    }

    const supplier = this.suppliers.get(claim.supplierOperatorAddress);
    const service = this.services.get(header.serviceId);
    if (supplier === undefined || service === undefined) {
      ctx.events.emitTyped("pocket.tokenomics.EventClaimDiscarded", {
        ...common,
        error: supplier === undefined ? "supplier no longer exists" : "service no longer exists",
      });
      return undefined;
    }

    const tokenomics = this.params.get("tokenomics");
    const settlement = this.cappedSettlement(ctx, claim, claimed, claimsInSession, tokenomics);
    const burned = this.applications.burnStake(ctx, header.applicationAddress, settlement);
    const revShare =
      supplier.serviceConfigHistory.find(
        (update) => update.service?.serviceId === header.serviceId && isServiceConfigActive(update, header.sessionStartBlockHeight),
      )?.service?.revShare ??
      supplier.services.find((config) => config.serviceId === header.serviceId)?.revShare ??
      [];
    const recipients = {
      revShare,
      supplierOwner: supplier.ownerAddress,
      sourceOwner: service.ownerAddress,
      application: header.applicationAddress,
      dao: tokenomics.daoRewardAddress,
    };

    const relayBurnEqualsMint = mintEqualsBurnSettlement(burned, tokenomics);
    this.bank.mint(TOKENOMICS_MODULE_ADDRESS, relayBurnEqualsMint.minted, "upokt", ctx);
    this.distribute(ctx, relayBurnEqualsMint, recipients);

    const globalMint = globalMintSettlement(burned, tokenomics);
    if (globalMint.minted > 0n) {
      this.bank.mint(TOKENOMICS_MODULE_ADDRESS, globalMint.minted, "upokt", ctx);
      this.distribute(ctx, globalMint, recipients);
      // The application pays the inflation back to the DAO so that self-dealing cannot profit from it.
      const reimbursed = this.applications.transferStake(ctx, header.applicationAddress, tokenomics.daoRewardAddress, globalMint.minted);
      ctx.events.emitTyped("pocket.tokenomics.EventApplicationReimbursementRequest", {
        application_addr: header.applicationAddress,
        supplier_operator_addr: claim.supplierOperatorAddress,
        supplier_owner_addr: supplier.ownerAddress,
        service_id: header.serviceId,
        session_id: header.sessionId,
        amount: `${reimbursed}upokt`,
      });
    }

    ctx.events.emitTyped("pocket.tokenomics.EventClaimSettled", {
      ...common,
      proof_requirement: requirement.reason,
      settled_upokt: `${burned}upokt`,
      minted_upokt: `${relayBurnEqualsMint.minted + globalMint.minted}upokt`,
    });
    return estimatedRelays(relays, computeUnits, target);
  }

  /**
   * The application's per-session budget (docs/protocol.md §9.1): stake / pending sessions (optionally clamped by its spend
   * limit) shared by the session's claiming suppliers, counted in stake terms (amount × (1 + inflation)).
   */
  private cappedSettlement(
    ctx: ChainContext,
    claim: prf.Claim,
    claimed: bigint,
    claimsInSession: number,
    tokenomics: tok.Params,
  ): bigint {
    const header = claim.sessionHeader!;
    const application = this.applications.get(header.applicationAddress);
    const stake = BigInt(application?.stake?.amount ?? "0");
    let budget = stake / numPendingSessions(this.params.sharedAt(header.sessionEndBlockHeight));
    const limit = BigInt(application?.perSessionSpendLimit?.amount ?? "0");
    if (limit > 0n && limit < budget) budget = limit;
    const perSupplier = budget / BigInt(claimsInSession);
    const inflation = decimalRational(tokenomics.globalInflationPerClaim);
    const cap = (perSupplier * inflation.denominator) / (inflation.denominator + inflation.numerator);
    if (claimed <= cap) return claimed;
    ctx.events.emitTyped("pocket.tokenomics.EventApplicationOverserviced", {
      application_addr: header.applicationAddress,
      supplier_operator_addr: claim.supplierOperatorAddress,
      expected_burn: `${claimed}upokt`,
      effective_burn: `${cap}upokt`,
    });
    return cap;
  }

  private distribute(
    ctx: ChainContext,
    split: RewardSplit,
    to: {
      revShare: Parameters<typeof revenueShareAmounts>[1];
      supplierOwner: string;
      sourceOwner: string;
      application: string;
      dao: string;
    },
  ): void {
    const pay = (address: string, amount: bigint) => this.bank.send(TOKENOMICS_MODULE_ADDRESS, address, amount, "upokt", ctx);
    const shares = revenueShareAmounts(split.supplier, to.revShare) ?? new Map([[to.supplierOwner, split.supplier]]);
    for (const [address, amount] of [...shares].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) pay(address, amount);
    pay(this.proposerAddress, split.proposer);
    pay(to.sourceOwner, split.sourceOwner);
    pay(to.application, split.application);
    pay(to.dao, split.dao);
  }

  private updateDifficulty(ctx: ChainContext, serviceId: string, relays: bigint): void {
    const previous = this.services.latestDifficulty(serviceId);
    const ema =
      previous === undefined ? relays : (EMA_ALPHA_TENTHS * relays + (10n - EMA_ALPHA_TENTHS) * previous.numRelaysEma) / 10n;
    const targetNumRelays = this.params.get("service").targetNumRelays;
    const targetHash = ema === 0n ? baseRelayDifficultyTarget() : computeNewDifficultyTarget(baseRelayDifficultyTarget(), targetNumRelays, ema);
    const effectiveHeight = ctx.height + 1n;
    this.services.setDifficulty({ serviceId, blockHeight: effectiveHeight, numRelaysEma: ema, targetHash });
    ctx.events.emitTyped("pocket.service.EventRelayMiningDifficultyUpdated", {
      service_id: serviceId,
      prev_target_hash_hex: Buffer.from(previous?.targetHash ?? baseRelayDifficultyTarget()).toString("hex"),
      new_target_hash_hex: Buffer.from(targetHash).toString("hex"),
      prev_num_relays_ema: previous?.numRelaysEma ?? 0n,
      new_num_relays_ema: ema,
    });
  }

  queryParams(): Uint8Array {
    return tok.QueryParamsResponse.toBytes({ params: this.params.get("tokenomics") });
  }
}
