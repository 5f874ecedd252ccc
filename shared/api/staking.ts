import { z } from "zod";
import { method, type EventMap, type MethodMap } from "./define.js";
import { Passphrase } from "./wallet.js";

/**
 * Staking as a supplier, through the engine's chain client and wallet: the chain's staking rules, the supplier's
 * on-chain state, fee estimates, and the stake / unstake / add-service / send transactions. A transaction call
 * resolves once its block includes it (staking.tx events report the stages meanwhile). Amounts are upokt strings.
 */

const Upokt = z.string().regex(/^\d{1,30}$/, "a whole number of upokt");
const Address = z.string().trim().min(1, "enter an address").max(200);
const ServiceIdInput = z.string().regex(/^[a-zA-Z0-9_-]{1,42}$/, "a service id: letters, digits, '_' or '-', at most 42");
const PublicUrl = z.string().trim().max(2000).regex(/^https?:\/\/[^\s/]+/, "an http:// or https:// URL");

const Digits = z.string().regex(/^\d{1,30}$/, "a whole number");

/** The chain's rules and prices as its params say now (read on chain, never compiled in: docs/protocol.md §13.1). */
export const StakingParams = z.object({
  network: z.string(),
  minStakeUpokt: Upokt,
  /** Charged once per stake transaction on top of the gas fee. */
  stakingFeeUpokt: Upokt,
  addServiceFeeUpokt: Upokt,
  numBlocksPerSession: z.number().int(),
  /** Sessions an unstaking supplier waits before its stake returns. */
  unbondingPeriodSessions: z.number().int(),
  /** The network's typical block interval, for turning blocks into time. */
  blockTimeMs: z.number(),
  /** What one claim plus one proof cost the operator at the current gas price (an estimate); null while it cannot be priced. */
  feesPerSessionUpokt: Upokt.nullable(),
  /** CUTTM: one compute unit costs CUTTM / granularity upokt (145,990 / 1,000,000 on mainnet). */
  computeUnitsToTokensMultiplier: Digits,
  computeUnitCostGranularity: Digits,
  /** A claim worth at least this needs a proof; smaller ones are sampled at proofRequestProbability. */
  proofRequirementThresholdUpokt: Upokt,
  proofRequestProbability: z.number(),
  /** Paid with each proof, on top of its gas fee. */
  proofSubmissionFeeUpokt: Upokt,
  /** Slashed from the stake when a required proof is missing or invalid. */
  proofMissingPenaltyUpokt: Upokt,
  numSuppliersPerSession: z.number().int(),
  /** The fraction of a settled claim paid to the supplier's rev-share list (mint ratio × supplier share + inflation). */
  supplierRewardShare: z.number(),
  /** What starting takes here: the minimum stake, one add-service fee and 1,000 POKT for fees. */
  startingFundsUpokt: Upokt,
});
export type StakingParams = z.infer<typeof StakingParams>;

export const RevShare = z.object({ address: z.string(), percent: z.number() });

export const SupplierServiceState = z.object({
  serviceId: z.string(),
  endpoints: z.array(z.object({ url: z.string(), rpcType: z.string() })),
  revShare: z.array(RevShare),
});

export const SupplierState = z.object({
  operatorAddress: z.string(),
  ownerAddress: z.string(),
  stakeUpokt: Upokt,
  services: z.array(SupplierServiceState),
  /** Set once an unstake was requested: the session end after which unbonding starts. */
  unstakeSessionEndHeight: z.number().int().nullable(),
  /** When the stake returns to the owner; null while not unbonding. */
  unbondingEndHeight: z.number().int().nullable(),
  height: z.number().int(),
});
export type SupplierState = z.infer<typeof SupplierState>;

/** What the app reads of a service's metadata card (docs/protocol.md §13.5). */
export const ServiceCardInfo = z.object({
  text: z.string(),
  description: z.string().nullable(),
  apis: z.array(z.string()),
  results: z.string().nullable(),
  healthcheckPath: z.string().nullable(),
});

export const ServiceInfo = z.object({
  serviceId: z.string(),
  name: z.string(),
  computeUnitsPerRelay: z.number().int(),
  ownerAddress: z.string(),
  /** The service's metadata card, when it has one. */
  card: ServiceCardInfo.nullable(),
  /** Bring your own model: each supplier serves the model it chose (ai-inference). */
  byom: z.boolean(),
  /** Takes OpenAI-style LLM requests (BYOM, or a card listing an OpenAI API). */
  llm: z.boolean(),
});
export type ServiceInfo = z.infer<typeof ServiceInfo>;

export const StakeRequest = z
  .object({
    /** The total stake after this transaction (the chain takes the difference from the owner). */
    stakeUpokt: Upokt,
    serviceId: ServiceIdInput,
    /** The public URL gateways send relays to. */
    endpointUrl: PublicUrl,
    /** Omitted: all rewards go to the owner. */
    revShare: z.array(z.object({ address: Address, percent: z.number().int().min(1).max(100) }).strict()).max(10).optional(),
  })
  .strict();
export type StakeRequest = z.infer<typeof StakeRequest>;

export const TxEstimate = z.object({
  /** Who signs and pays: the owner for a stake, the sender for a send. */
  signerAddress: z.string(),
  balanceUpokt: Upokt,
  feeUpokt: Upokt,
  /** Moved out of the signer's balance besides the fee (the stake increase, the amount sent). */
  amountUpokt: Upokt,
  /** balance − fee − amount, or how much is missing when negative. */
  enough: z.boolean(),
  shortfallUpokt: Upokt,
  gas: z.number().int(),
});
export type TxEstimate = z.infer<typeof TxEstimate>;

export const TxResult = z.object({ txHash: z.string(), height: z.number().int(), feeUpokt: Upokt });
export type TxResult = z.infer<typeof TxResult>;

export const TxProgress = z.object({
  /** Which call this is about (the kind of transaction). */
  kind: z.enum(["stake", "unstake", "addService", "send"]),
  stage: z.enum(["signing", "broadcasting", "included", "failed"]),
  txHash: z.string().nullable(),
  height: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type TxProgress = z.infer<typeof TxProgress>;

export const EndpointCheck = z.object({
  url: z.string(),
  reachable: z.boolean(),
  /** The relay miner answered a signed relay with a protocol reply (not just any web server). */
  relayMinerAnswered: z.boolean(),
  latencyMs: z.number().nullable(),
  /** What went wrong, in words, with what to do. */
  problem: z.string().nullable(),
  /** A short category for the page to pick its explanation: connection, tls, timeout, not_relay_miner. */
  reason: z.enum(["ok", "connection", "tls", "timeout", "dns", "not_relay_miner", "invalid_url"]),
});
export type EndpointCheck = z.infer<typeof EndpointCheck>;

export const EndpointSettings = z.object({
  /** What the supplier stakes (or staked) as its endpoint; null until chosen. */
  publicUrl: z.string().nullable(),
  /** Where the relay miner listens on this machine, e.g. http://127.0.0.1:8642. */
  listenUrl: z.string(),
  /**
   * The URL to propose: on localnet the listen URL (gateways run in the same engine); elsewhere the one reachability
   * found (http://<router's public address>:<mapped port>, or a checked tunnel URL); null when there is none yet.
   */
  suggestedUrl: z.string().nullable(),
});
export type EndpointSettings = z.infer<typeof EndpointSettings>;

const TransferParams = z.object({ fromAddress: Address.optional(), toAddress: Address, amountUpokt: Upokt }).strict();

const NoParams = z.object({}).strict();

export const stakingMethods = {
  "staking.params": method(NoParams, StakingParams, "The chain's minimum stake, fees, session length and unbonding period"),
  "staking.supplier": method(
    z.object({ operatorAddress: Address.optional() }).strict(),
    SupplierState.nullable(),
    "The supplier's on-chain state (default: this wallet's operator); null when not staked",
  ),
  "staking.service": method(z.object({ serviceId: ServiceIdInput }).strict(), ServiceInfo.nullable(), "A service as registered on chain; null when it does not exist"),
  "staking.services": method(NoParams, z.array(ServiceInfo), "Every service registered on this network (x/service), with its compute units per relay and card"),
  "staking.estimateStake": method(StakeRequest, TxEstimate, "Fee and balance check for a stake transaction, without sending it"),
  "staking.stake": method(
    StakeRequest.extend({ passphrase: Passphrase }).strict(),
    TxResult,
    "Stake (or update) the supplier for one service and endpoint; the relay miner then serves that service; asks for the passphrase again (it locks funds and decides where rewards go)",
  ),
  "staking.unstake": method(
    z.object({ passphrase: Passphrase }).strict(),
    TxResult,
    "Begin unstaking: the stake returns to the owner after the unbonding period; asks for the passphrase again",
  ),
  "staking.addService": method(
    z
      .object({
        serviceId: ServiceIdInput,
        name: z.string().trim().min(1).max(100),
        computeUnitsPerRelay: z.number().int().min(1).max(1_000_000),
        passphrase: Passphrase,
      })
      .strict(),
    TxResult,
    "Register a service on chain (the owner pays the add-service fee and earns the source-owner share); asks for the passphrase again",
  ),
  "staking.checkEndpoint": method(
    z.object({ url: PublicUrl, serviceId: ServiceIdInput }).strict(),
    EndpointCheck,
    "Send a signed test relay to a public URL and say whether this relay miner answered it",
  ),
  "staking.endpoint": method(NoParams, EndpointSettings, "The public URL gateways are told to use, and where the relay miner listens"),
  "staking.setEndpoint": method(
    z.object({ publicUrl: PublicUrl }).strict(),
    EndpointSettings,
    "Remember the public URL to stake with (the relay miner keeps listening where it does)",
  ),
  "transfer.estimate": method(TransferParams, TxEstimate, "Fee and balance check for sending POKT from an account of this wallet"),
  "transfer.send": method(
    TransferParams.extend({ passphrase: Passphrase }).strict(),
    TxResult,
    "Send POKT from an account of this wallet (default: the operator); asks for the passphrase again",
  ),
} satisfies MethodMap;

export const stakingEvents = {
  "staking.tx": TxProgress,
} satisfies EventMap;
