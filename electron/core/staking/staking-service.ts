import type { EncodeObject, OfflineDirectSigner } from "@cosmjs/proto-signing";
import { OutboundUrlError, checkNodeUrl } from "../runtime/outbound-url.js";
import { ApiError, type MinerMetrics, type MinerStatus } from "../../../shared/api/index.js";
import type { EndpointCheck, EndpointSettings, ServiceInfo, StakeRequest, StakingParams, SupplierState, TxEstimate, TxProgress, TxResult } from "../../../shared/api/staking.js";
import type { Logger } from "../runtime/logger.js";
import { ClaimFeeEstimator } from "../chain/claim-fees.js";
import type { ChainClient } from "../chain/client.js";
import { msgs } from "../chain/msgs.js";
import type { NetworkName } from "../chain/networks.js";
import { RPCType } from "../pokt/proto/shared.js";
import type { Service, Supplier } from "../pokt/proto/shared.js";
import { startingFundsUpokt, supplierRewardShare } from "../../../shared/economics.js";
import { isByomService, isLlmService, parseServiceCard } from "../../../shared/services.js";
import { parsePoktAddress } from "../wallet/address.js";
import { EndpointStore } from "./endpoint-store.js";
import { probeEndpoint } from "./endpoint-probe.js";

/** Also a never-funded account: the chain knows nothing of it until it receives tokens. */
const INSUFFICIENT_FUNDS = /insufficient funds|does not hold enough|does not exist on chain/i;
const RPC_TYPE_NAMES = Object.fromEntries(Object.entries(RPCType).map(([name, value]) => [value, name])) as Record<number, string>;

export interface StakingChain {
  readonly client: ChainClient | undefined;
  readonly networkName: NetworkName;
}

export interface StakingWallet {
  readonly operatorAddress: string | null;
  /** Who owns the stake: null while there is no operator; custody "external" means the owner signs elsewhere. */
  owner(): { address: string; custody: "operator" | "local" | "external" } | null;
  directSigner(address?: string): OfflineDirectSigner;
  /** The operator's public key, to check the signatures of a streamed probe answer; null without an operator. */
  operatorPublicKey?(): Uint8Array | null;
}

export interface StakingMiner {
  status(): MinerStatus;
  metricsSnapshot(): MinerMetrics;
  startMining(): Promise<MinerStatus>;
  stopMining(): Promise<MinerStatus>;
}

export interface StakingServiceOptions {
  dataDir: string;
  chain: StakingChain;
  wallet: StakingWallet;
  miner: StakingMiner;
  /** Makes the relay miner answer `serviceId` with the in-process inference engine (config.json relayMiner.services). */
  serveService(serviceId: string): void;
  /** Where the relay miner listens (from its settings), e.g. http://127.0.0.1:8642. */
  listenUrl(): string;
  emit(progress: TxProgress): void;
  /** The public URL reachability proposes off localnet (a router mapping's or a tunnel's); null while there is none. */
  proposedEndpoint?: () => string | null;
  logger: Logger;
  fetch?: typeof fetch;
}

/**
 * Staking as a supplier through the engine's chain client and wallet keys: the chain's rules, the supplier's state,
 * estimates, and the transactions. Each transaction resolves once a block includes it.
 */
export class StakingService {
  private readonly endpoints: EndpointStore;

  constructor(private readonly options: StakingServiceOptions) {
    this.endpoints = new EndpointStore(options.dataDir, options.logger);
  }

  async params(): Promise<StakingParams> {
    const client = this.client();
    const [supplierParams, serviceParams, shared, proofParams, sessionParams, tokenomics] = await Promise.all([
      client.pocket.supplierParams(),
      client.pocket.serviceParams(),
      client.pocket.sharedParams(),
      client.pocket.proofParams(),
      client.pocket.sessionParams(),
      client.pocket.tokenomicsParams(),
    ]);
    const minStake = supplierParams.minStake?.amount ?? "0";
    const addServiceFee = serviceParams.addServiceFee?.amount ?? "0";
    return {
      network: this.options.chain.networkName,
      minStakeUpokt: minStake,
      stakingFeeUpokt: supplierParams.stakingFee?.amount ?? "0",
      addServiceFeeUpokt: addServiceFee,
      numBlocksPerSession: Number(shared.numBlocksPerSession),
      unbondingPeriodSessions: Number(shared.supplierUnbondingPeriodSessions),
      blockTimeMs: client.profile.blockTimeMs,
      feesPerSessionUpokt: await this.feesPerSession(client, BigInt(proofParams.proofSubmissionFee?.amount ?? "0")),
      computeUnitsToTokensMultiplier: shared.computeUnitsToTokensMultiplier.toString(),
      computeUnitCostGranularity: shared.computeUnitCostGranularity.toString(),
      proofRequirementThresholdUpokt: proofParams.proofRequirementThreshold?.amount ?? "0",
      proofRequestProbability: proofParams.proofRequestProbability,
      proofSubmissionFeeUpokt: proofParams.proofSubmissionFee?.amount ?? "0",
      proofMissingPenaltyUpokt: proofParams.proofMissingPenalty?.amount ?? "0",
      numSuppliersPerSession: Number(sessionParams.numSuppliersPerSession),
      supplierRewardShare: supplierRewardShare({
        mintRatio: tokenomics.mintRatio,
        mintEqualsBurnSupplier: tokenomics.mintEqualsBurnClaimDistribution?.supplier ?? 0,
        globalInflationPerClaim: tokenomics.globalInflationPerClaim,
        mintAllocationSupplier: tokenomics.mintAllocationPercentages?.supplier ?? 0,
      }),
      startingFundsUpokt: startingFundsUpokt(BigInt(minStake), BigInt(addServiceFee)).toString(),
    };
  }

  async supplier(operatorAddress?: string): Promise<SupplierState | null> {
    const client = this.client();
    const operator = operatorAddress ? parsePoktAddress(operatorAddress, "operator address") : this.options.wallet.operatorAddress;
    if (!operator) return null;
    const [supplier, height, shared] = await Promise.all([client.pocket.supplier(operator), client.height(), client.pocket.sharedParams()]);
    if (!supplier) return null;
    return supplierState(supplier, height, Number(shared.supplierUnbondingPeriodSessions) * Number(shared.numBlocksPerSession));
  }

  async service(serviceId: string): Promise<ServiceInfo | null> {
    const service = await this.client().pocket.service(serviceId);
    return service ? serviceInfo(service) : null;
  }

  /** Every service of this network (x/service AllServices, paged), LLM services first, then by id. */
  async services(): Promise<ServiceInfo[]> {
    const services = (await this.client().pocket.allServices()).map(serviceInfo);
    return services.sort((a, b) => Number(b.byom) - Number(a.byom) || Number(b.llm) - Number(a.llm) || a.serviceId.localeCompare(b.serviceId));
  }

  async estimateStake(request: StakeRequest): Promise<TxEstimate> {
    const client = this.client();
    const plan = await this.stakePlan(client, request);
    return this.estimate(client, plan.signer, [plan.message], plan.increase + plan.stakingFee, plan.stakingFee);
  }

  async stake(request: StakeRequest): Promise<TxResult> {
    const client = this.client();
    const plan = await this.stakePlan(client, request);
    const result = await this.broadcast(client, "stake", plan.signer, [plan.message], plan.stakingFee);
    this.endpoints.set(request.endpointUrl);
    // The chain now sends this service's relays here: a running relay miner must answer them.
    this.options.serveService(request.serviceId);
    if (this.options.miner.status().state === "running") await this.runMinerFor(request.serviceId);
    this.options.logger.info("supplier staked", { serviceId: request.serviceId, stakeUpokt: request.stakeUpokt, txHash: result.txHash });
    return result;
  }

  async unstake(): Promise<TxResult> {
    const client = this.client();
    const operator = this.requireOperator();
    const supplier = await client.pocket.supplier(operator);
    if (!supplier) throw new ApiError("not_found", "This operator has no supplier on this network: there is nothing to unstake.");
    const signer = this.localSigner(supplier.ownerAddress) ?? operator;
    return this.broadcast(client, "unstake", signer, [msgs.unstakeSupplier({ signer, operatorAddress: operator })], 0n);
  }

  async addService(params: { serviceId: string; name: string; computeUnitsPerRelay: number }): Promise<TxResult> {
    const client = this.client();
    const owner = this.payer();
    const fee = BigInt((await client.pocket.serviceParams()).addServiceFee?.amount ?? "0");
    const message = msgs.addService({
      ownerAddress: owner,
      service: { id: params.serviceId, name: params.name, computeUnitsPerRelay: BigInt(params.computeUnitsPerRelay), ownerAddress: owner },
    });
    return this.broadcast(client, "addService", owner, [message], fee);
  }

  async estimateSend(params: { fromAddress?: string; toAddress: string; amountUpokt: string }): Promise<TxEstimate> {
    const client = this.client();
    const { from, message, amount } = this.sendPlan(params);
    return this.estimate(client, from, [message], amount, 0n);
  }

  async send(params: { fromAddress?: string; toAddress: string; amountUpokt: string }): Promise<TxResult> {
    const { from, message } = this.sendPlan(params);
    return this.broadcast(this.client(), "send", from, [message], 0n);
  }

  /** The public URL chosen (and staked) as the endpoint; null until one is. */
  publicUrl(): string | null {
    return this.endpoints.get();
  }

  endpoint(): EndpointSettings {
    const listenUrl = this.options.listenUrl();
    const suggestedUrl = this.options.chain.networkName === "localnet" ? listenUrl : (this.options.proposedEndpoint?.() ?? null);
    return { publicUrl: this.endpoints.get(), listenUrl, suggestedUrl };
  }

  async setEndpoint(publicUrl: string): Promise<EndpointSettings> {
    const url = await checkNodeUrl(publicUrl, "The public endpoint").catch((error: unknown) => {
      throw error instanceof OutboundUrlError ? new ApiError("invalid_params", error.message, { field: "publicUrl" }) : error;
    });
    this.endpoints.set(url.toString().replace(/\/$/, ""));
    return this.endpoint();
  }

  /**
   * Makes sure the relay miner listens (serving the model's service), then probes the public URL with a signed relay.
   * Starting the miner early is harmless: until the stake is in, no gateway sends it relays.
   */
  async checkEndpoint(url: string, serviceId: string): Promise<EndpointCheck> {
    const operator = this.requireOperator();
    this.options.serveService(serviceId);
    await this.runMinerFor(serviceId);
    return probeEndpoint({ url, serviceId, operatorAddress: operator, minerActivity: () => this.minerActivity(), operatorPublicKey: this.operatorPublicKey(), fetch: this.options.fetch });
  }

  /**
   * The same signed test relay, for the reachability check: it neither starts the relay miner nor changes what it
   * serves (a miner that is not running simply does not answer).
   */
  async probe(url: string): Promise<EndpointCheck> {
    const operator = this.requireOperator();
    const serviceId = this.options.miner.status().services[0]?.serviceId ?? "ai-inference";
    return probeEndpoint({ url, serviceId, operatorAddress: operator, minerActivity: () => this.minerActivity(), operatorPublicKey: this.operatorPublicKey(), fetch: this.options.fetch });
  }

  /** Lets the probe tell this operator's signed stream batches from another miner's. */
  private operatorPublicKey(): Uint8Array | undefined {
    return this.options.wallet.operatorPublicKey?.() ?? undefined;
  }

  // ---------------------------------------------------------------------------------------------------

  /** Requests this engine's relay miner has handled (relays and refusals): a probe that reaches it moves this. */
  private async minerActivity(): Promise<number> {
    const m = this.options.miner.metricsSnapshot();
    return m.relaysTotal + m.errorsByCode.reduce((sum, e) => sum + e.count, 0);
  }

  /** Starts the relay miner, or restarts it when it runs without this service (it reads its services at start). */
  private async runMinerFor(serviceId: string): Promise<void> {
    const status = this.options.miner.status();
    if (status.state === "running" && status.services.some((s) => s.serviceId === serviceId)) return;
    if (status.state === "running") await this.options.miner.stopMining();
    await this.options.miner.startMining();
  }

  private client(): ChainClient {
    const client = this.options.chain.client;
    if (!client) throw new ApiError("unavailable", `The ${this.options.chain.networkName} node is not reachable: pick a network that answers in Settings.`);
    return client;
  }

  private requireOperator(): string {
    const operator = this.options.wallet.operatorAddress;
    if (!operator) throw new ApiError("conflict", "There is no operator account yet: create or import one on the Wallet page.");
    return operator;
  }

  /** The address that pays and owns: the owner when its key is in this wallet. */
  private payer(): string {
    const owner = this.options.wallet.owner();
    if (owner?.custody === "external") {
      throw new ApiError("conflict", "The owner key is outside PocketForge: sign this with it (the Stake step prepares the pocketd command).");
    }
    return owner?.address ?? this.requireOperator();
  }

  private localSigner(address: string): string | null {
    const owner = this.options.wallet.owner();
    if (address === this.options.wallet.operatorAddress) return address;
    return owner && owner.custody !== "external" && owner.address === address ? address : null;
  }

  private async stakePlan(client: ChainClient, request: StakeRequest) {
    const operator = this.requireOperator();
    const owner = this.payer();
    const [existing, supplierParams] = await Promise.all([client.pocket.supplier(operator), client.pocket.supplierParams()]);
    const target = BigInt(request.stakeUpokt);
    const current = BigInt(existing?.stake?.amount ?? "0");
    // The signer pays the stake increase: the owner. Changing services needs the operator's signature, and an
    // unchanged or lower stake costs the operator nothing but the fee.
    const signer = target > current ? owner : operator;
    const message = msgs.stakeSupplier({
      signer,
      ownerAddress: existing?.ownerAddress ?? owner,
      operatorAddress: operator,
      stake: { denom: "upokt", amount: request.stakeUpokt },
      services: [
        {
          serviceId: request.serviceId,
          // OpenAI-style HTTP: REST, as the ai-inference card expects and PATH sends (Rpc-Type 4, docs/protocol.md §13.6).
          endpoints: [{ url: request.endpointUrl, rpcType: RPCType.REST, configs: [] }],
          revShare: (request.revShare ?? [{ address: existing?.ownerAddress ?? owner, percent: 100 }]).map((r) => ({
            address: parsePoktAddress(r.address, "rev-share address"),
            revSharePercentage: BigInt(r.percent),
          })),
        },
      ],
    });
    return { signer, message, increase: target > current ? target - current : 0n, stakingFee: BigInt(supplierParams.stakingFee?.amount ?? "0") };
  }

  private sendPlan(params: { fromAddress?: string; toAddress: string; amountUpokt: string }) {
    const from = params.fromAddress ? parsePoktAddress(params.fromAddress, "sender address") : this.requireOperator();
    const to = parsePoktAddress(params.toAddress, "recipient address");
    const amount = BigInt(params.amountUpokt);
    if (amount <= 0n) throw new ApiError("invalid_params", "Send more than 0 upokt.");
    return { from, message: msgs.send(from, to, amount), amount };
  }

  private async estimate(client: ChainClient, signer: string, messages: EncodeObject[], spend: bigint, extraFee: bigint): Promise<TxEstimate> {
    const balance = await client.balance(signer);
    let gas: number;
    try {
      gas = await client.simulate(this.options.wallet.directSigner(signer), signer, messages);
    } catch (error) {
      // The chain refuses to simulate what the account cannot pay; the shortfall is still known (gas aside, a few upokt).
      if (!INSUFFICIENT_FUNDS.test(error instanceof Error ? error.message : String(error))) throw error;
      gas = 0;
    }
    const fee = client.feeForSimulatedGas(gas) + extraFee;
    const needed = spend + client.feeForSimulatedGas(gas);
    const shortfall = needed > balance ? needed - balance : 0n;
    return {
      signerAddress: signer,
      balanceUpokt: balance.toString(),
      feeUpokt: fee.toString(),
      amountUpokt: (spend - extraFee).toString(),
      enough: shortfall === 0n,
      shortfallUpokt: shortfall.toString(),
      gas,
    };
  }

  private async broadcast(client: ChainClient, kind: TxProgress["kind"], signer: string, messages: EncodeObject[], extraFee: bigint): Promise<TxResult> {
    const emit = (stage: TxProgress["stage"], patch: Partial<TxProgress> = {}) =>
      this.options.emit({ kind, stage, txHash: null, height: null, error: null, ...patch });
    emit("signing");
    try {
      const signerKeys = this.options.wallet.directSigner(signer);
      emit("broadcasting");
      const outcome = await client.signAndBroadcast(signerKeys, signer, messages);
      const fee = client.feeForGasLimit(outcome.gasWanted) + extraFee;
      emit("included", { txHash: outcome.txHash, height: outcome.height });
      return { txHash: outcome.txHash, height: outcome.height, feeUpokt: fee.toString() };
    } catch (error) {
      emit("failed", { error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  /** A claim plus a proof (priced as the relay miner prices them) plus the proof submission fee; null while the operator cannot sign. */
  private async feesPerSession(client: ChainClient, proofSubmissionFee: bigint): Promise<string | null> {
    const operator = this.options.wallet.operatorAddress;
    if (!operator) return null;
    try {
      const fees = new ClaimFeeEstimator(client, (address) => this.options.wallet.directSigner(address)).typicalSessionFees();
      return (fees.claimUpokt + fees.proofUpokt + proofSubmissionFee).toString();
    } catch (error) {
      this.options.logger.debug("could not price a session's fees", { error });
      return null;
    }
  }
}

function serviceInfo(service: Service): ServiceInfo {
  const card = parseServiceCard(service.metadata?.card);
  return {
    serviceId: service.id,
    name: service.name,
    computeUnitsPerRelay: Number(service.computeUnitsPerRelay),
    ownerAddress: service.ownerAddress,
    card,
    byom: isByomService(service.id, card),
    llm: isLlmService(service.id, card),
  };
}

function supplierState(supplier: Supplier, height: number, unbondingBlocks: number): SupplierState {
  const unstakeEnd = Number(supplier.unstakeSessionEndHeight ?? 0n);
  return {
    operatorAddress: supplier.operatorAddress,
    ownerAddress: supplier.ownerAddress,
    stakeUpokt: supplier.stake?.amount ?? "0",
    services: supplier.services.map((service) => ({
      serviceId: service.serviceId,
      endpoints: service.endpoints.map((e) => ({ url: e.url, rpcType: RPC_TYPE_NAMES[Number(e.rpcType)] ?? String(e.rpcType) })),
      revShare: service.revShare.map((r) => ({ address: r.address, percent: Number(r.revSharePercentage) })),
    })),
    unstakeSessionEndHeight: unstakeEnd || null,
    unbondingEndHeight: unstakeEnd ? unstakeEnd + unbondingBlocks : null,
    height,
  };
}
