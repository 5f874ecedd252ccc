// The localnet's state machine: the modules wired over one store, the ante handler (gas, timeout height,
// signatures, sequences, fees), Msg routing with all-or-nothing Msg execution, the gRPC query router, genesis
// and the EndBlock order (proof validation, settlement, unbonding).
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { Decimal } from "@cosmjs/math";
import { feeForGas } from "../chain/fees.js";
import { application, gateway, proof, queries, service, shared, supplier } from "../pokt/proto/index.js";
import { EventSink, type AbciEvent, type ChainContext } from "./context.js";
import type { LocalnetGenesis } from "./config.js";
import { LOCALNET_ADDRESSES } from "./config.js";
import { TxError, sdkErrors, unimplemented } from "./errors.js";
import { ApplicationModule } from "./modules/application.js";
import { AuthModule, moduleAddress } from "./modules/auth.js";
import { BankModule } from "./modules/bank.js";
import { GatewayModule } from "./modules/gateway.js";
import { ParamsModule } from "./modules/params.js";
import { ProofModule } from "./modules/proof.js";
import { ServiceModule } from "./modules/service.js";
import { SessionModule, type SessionLookup } from "./modules/session.js";
import { SupplierModule } from "./modules/supplier.js";
import { TokenomicsModule } from "./modules/tokenomics.js";
import { GAS, GasMeter } from "./state/gas.js";
import type { Store } from "./state/store.js";
import { directSignBytes, publicKeyMatchesAddress, verifyDirectSignature, type DecodedTx } from "./tx-verifier.js";

export const FEE_COLLECTOR_ADDRESS = moduleAddress("fee_collector");

interface MsgRoute {
  decode(bytes: Uint8Array): any;
  signer(msg: any): string;
  /** undefined: the Msg is known (and its signer) but the localnet does not execute it. */
  handle?: (ctx: ChainContext, msg: any) => Uint8Array;
  module: string;
}

export type ExecMode = "check" | "simulate" | "deliver";

export interface TxExecution {
  code: number;
  codespace: string;
  log: string;
  data: Uint8Array;
  gasWanted: bigint;
  gasUsed: bigint;
  events: AbciEvent[];
}

export interface AnteOptions {
  /** The sequence CheckTx expects (committed sequence + this signer's txs already in the mempool). */
  expectedSequence?(address: string): bigint | undefined;
  /** Fees of mempool txs not yet charged, which the payer's balance must also cover at CheckTx. */
  reservedFees?(payer: string): bigint;
  /** Signatures already verified for this exact tx (CheckTx → DeliverTx). */
  signaturesVerified?: boolean;
  minGasPrice: Decimal;
}

export class PocketApp {
  readonly auth: AuthModule;
  readonly bank: BankModule;
  readonly params: ParamsModule;
  readonly services: ServiceModule;
  readonly suppliers: SupplierModule;
  readonly gateways: GatewayModule;
  readonly applications: ApplicationModule;
  readonly sessions: SessionModule;
  readonly proofs: ProofModule;
  readonly tokenomics: TokenomicsModule;
  private readonly routes: Map<string, MsgRoute>;
  private readonly queryRoutes: Map<string, (data: Uint8Array, lookup: SessionLookup) => Uint8Array>;

  constructor(
    readonly store: Store,
    readonly chainId: string,
  ) {
    this.auth = new AuthModule(store);
    this.bank = new BankModule(store, this.auth);
    this.params = new ParamsModule(store);
    this.services = new ServiceModule(store, this.bank, this.params);
    this.suppliers = new SupplierModule(store, this.bank, this.params, this.services);
    this.gateways = new GatewayModule(store, this.bank, this.params);
    this.applications = new ApplicationModule(store, this.bank, this.params, this.services, this.gateways);
    this.sessions = new SessionModule(this.params, this.applications, this.suppliers);
    this.proofs = new ProofModule(store, this.auth, this.bank, this.params, this.services, this.sessions, this.applications);
    this.tokenomics = new TokenomicsModule(
      this.bank,
      this.params,
      this.services,
      this.suppliers,
      this.applications,
      this.proofs,
      LOCALNET_ADDRESSES.proposer,
    );
    this.routes = this.msgRoutes();
    this.queryRoutes = this.grpcRoutes();
  }

  private msgRoutes(): Map<string, MsgRoute> {
    const route = (typeUrl: string, r: MsgRoute) => [typeUrl, r] as const;
    return new Map<string, MsgRoute>([
      route("/cosmos.bank.v1beta1.MsgSend", {
        decode: (b) => MsgSend.decode(b),
        signer: (m: MsgSend) => m.fromAddress,
        handle: (ctx, m) => this.bank.handleSend(ctx, m),
        module: "bank",
      }),
      route(supplier.MsgStakeSupplier.typeUrl, {
        decode: (b) => supplier.MsgStakeSupplier.decode(b),
        signer: (m: supplier.MsgStakeSupplier) => m.signer,
        handle: (ctx, m) => this.suppliers.handleStake(ctx, m),
        module: "supplier",
      }),
      route(supplier.MsgUnstakeSupplier.typeUrl, {
        decode: (b) => supplier.MsgUnstakeSupplier.decode(b),
        signer: (m: supplier.MsgUnstakeSupplier) => m.signer,
        handle: (ctx, m) => this.suppliers.handleUnstake(ctx, m),
        module: "supplier",
      }),
      route(service.MsgAddService.typeUrl, {
        decode: (b) => service.MsgAddService.decode(b),
        signer: (m: service.MsgAddService) => m.ownerAddress,
        handle: (ctx, m) => this.services.handleAddService(ctx, m),
        module: "service",
      }),
      route(service.MsgTransferService.typeUrl, {
        decode: (b) => service.MsgTransferService.decode(b),
        signer: (m: service.MsgTransferService) => m.ownerAddress,
        module: "service",
      }),
      route(application.MsgStakeApplication.typeUrl, {
        decode: (b) => application.MsgStakeApplication.decode(b),
        signer: (m: application.MsgStakeApplication) => m.address,
        handle: (ctx, m) => this.applications.handleStake(ctx, m),
        module: "application",
      }),
      route(application.MsgUnstakeApplication.typeUrl, {
        decode: (b) => application.MsgUnstakeApplication.decode(b),
        signer: (m: application.MsgUnstakeApplication) => m.address,
        handle: (ctx, m) => this.applications.handleUnstake(ctx, m),
        module: "application",
      }),
      route(application.MsgDelegateToGateway.typeUrl, {
        decode: (b) => application.MsgDelegateToGateway.decode(b),
        signer: (m: application.MsgDelegateToGateway) => m.appAddress,
        handle: (ctx, m) => this.applications.handleDelegate(ctx, m),
        module: "application",
      }),
      route(application.MsgUndelegateFromGateway.typeUrl, {
        decode: (b) => application.MsgUndelegateFromGateway.decode(b),
        signer: (m: application.MsgUndelegateFromGateway) => m.appAddress,
        handle: (ctx, m) => this.applications.handleUndelegate(ctx, m),
        module: "application",
      }),
      route(application.MsgTransferApplication.typeUrl, {
        decode: (b) => application.MsgTransferApplication.decode(b),
        signer: (m: application.MsgTransferApplication) => m.sourceAddress,
        module: "application",
      }),
      route(gateway.MsgStakeGateway.typeUrl, {
        decode: (b) => gateway.MsgStakeGateway.decode(b),
        signer: (m: gateway.MsgStakeGateway) => m.address,
        handle: (ctx, m) => this.gateways.handleStake(ctx, m),
        module: "gateway",
      }),
      route(gateway.MsgUnstakeGateway.typeUrl, {
        decode: (b) => gateway.MsgUnstakeGateway.decode(b),
        signer: (m: gateway.MsgUnstakeGateway) => m.address,
        handle: (ctx, m) => this.gateways.handleUnstake(ctx, m),
        module: "gateway",
      }),
      route(gateway.MsgUpdateGatewayMetadata.typeUrl, {
        decode: (b) => gateway.MsgUpdateGatewayMetadata.decode(b),
        signer: (m: gateway.MsgUpdateGatewayMetadata) => m.address,
        module: "gateway",
      }),
      route(proof.MsgCreateClaim.typeUrl, {
        decode: (b) => proof.MsgCreateClaim.decode(b),
        signer: (m: proof.MsgCreateClaim) => m.supplierOperatorAddress,
        handle: (ctx, m) => this.proofs.handleCreateClaim(ctx, m),
        module: "proof",
      }),
      route(proof.MsgSubmitProof.typeUrl, {
        decode: (b) => proof.MsgSubmitProof.decode(b),
        signer: (m: proof.MsgSubmitProof) => m.supplierOperatorAddress,
        handle: (ctx, m) => this.proofs.handleSubmitProof(ctx, m),
        module: "proof",
      }),
    ]);
  }

  private grpcRoutes(): Map<string, (data: Uint8Array, lookup: SessionLookup) => Uint8Array> {
    const q = queries;
    return new Map<string, (data: Uint8Array, lookup: SessionLookup) => Uint8Array>([
      ["/cosmos.auth.v1beta1.Query/Account", (d) => this.auth.queryAccount(d)],
      ["/cosmos.bank.v1beta1.Query/Balance", (d) => this.bank.queryBalance(d)],
      ["/cosmos.bank.v1beta1.Query/AllBalances", (d) => this.bank.queryAllBalances(d)],
      ["/cosmos.bank.v1beta1.Query/SupplyOf", (d) => this.bank.querySupplyOf(d)],
      [q.sessionParams.path, () => this.sessions.queryParams()],
      [q.getSession.path, (d, lookup) => this.sessions.queryGetSession(d, lookup)],
      [q.sharedParams.path, () => shared.QueryParamsResponse.toBytes({ params: this.params.get("shared") })],
      [
        q.sharedParamsAtHeight.path,
        (d) => shared.QueryParamsAtHeightResponse.toBytes({ params: this.params.sharedAt(shared.QueryParamsAtHeightRequest.decode(d).height) }),
      ],
      [q.supplierParams.path, () => this.suppliers.queryParams()],
      [q.supplier.path, (d) => this.suppliers.querySupplier(d)],
      [q.allSuppliers.path, (d, lookup) => this.suppliers.queryAllSuppliers(d, lookup.latestHeight)],
      [q.serviceParams.path, () => this.services.queryParams()],
      [q.service.path, (d) => this.services.queryService(d)],
      [q.allServices.path, (d) => this.services.queryAllServices(d)],
      [q.relayMiningDifficulty.path, (d, lookup) => this.services.queryDifficulty(d, lookup.latestHeight)],
      [q.relayMiningDifficultyAll.path, (d) => this.services.queryAllDifficulties(d)],
      [q.relayMiningDifficultyAtHeight.path, (d) => this.services.queryDifficultyAtHeight(d)],
      [q.relayMiningDifficultyHistory.path, (d) => this.services.queryDifficultyHistory(d)],
      [q.computeUnitsPerRelayAtHeight.path, (d) => this.services.queryCuprAtHeight(d)],
      [q.computeUnitsPerRelayHistory.path, (d) => this.services.queryCuprHistory(d)],
      [q.proofParams.path, () => this.proofs.queryParams()],
      [q.claim.path, (d) => this.proofs.queryClaim(d)],
      [q.allClaims.path, (d) => this.proofs.queryAllClaims(d)],
      [q.proof.path, (d) => this.proofs.queryProof(d)],
      [q.allProofs.path, (d) => this.proofs.queryAllProofs(d)],
      [q.applicationParams.path, () => this.applications.queryParams()],
      [q.application.path, (d) => this.applications.queryApplication(d)],
      [q.allApplications.path, (d) => this.applications.queryAllApplications(d)],
      [q.gatewayParams.path, () => this.gateways.queryParams()],
      [q.gateway.path, (d) => this.gateways.queryGateway(d)],
      [q.allGateways.path, (d) => this.gateways.queryAllGateways(d)],
      [q.tokenomicsParams.path, () => this.tokenomics.queryParams()],
    ]);
  }

  /** Signers of one Msg (what decodeTx needs); an unknown type URL is a parse error, like the SDK's. */
  signersOf = (message: Any): string[] => {
    const route = this.routes.get(message.typeUrl);
    if (route === undefined) throw sdkErrors.txDecode(`unable to resolve type URL ${message.typeUrl}`);
    let decoded: unknown;
    try {
      decoded = route.decode(message.value);
    } catch (error) {
      throw sdkErrors.txDecode(`${message.typeUrl}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return [route.signer(decoded)];
  };

  initGenesis(genesis: LocalnetGenesis): void {
    // Module accounts exist from genesis, as on a real chain (their creation is never charged to a tx).
    for (const name of ["fee_collector", "supplier", "application", "gateway", "service", "proof", "tokenomics"]) {
      this.auth.ensure(moduleAddress(name));
    }
    for (const [module, params] of Object.entries(genesis.params)) {
      this.params.set(module as keyof LocalnetGenesis["params"], params as never, 1n);
    }
    for (const { address, amount } of genesis.balances) this.bank.mint(address, amount);
    for (const svc of genesis.services) {
      const metadata = svc.card === undefined ? undefined : { card: new TextEncoder().encode(svc.card) };
      this.services.put({ id: svc.id, name: svc.name, computeUnitsPerRelay: svc.computeUnitsPerRelay, ownerAddress: svc.ownerAddress, metadata }, 1n);
    }
  }

  query(path: string, data: Uint8Array, lookup: SessionLookup): Uint8Array {
    const handler = this.queryRoutes.get(path);
    if (handler === undefined) throw unimplemented(`unknown query path ${path}`);
    return handler(data, lookup);
  }

  /** Ante handler then (except at CheckTx) the Msgs; throws only for failures that keep a tx out of a block. */
  runTx(ctx: ChainContext, tx: DecodedTx, mode: ExecMode, options: AnteOptions): TxExecution {
    const meter = new GasMeter(mode === "simulate" ? undefined : tx.gasLimit);
    const txEvents = new EventSink();
    const ante = () =>
      this.store.metered(meter, () => this.ante({ ...ctx, events: txEvents }, tx, mode, meter, options));
    if (mode === "check") {
      this.store.discarding(ante);
      return { code: 0, codespace: "", log: "", data: new Uint8Array(0), gasWanted: tx.gasLimit, gasUsed: meter.used, events: [] };
    }
    // Ante failures in a block leave no trace but the result code; at simulation they are reported as such.
    this.store.atomically(ante);

    const responses: Any[] = [];
    const msgEvents = new EventSink();
    try {
      this.store.atomically(() =>
        this.store.metered(meter, () => {
          tx.messages.forEach((message, index) => {
            const route = this.routes.get(message.typeUrl)!;
            const sink = new EventSink();
            const msgCtx: ChainContext = { ...ctx, events: sink };
            if (route.handle === undefined) throw sdkErrors.notSupported(`the localnet does not execute ${message.typeUrl}`);
            const decoded = route.decode(message.value);
            sink.emit("message", { action: message.typeUrl, sender: route.signer(decoded), module: route.module });
            const value = route.handle(msgCtx, decoded);
            responses.push({ typeUrl: `${message.typeUrl}Response`, value });
            msgEvents.absorb(sink, { msg_index: String(index) });
          });
        }),
      );
    } catch (error) {
      if (!(error instanceof TxError)) throw error;
      const index = responses.length;
      return {
        code: error.code,
        codespace: error.codespace,
        log: `failed to execute message; message index: ${index}: ${error.message}`,
        data: new Uint8Array(0),
        gasWanted: tx.gasLimit,
        gasUsed: meter.used,
        events: txEvents.events,
      };
    }
    const events = new EventSink();
    events.absorb(txEvents);
    events.absorb(msgEvents);
    return {
      code: 0,
      codespace: "",
      log: "",
      data: TxMsgData.encode({ data: [], msgResponses: responses }).finish(),
      gasWanted: tx.gasLimit,
      gasUsed: meter.used,
      events: events.events,
    };
  }

  private ante(ctx: ChainContext, tx: DecodedTx, mode: ExecMode, meter: GasMeter, options: AnteOptions): void {
    meter.consume(GAS.txSizePerByte * BigInt(tx.raw.length), "txSize");
    const timeout = tx.body.timeoutHeight;
    if (timeout > 0n && ctx.height > timeout) {
      throw sdkErrors.txTimeoutHeight(`block height: ${ctx.height}, timeout height: ${timeout}`);
    }
    if (mode === "check") {
      const required = requiredFee(tx.gasLimit, options.minGasPrice);
      if (tx.fee < required) throw sdkErrors.insufficientFee(`insufficient fees; got: ${tx.fee}upokt required: ${required}upokt`);
    }
    const keys: Uint8Array[] = [];
    tx.signers.forEach((signer, index) => {
      const account = this.auth.get(signer);
      if (account === undefined) throw sdkErrors.unknownAddress(`account ${signer} does not exist`);
      const given = tx.signerPublicKeys[index];
      if (given !== undefined && !publicKeyMatchesAddress(given, signer)) {
        throw sdkErrors.invalidPubKey(`pubKey does not match signer address ${signer} with signer index: ${index}`);
      }
      const key = this.auth.publicKeyOf(signer) ?? given;
      if (key === undefined) throw sdkErrors.invalidPubKey(`pubkey on account ${signer} is not set`);
      keys.push(key);
      meter.consume(GAS.secp256k1Verify, "ante verify: secp256k1");
      if (mode === "simulate") return;
      const expected = options.expectedSequence?.(signer) ?? account.sequence;
      if (tx.sequences[index] !== expected) {
        throw sdkErrors.wrongSequence(`account sequence mismatch, expected ${expected}, got ${tx.sequences[index]}`);
      }
      if (!options.signaturesVerified) {
        const signBytes = directSignBytes(tx, ctx.chainId, account.accountNumber);
        if (!verifyDirectSignature(key, signBytes, tx.signatures[index])) {
          throw sdkErrors.unauthorized(
            `signature verification failed; please verify account number (${account.accountNumber}), sequence (${account.sequence}) and chain-id (${ctx.chainId})`,
          );
        }
      }
    });
    const spendable = this.bank.balance(tx.feePayer) - (options.reservedFees?.(tx.feePayer) ?? 0n);
    if (spendable < tx.fee) {
      throw sdkErrors.insufficientFunds(`insufficient funds to pay for fees; ${spendable < 0n ? 0n : spendable}upokt < ${tx.fee}upokt`);
    }
    // Simulations carry no fee; moving one upokt anyway (the writes are discarded) makes the estimate include
    // the fee transfer the real transaction will pay gas for.
    const charged = mode === "simulate" && tx.fee === 0n && spendable > 0n ? 1n : tx.fee;
    this.bank.send(tx.feePayer, FEE_COLLECTOR_ADDRESS, charged);
    ctx.events.emit("tx", { fee: `${tx.fee}upokt`, fee_payer: tx.feePayer });
    tx.signers.forEach((signer, index) => {
      if (this.auth.publicKeyOf(signer) === undefined) this.auth.setPublicKey(signer, keys[index]);
      ctx.events.emit("tx", { acc_seq: `${signer}/${tx.sequences[index]}` });
      this.auth.incrementSequence(signer);
    });
  }

  /** EndBlock: proof validation, then settlement, then the unbonding queues. */
  endBlock(ctx: ChainContext): void {
    this.proofs.endBlock(ctx);
    this.tokenomics.endBlock(ctx);
    this.suppliers.endBlock(ctx);
    this.applications.endBlock(ctx);
    this.gateways.endBlock(ctx);
  }
}

/** The smallest fee a validator accepts: priced as the client prices its transactions. */
export function requiredFee(gasLimit: bigint, minGasPrice: Decimal): bigint {
  return feeForGas(gasLimit, minGasPrice);
}

