// What a supplier's claim and proof transactions cost in fees: the relay miner weighs them against a claim's
// value and the operator's balance (docs/protocol.md §8.4), staking shows them per session. A claim transaction is
// simulated; a proof cannot be before it exists (nor outside its window), so it is priced from a claim's gas.
import type { OfflineDirectSigner } from "@cosmjs/proto-signing";
import type { SessionHeader } from "../pokt/proto/session.js";
import type { ChainClient } from "./client.js";
import { ChainTxError } from "./errors.js";
import { DEFAULT_GAS_MULTIPLIER } from "./fees.js";
import { msgs } from "./msgs.js";

/** Gas of one MsgSubmitProof relative to one MsgCreateClaim (a proof carries a relay and ~10 side nodes). */
export const PROOF_TO_CLAIM_GAS = 3;
/** A claim's gas when it cannot be simulated (cosmos-sdk message plus a 48-byte root; generous). */
export const DEFAULT_CLAIM_GAS = 200_000;

export interface ClaimToPrice {
  header: SessionHeader;
  rootHash: Uint8Array;
}

export class ClaimFeeEstimator {
  /** Gas of one claim in the last simulation. */
  private claimGas: number | undefined;

  constructor(
    private readonly client: ChainClient,
    private readonly signerFor: (operatorAddress: string) => OfflineDirectSigner,
    private readonly gasMultiplier = DEFAULT_GAS_MULTIPLIER,
  ) {}

  /** The fee of one transaction creating `claims`; it also sets the gas proofs are priced from. */
  async claimFee(operatorAddress: string, claims: readonly ClaimToPrice[]): Promise<bigint> {
    if (claims.length === 0) throw new Error("claimFee prices at least one claim; use typicalSessionFees before any exists");
    const gas = await this.simulateClaims(operatorAddress, claims);
    this.claimGas = Math.ceil(gas / Math.max(1, claims.length));
    return this.client.feeForSimulatedGas(gas, this.gasMultiplier);
  }

  /**
   * What one session costs before any claim exists (staking shows it): a claim and a proof priced from the default
   * claim gas. A transaction without messages cannot be simulated, so there is nothing better to ask the chain.
   */
  typicalSessionFees(): { claimUpokt: bigint; proofUpokt: bigint } {
    return {
      claimUpokt: this.client.feeForSimulatedGas(DEFAULT_CLAIM_GAS, this.gasMultiplier),
      proofUpokt: this.client.feeForSimulatedGas(DEFAULT_CLAIM_GAS * PROOF_TO_CLAIM_GAS, this.gasMultiplier),
    };
  }

  /** The fee of one proof transaction, from the last claim simulation's gas. */
  proofFee(): bigint {
    return this.client.feeForSimulatedGas((this.claimGas ?? DEFAULT_CLAIM_GAS) * PROOF_TO_CLAIM_GAS, this.gasMultiplier);
  }

  private async simulateClaims(operatorAddress: string, claims: readonly ClaimToPrice[]): Promise<number> {
    const messages = claims.map((claim) =>
      msgs.createClaim({ supplierOperatorAddress: operatorAddress, sessionHeader: claim.header, rootHash: claim.rootHash }),
    );
    try {
      return await this.client.simulate(this.signerFor(operatorAddress), operatorAddress, messages);
    } catch (error) {
      // Outside its window a claim fails simulation; its gas is still about what a claim costs.
      if (error instanceof ChainTxError) return DEFAULT_CLAIM_GAS * messages.length;
      throw error;
    }
  }
}
