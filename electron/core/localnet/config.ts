// The localnet's genesis: chain id, module params by profile (mainnet's values, or fast ones for tests), the
// well-known accounts and the genesis service `ai-inference`.
import type { application, gateway, proof, service, session, shared, supplier, tokenomics } from "../pokt/proto/index.js";
import { LOCALNET_CHAIN_ID } from "../chain/networks.js";
import { moduleAddress } from "./modules/auth.js";
import { LLM_SERVICE_ID } from "../../../shared/services.js";

export interface LocalnetParams {
  shared: shared.Params;
  session: session.Params;
  supplier: supplier.Params;
  application: application.Params;
  gateway: gateway.Params;
  service: service.Params;
  proof: proof.Params;
  tokenomics: tokenomics.Params;
}

export interface GenesisService {
  id: string;
  name: string;
  computeUnitsPerRelay: bigint;
  ownerAddress: string;
  /** The metadata card (JSON text), stored as Service.metadata.card. */
  card?: string;
}

export interface LocalnetGenesis {
  chainId: string;
  params: LocalnetParams;
  /** Initial balances (upokt). */
  balances: Array<{ address: string; amount: bigint }>;
  services: GenesisService[];
}

/** Well-known addresses nobody holds a key for: they only receive. */
export const LOCALNET_ADDRESSES = {
  /** Pays out `localnet.faucet` requests. */
  faucet: moduleAddress("pocketforge-localnet/faucet"),
  /** tokenomics dao_reward_address. */
  dao: moduleAddress("pocketforge-localnet/dao"),
  /** Receives the block proposer's share of settlements (the localnet's single validator). */
  proposer: moduleAddress("pocketforge-localnet/validator"),
  /** Owner of the genesis service: receives its source-owner share. */
  genesisServiceOwner: moduleAddress("pocketforge-localnet/service-owner"),
} as const;

const POKT = 1_000_000n;

export const GENESIS_SERVICE_ID = LLM_SERVICE_ID;

/**
 * Which parameters a new localnet chain starts with. "mainnet-like" (the default): mainnet's values
 * (docs/protocol.md §13) except the block time, so what a newcomer earns and pays here is what
 * mainnet would charge and pay. "fast": short windows, tiny stakes and a high price per compute unit, for tests that
 * must see a whole stake → claim → proof → settlement cycle in a few seconds.
 */
export const LOCALNET_PROFILES = ["mainnet-like", "fast"] as const;
export type LocalnetProfile = (typeof LOCALNET_PROFILES)[number];
export const DEFAULT_LOCALNET_PROFILE: LocalnetProfile = "mainnet-like";

export function isLocalnetProfile(value: unknown): value is LocalnetProfile {
  return (LOCALNET_PROFILES as readonly unknown[]).includes(value);
}

const coin = (amount: bigint) => ({ denom: "upokt", amount: amount.toString() });

/** Mainnet's governance values as of v0.1.35 (docs/protocol.md §13.2–13.4); the CUTTM is re-tuned about weekly there. */
function mainnetLikeParams(): LocalnetParams {
  return {
    shared: {
      numBlocksPerSession: 20n,
      gracePeriodEndOffsetBlocks: 10n,
      claimWindowOpenOffsetBlocks: 11n,
      claimWindowCloseOffsetBlocks: 10n,
      proofWindowOpenOffsetBlocks: 1n,
      proofWindowCloseOffsetBlocks: 10n,
      supplierUnbondingPeriodSessions: 1429n,
      applicationUnbondingPeriodSessions: 3n,
      computeUnitsToTokensMultiplier: 145_990n,
      gatewayUnbondingPeriodSessions: 3n,
      computeUnitCostGranularity: 1_000_000n,
      sessionGridAnchorHeight: 1n,
      sessionNumberAtAnchor: 1n,
    },
    session: { numSuppliersPerSession: 50n },
    supplier: { minStake: coin(59_500n * POKT), stakingFee: coin(1n) },
    application: { maxDelegatedGateways: 7n, minStake: coin(1_000n * POKT) },
    gateway: { minStake: coin(5_000n * POKT) },
    service: { addServiceFee: coin(3_500n * POKT), targetNumRelays: 100_000n },
    proof: {
      proofRequestProbability: 0.01,
      proofRequirementThreshold: coin(100n),
      proofMissingPenalty: coin(1n),
      proofSubmissionFee: coin(1n),
    },
    tokenomics: tokenomicsParams(),
  };
}

/** Upstream's LocalNet pace: 10-block sessions, windows a few blocks wide, stakes of 1 POKT, 42 upokt per compute unit. */
function fastParams(): LocalnetParams {
  return {
    shared: {
      numBlocksPerSession: 10n,
      gracePeriodEndOffsetBlocks: 1n,
      claimWindowOpenOffsetBlocks: 1n,
      claimWindowCloseOffsetBlocks: 4n,
      proofWindowOpenOffsetBlocks: 0n,
      proofWindowCloseOffsetBlocks: 4n,
      supplierUnbondingPeriodSessions: 1n,
      applicationUnbondingPeriodSessions: 1n,
      computeUnitsToTokensMultiplier: 42_000_000n,
      gatewayUnbondingPeriodSessions: 1n,
      computeUnitCostGranularity: 1_000_000n,
      sessionGridAnchorHeight: 1n,
      sessionNumberAtAnchor: 1n,
    },
    session: { numSuppliersPerSession: 15n },
    supplier: { minStake: coin(1n * POKT), stakingFee: coin(1n) },
    application: { maxDelegatedGateways: 7n, minStake: coin(1n * POKT) },
    gateway: { minStake: coin(1n * POKT) },
    service: { addServiceFee: coin(1n * POKT), targetNumRelays: 1000n },
    proof: {
      proofRequestProbability: 0.25,
      // Like mainnet (100 upokt): practically every claim needs a proof, so the whole path runs.
      proofRequirementThreshold: coin(100n),
      proofMissingPenalty: coin(1n * POKT),
      proofSubmissionFee: coin(1n),
    },
    tokenomics: tokenomicsParams(),
  };
}

/** Mainnet's tokenomics (the same on beta), paying the DAO share to the localnet's DAO address. */
function tokenomicsParams(): LocalnetParams["tokenomics"] {
  return {
    mintAllocationPercentages: { dao: 0.1, proposer: 0, supplier: 0.8, sourceOwner: 0.1, application: 0 },
    daoRewardAddress: LOCALNET_ADDRESSES.dao,
    globalInflationPerClaim: 0.000001,
    mintEqualsBurnClaimDistribution: { dao: 0.045, proposer: 0.14, supplier: 0.79, sourceOwner: 0.025, application: 0 },
    mintRatio: 0.975,
    overservicingBonusMultiplier: 1n,
  };
}

export function defaultLocalnetParams(profile: LocalnetProfile = DEFAULT_LOCALNET_PROFILE): LocalnetParams {
  return profile === "fast" ? fastParams() : mainnetLikeParams();
}

/**
 * The `ai-inference` card as upstream's documentation shows it (poktroll's pocket_cards page, "Example — ai-inference"):
 * OpenAI chat completions, each supplier bringing its own model, health check GET /v1/models. Mainnet's stored
 * bytes are not in any repository; this is the documented intent.
 */
export const AI_INFERENCE_CARD = JSON.stringify({
  schema: "pocket-service-card/v1",
  description: "Decentralized AI inference gateway. OpenAI-compatible chat completions routed through POKT. BYOM: bring your own model/backend.",
  rpc_types: [{ type: "REST", intent: "expected" }],
  apis: ["openai-chat-completions"],
  access: "public",
  results: "variable",
  serving: {
    backend: "Any OpenAI-compatible inference server (vLLM, Ollama, TGI).",
    healthcheck: [{ rpc_type: "REST", request: { path: "/v1/models", method: "GET" }, expect: { json_path: "$.data", matches: "non-empty array" } }],
  },
});

export function defaultLocalnetGenesis(profile: LocalnetProfile = DEFAULT_LOCALNET_PROFILE): LocalnetGenesis {
  return {
    chainId: LOCALNET_CHAIN_ID,
    params: defaultLocalnetParams(profile),
    balances: [{ address: LOCALNET_ADDRESSES.faucet, amount: 1_000_000_000n * POKT }],
    services: [
      {
        id: GENESIS_SERVICE_ID,
        name: "AI inference (OpenAI chat completions)",
        // Mainnet's value is recorded nowhere but on chain (docs/protocol.md §13.5); upstream's LocalNet LLM service uses 100.
        computeUnitsPerRelay: 100n,
        ownerAddress: LOCALNET_ADDRESSES.genesisServiceOwner,
        card: AI_INFERENCE_CARD,
      },
    ],
  };
}

/** Genesis with some params overridden (tests and the CLI tune sessions and prices). */
export function localnetGenesis(overrides: {
  /** The parameters to start from (default mainnet-like); `params` then overrides single values. */
  profile?: LocalnetProfile;
  chainId?: string;
  params?: { [K in keyof LocalnetParams]?: Partial<LocalnetParams[K]> };
  balances?: LocalnetGenesis["balances"];
  services?: GenesisService[];
} = {}): LocalnetGenesis {
  const base = defaultLocalnetGenesis(overrides.profile);
  const params = { ...base.params };
  for (const [module, values] of Object.entries(overrides.params ?? {})) {
    (params as Record<string, unknown>)[module] = { ...(params as Record<string, object>)[module], ...values };
  }
  return {
    chainId: overrides.chainId ?? base.chainId,
    params,
    balances: [...base.balances, ...(overrides.balances ?? [])],
    services: overrides.services ?? base.services,
  };
}
