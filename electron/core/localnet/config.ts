// The localnet's genesis: chain id, module params tuned so that a whole stake → relays → claim → proof →
// settlement cycle fits in about a minute of 1-second blocks, the well-known accounts and the genesis service.
import type { application, gateway, proof, service, session, shared, supplier, tokenomics } from "../pokt/proto/index.js";
import { LOCALNET_CHAIN_ID } from "../chain/networks.js";
import { moduleAddress } from "./modules/auth.js";

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

export const GENESIS_SERVICE_ID = "ai-inference";

export function defaultLocalnetParams(): LocalnetParams {
  const coin = (amount: bigint) => ({ denom: "upokt", amount: amount.toString() });
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
    tokenomics: {
      mintAllocationPercentages: { dao: 0.1, proposer: 0, supplier: 0.8, sourceOwner: 0.1, application: 0 },
      daoRewardAddress: LOCALNET_ADDRESSES.dao,
      globalInflationPerClaim: 0.000001,
      mintEqualsBurnClaimDistribution: { dao: 0.045, proposer: 0.14, supplier: 0.79, sourceOwner: 0.025, application: 0 },
      mintRatio: 0.975,
      overservicingBonusMultiplier: 1n,
    },
  };
}

export function defaultLocalnetGenesis(): LocalnetGenesis {
  return {
    chainId: LOCALNET_CHAIN_ID,
    params: defaultLocalnetParams(),
    balances: [{ address: LOCALNET_ADDRESSES.faucet, amount: 1_000_000_000n * POKT }],
    services: [
      {
        id: GENESIS_SERVICE_ID,
        name: "AI inference (OpenAI chat completions)",
        computeUnitsPerRelay: 100n,
        ownerAddress: LOCALNET_ADDRESSES.genesisServiceOwner,
      },
    ],
  };
}

/** Genesis with some params overridden (tests and the CLI tune sessions and prices). */
export function localnetGenesis(overrides: {
  chainId?: string;
  params?: { [K in keyof LocalnetParams]?: Partial<LocalnetParams[K]> };
  balances?: LocalnetGenesis["balances"];
  services?: GenesisService[];
} = {}): LocalnetGenesis {
  const base = defaultLocalnetGenesis();
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
