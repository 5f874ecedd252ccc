// The localnet's demand side: an application and a gateway that fund themselves from the faucet, stake,
// delegate, then at a set rate send a signed chat-completion relay to every supplier of the current session
// and check each answer as a gateway does; a share of the relays ask for a streamed answer, read batch by batch.
// Works against the embedded or a shared standalone localnet.
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { existsSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import type { ChainClient } from "../../chain/client.js";
import { msgs } from "../../chain/msgs.js";
import { addressFromPublicKey, publicKeyFromPrivateKey } from "../../pokt/keys.js";
import type { session } from "../../pokt/proto/index.js";
import { RPCType } from "../../pokt/proto/shared.js";
import { ringAddressesForApplication, ringPublicKeysForAddresses } from "../../pokt/ring/index.js";
import { writeFileAtomic } from "../../runtime/atomic-file.js";
import { chatRequest } from "./prompts.js";
import { sendRelay, type RelayTarget } from "./relay-client.js";
import { TrafficRecorder, type TrafficStats } from "./stats.js";

export interface TrafficKeys {
  application: Uint8Array;
  gateway: Uint8Array;
}

/** The generator's two throwaway localnet keys, kept beside the chain so a restart reuses its staked actors. */
export function loadOrCreateTrafficKeys(path: string): TrafficKeys {
  if (existsSync(path)) {
    const json = JSON.parse(readFileSync(path, "utf8")) as { application: string; gateway: string };
    return { application: Buffer.from(json.application, "hex"), gateway: Buffer.from(json.gateway, "hex") };
  }
  const keys = { application: new Uint8Array(randomBytes(32)), gateway: new Uint8Array(randomBytes(32)) };
  writeFileAtomic(
    path,
    JSON.stringify({
      note: "localnet-only traffic generator keys; never fund them on a real network",
      application: Buffer.from(keys.application).toString("hex"),
      gateway: Buffer.from(keys.gateway).toString("hex"),
    }),
  );
  return keys;
}

interface TrafficLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface TrafficGeneratorOptions {
  client: ChainClient;
  faucet(address: string, amount: bigint): Promise<unknown>;
  keys: TrafficKeys;
  serviceId: string;
  /** Relays per second to each supplier of the session. */
  ratePerSecond?: number;
  model?: string;
  applicationStakeUpokt?: bigint;
  gatewayStakeUpokt?: bigint;
  relayTimeoutMs?: number;
  /** Bound on a streamed answer, from sending to its end (default 600 s). */
  streamTimeoutMs?: number;
  /** Share of relays that ask for a streamed answer, 0 to 1 (default 0.5: every other one). */
  streamShare?: number;
  /** Cap on relays in flight (a slow supplier must not pile up requests). */
  maxInFlight?: number;
  logger?: TrafficLogger;
  /** Called after every relay and state change (throttled by the caller if needed). */
  onStats?(stats: TrafficStats): void;
}

const POKT = 1_000_000n;
const CHAT_PATH = "/v1/chat/completions";

export class TrafficGenerator {
  private readonly recorder = new TrafficRecorder();
  private readonly appAddress: string;
  private readonly gatewayAddress: string;
  private readonly appPublicKey: Uint8Array;
  private readonly gatewayPublicKey: Uint8Array;
  private rate: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight = 0;
  private sequence = 0;
  private session: session.Session | undefined;
  private readonly publicKeys = new Map<string, Uint8Array>();
  private ticking = false;

  constructor(private readonly options: TrafficGeneratorOptions) {
    this.appPublicKey = publicKeyFromPrivateKey(options.keys.application);
    this.gatewayPublicKey = publicKeyFromPrivateKey(options.keys.gateway);
    this.appAddress = addressFromPublicKey(this.appPublicKey);
    this.gatewayAddress = addressFromPublicKey(this.gatewayPublicKey);
    this.publicKeys.set(this.appAddress, this.appPublicKey);
    this.publicKeys.set(this.gatewayAddress, this.gatewayPublicKey);
    this.rate = options.ratePerSecond ?? 1;
  }

  get applicationAddress(): string {
    return this.appAddress;
  }

  get gatewayAddressValue(): string {
    return this.gatewayAddress;
  }

  stats(): TrafficStats {
    return this.recorder.snapshot({
      running: this.running,
      ratePerSecond: this.rate,
      serviceId: this.options.serviceId,
      applicationAddress: this.appAddress,
      gatewayAddress: this.gatewayAddress,
    });
  }

  /** Funds, stakes and delegates as needed, then starts sending. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.prepareActors();
    this.running = true;
    this.schedule();
    this.options.logger?.info("traffic generator started", { rate: this.rate, app: this.appAddress, gateway: this.gatewayAddress });
    this.publish();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.publish();
  }

  setRate(ratePerSecond: number): void {
    if (!(ratePerSecond > 0 && ratePerSecond <= 100)) throw new RangeError("rate must be in (0, 100] relays per second");
    this.rate = ratePerSecond;
    if (this.running) this.schedule();
    this.publish();
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => void this.tick(), Math.max(10, Math.round(1000 / this.rate)));
  }

  private publish(): void {
    this.options.onStats?.(this.stats());
  }

  private async prepareActors(): Promise<void> {
    const { client } = this.options;
    // At least the chain's minimum stakes (1,000 and 5,000 POKT on a mainnet-like localnet).
    const [applicationParams, gatewayParams] = await Promise.all([client.pocket.applicationParams(), client.pocket.gatewayParams()]);
    const atLeastMinimum = (wanted: bigint, minimum: string | undefined) => (BigInt(minimum ?? "0") > wanted ? BigInt(minimum!) : wanted);
    const appStake = this.options.applicationStakeUpokt ?? atLeastMinimum(10_000n * POKT, applicationParams.minStake?.amount);
    const gatewayStake = this.options.gatewayStakeUpokt ?? atLeastMinimum(10n * POKT, gatewayParams.minStake?.amount);
    const gas = 10n * POKT;
    const appWallet = await DirectSecp256k1Wallet.fromKey(this.options.keys.application, "pokt");
    const gatewayWallet = await DirectSecp256k1Wallet.fromKey(this.options.keys.gateway, "pokt");

    const gateway = await client.pocket.gateway(this.gatewayAddress);
    if (gateway === undefined) {
      await this.fund(this.gatewayAddress, gatewayStake + gas);
      await client.signAndBroadcast(gatewayWallet, this.gatewayAddress, [
        msgs.stakeGateway({ address: this.gatewayAddress, stake: { denom: "upokt", amount: gatewayStake.toString() } }),
      ]);
    }
    let application = await client.pocket.application(this.appAddress);
    if (application === undefined || application.serviceConfigs[0]?.serviceId !== this.options.serviceId) {
      const current = BigInt(application?.stake?.amount ?? "0");
      const target = current > appStake ? current : appStake;
      await this.fund(this.appAddress, target - current + gas);
      await client.signAndBroadcast(appWallet, this.appAddress, [
        msgs.stakeApplication({
          address: this.appAddress,
          stake: { denom: "upokt", amount: target.toString() },
          services: [{ serviceId: this.options.serviceId }],
        }),
      ]);
      application = await client.pocket.application(this.appAddress);
    }
    if (!application?.delegateeGatewayAddresses.includes(this.gatewayAddress)) {
      await client.signAndBroadcast(appWallet, this.appAddress, [
        msgs.delegateToGateway({ appAddress: this.appAddress, gatewayAddress: this.gatewayAddress }),
      ]);
    }
  }

  private async fund(address: string, needed: bigint): Promise<void> {
    const balance = await this.options.client.balance(address);
    if (balance >= needed) return;
    await this.options.faucet(address, needed - balance);
  }

  private async tick(): Promise<void> {
    if (!this.running || this.ticking) return;
    this.ticking = true;
    try {
      const current = await this.currentSession();
      const header = current.header!;
      const signer = { gatewayPrivateKey: this.options.keys.gateway, ringPublicKeys: await this.ring(header.sessionEndBlockHeight) };
      for (const supplier of current.suppliers) {
        const endpoint = supplier.services
          .find((config) => config.serviceId === header.serviceId)
          ?.endpoints.find((e) => /^https?:\/\//.test(e.url) && e.rpcType !== RPCType.WEBSOCKET);
        if (endpoint === undefined) continue;
        if (this.inFlight >= (this.options.maxInFlight ?? 32)) {
          this.recorder.record(supplier.operatorAddress, { ok: false, latencyMs: 0, reason: "backpressure", detail: "too many relays in flight" });
          continue;
        }
        const target: RelayTarget = {
          header,
          supplierOperatorAddress: supplier.operatorAddress,
          endpointUrl: endpoint.url,
          rpcType: endpoint.rpcType,
          supplierPublicKey: await this.publicKeyOf(supplier.operatorAddress),
        };
        const sequence = this.sequence++;
        const stream = streams(sequence, this.options.streamShare ?? 0.5);
        const body = new TextEncoder().encode(JSON.stringify(chatRequest(sequence, this.options.model ?? "default", stream)));
        this.inFlight += 1;
        const options = { streamTimeoutMs: this.options.streamTimeoutMs ?? 600_000 };
        void sendRelay(target, signer, CHAT_PATH, body, this.options.relayTimeoutMs ?? 15_000, options).then((outcome) => {
          this.inFlight -= 1;
          this.recorder.record(supplier.operatorAddress, outcome);
          this.publish();
        });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.recorder.recordSetupError(message);
      this.publish();
    } finally {
      this.ticking = false;
    }
  }

  /** The session at the current height, fetched again once the chain moved past its end. */
  private async currentSession(): Promise<session.Session> {
    const height = BigInt(await this.options.client.height());
    if (this.session && height <= this.session.header!.sessionEndBlockHeight && height >= this.session.header!.sessionStartBlockHeight) {
      return this.session;
    }
    this.session = await this.options.client.pocket.session(this.appAddress, this.options.serviceId);
    return this.session;
  }

  private async ring(sessionEndHeight: bigint): Promise<Uint8Array[]> {
    const application = await this.options.client.pocket.application(this.appAddress);
    if (application === undefined) throw new Error(`application ${this.appAddress} is not staked`);
    const addresses = ringAddressesForApplication(
      {
        address: application.address,
        delegateeGatewayAddresses: application.delegateeGatewayAddresses,
        pendingUndelegations: [...application.pendingUndelegations].map(([height, list]) => ({ height, gatewayAddresses: list.gatewayAddresses })),
      },
      sessionEndHeight,
    );
    for (const address of addresses) if (!this.publicKeys.has(address)) await this.publicKeyOf(address).catch(() => undefined);
    return ringPublicKeysForAddresses(addresses, this.publicKeys);
  }

  private async publicKeyOf(address: string): Promise<Uint8Array> {
    const known = this.publicKeys.get(address);
    if (known) return known;
    const key = await this.options.client.publicKey(address);
    if (key === undefined) throw new Error(`${address} has no public key on chain yet (it never signed a transaction)`);
    this.publicKeys.set(address, key);
    return key;
  }
}

/** Whether relay number `sequence` asks for a stream: `share` of them, spread evenly (0.5 → every other one). */
export function streams(sequence: number, share: number): boolean {
  if (share >= 1) return true;
  if (share <= 0) return false;
  return Math.floor((sequence + 1) * share) > Math.floor(sequence * share);
}
