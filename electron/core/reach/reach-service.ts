import { ApiError } from "../../../shared/api/define.js";
import { OutboundUrlError, checkNodeUrl } from "../runtime/outbound-url.js";
import type { AddressChange, MappingStatus, ReachCheck, ReachCheckStep, ReachMethod, ReachStatus } from "../../../shared/api/reach.js";
import type { EndpointCheck } from "../../../shared/api/staking.js";
import type { AlertInput } from "../runtime/alerts.js";
import { systemClock, type Clock } from "../runtime/clock.js";
import { isLoopbackHost } from "../runtime/host-names.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";
import { classifyExternalAddress, natAdvice } from "./ip-address.js";
import { PortMapper, type MapperSnapshot, type PortMapperOptions } from "./port-mapper.js";
import { ReachSettingsStore } from "./reach-settings.js";

export const ADDRESS_CHANGED_ALERT = "public_address_changed";
export const MAPPING_LOST_ALERT = "port_mapping_lost";

export interface ReachServiceOptions {
  dataDir: string;
  /** The chain network now: nothing is mapped on localnet (its gateways run inside this engine). */
  network(): string;
  /** Where the relay miner listens now. */
  relayListen(): { host: string; port: number };
  /** The endpoint the supplier staked (or chose to stake) with. */
  stakedEndpoint(): string | null;
  /** Sends a signed test relay to `url` and says whether this engine's relay miner answered it. */
  probe(url: string): Promise<EndpointCheck>;
  alerts: { raise(input: AlertInput): unknown; resolve(key: string): void };
  emit(status: ReachStatus): void;
  logger: Logger;
  clock?: Clock;
  /** Where to look for the router and how often to check (tests point these at loopback peers). */
  mapper?: Partial<Omit<PortMapperOptions, "internalPort" | "preferredExternalPort" | "clock" | "logger" | "onChange" | "onRemapped">>;
}

function endpointOf(address: string, port: number): string {
  return `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
}

function hostPortOf(url: string): { host: string; port: number } | null {
  try {
    const parsed = new URL(url);
    return { host: parsed.hostname.replace(/^\[|\]$/g, ""), port: Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80)) };
  } catch {
    return null;
  }
}

/**
 * How gateways reach the relay miner. With port mapping (opted into; never on localnet) it keeps a PortMapper
 * running on the relay miner's port, reads the router's external address, tells double NAT and carrier-grade NAT
 * apart, proposes http://<external address>:<port> as the endpoint, and raises an alert (offering the stake update)
 * when that address changes under a staked endpoint. With a tunnel it checks the tunnel's URL with a signed test
 * relay and proposes it. Its check says what it proved and what only a probe from outside can prove.
 */
export class ReachService implements Service {
  private readonly settings: ReachSettingsStore;
  private readonly clock: Clock;
  private mapper: PortMapper | null = null;
  private mapping: MapperSnapshot | null = null;
  private addressChange: AddressChange | null = null;
  private lastCheck: ReachCheck | null = null;
  private wasMapped = false;

  constructor(private readonly options: ReachServiceOptions) {
    this.settings = new ReachSettingsStore(options.dataDir, options.logger);
    this.clock = options.clock ?? systemClock;
  }

  async start(): Promise<void> {
    // Finding the router takes seconds: the engine does not wait for it (reach.status events report progress).
    if (this.shouldMap()) void this.startMapper();
  }

  async dispose(): Promise<void> {
    await this.stopMapper();
  }

  /** Resolves when the port mapper has nothing running or queued. */
  async idle(): Promise<void> {
    await this.mapper?.idle();
  }

  get method(): ReachMethod {
    return this.settings.get().method;
  }

  /** Throws unless port mapping may be turned on now (asked before the passphrase and the listener move). */
  assertCanMap(): void {
    if (!this.applicable()) {
      throw new ApiError("conflict", "Nothing to map on the local test network: its gateways run inside this engine and reach the relay miner directly.");
    }
  }

  status(): ReachStatus {
    const settings = this.settings.get();
    const mapping = settings.method === "port_mapping" && this.applicable() ? this.mapping : null;
    const externalAddress = mapping?.externalAddress ?? null;
    const addressKind = externalAddress !== null ? classifyExternalAddress(externalAddress) : null;
    const proposedUrl = this.proposedUrl();
    const staked = this.options.stakedEndpoint();
    if (this.addressChange && (staked === null || staked === this.addressChange.proposedUrl || staked === proposedUrl)) {
      this.addressChange = null;
      this.options.alerts.resolve(ADDRESS_CHANGED_ALERT);
    }
    const { host, port } = this.options.relayListen();
    return {
      method: settings.method,
      network: this.options.network(),
      applicable: this.applicable(),
      relayListen: { host, port },
      mapping: mapping ? withoutAddress(mapping) : null,
      externalAddress,
      addressKind,
      nat: externalAddress !== null ? natAdvice(externalAddress, addressKind!) : null,
      tunnelUrl: settings.tunnelUrl,
      proposedUrl,
      addressChange: this.addressChange,
      lastCheck: this.lastCheck,
    };
  }

  async configure(params: { method: ReachMethod; tunnelUrl?: string }): Promise<ReachStatus> {
    if (params.method === "port_mapping") this.assertCanMap();
    let tunnelUrl: string | null = null;
    if (params.method === "tunnel") {
      if (!params.tunnelUrl) throw new ApiError("invalid_params", "Give the tunnel's public URL, such as https://relay.example.org.");
      const url = await checkNodeUrl(params.tunnelUrl, "The tunnel's public URL").catch((error: unknown) => {
        throw error instanceof OutboundUrlError ? new ApiError("invalid_params", error.message, { field: "tunnelUrl" }) : error;
      });
      tunnelUrl = url.toString().replace(/\/$/, "");
    }
    const before = this.settings.get().method;
    this.settings.update((draft) => {
      draft.method = params.method;
      if (tunnelUrl) draft.tunnelUrl = tunnelUrl;
    });
    this.options.logger.info("reachability method chosen", { method: params.method, tunnelUrl });
    if (params.method !== "port_mapping" && before === "port_mapping") await this.stopMapper();
    if (params.method === "port_mapping" && !this.mapper) await this.startMapper();
    if (params.method === "tunnel") await this.check();
    this.emit();
    return this.status();
  }

  /** The chain network changed: stop mapping on localnet, start again off it. */
  async networkChanged(): Promise<void> {
    if (!this.shouldMap()) await this.stopMapper();
    else if (!this.mapper) await this.startMapper();
    this.emit();
  }

  /** The relay miner moved to another port: map that one instead. */
  async relayListenChanged(): Promise<void> {
    if (this.mapper && this.mapping?.internalPort !== this.options.relayListen().port) {
      await this.stopMapper();
      if (this.shouldMap()) await this.startMapper();
    }
    this.emit();
  }

  /** Something that changes the proposal (a stake, a new endpoint) happened elsewhere. */
  refreshStatus(): void {
    this.emit();
  }

  async check(): Promise<ReachCheck> {
    const settings = this.settings.get();
    const steps: ReachCheckStep[] = [];
    const { host, port } = this.options.relayListen();
    const localUrl = `http://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host}:${port}`;
    const local = await this.probe(localUrl);
    const localOk = local.reachable && local.relayMinerAnswered;
    steps.push({
      id: "relay_local",
      title: "The relay miner answers on this machine",
      outcome: localOk ? "proven" : "failed",
      detail: localOk
        ? `It answered a signed test relay at ${localUrl}.`
        : `No answer from the relay miner at ${localUrl} (${local.problem ?? local.reason}): start it on the Dashboard; nothing else can work before it answers.`,
    });
    let publicUrl: string | null = null;
    let publicProven = false;

    if (!this.applicable()) {
      steps.push({ id: "outside", title: "Gateways reach it", outcome: localOk ? "proven" : "failed", detail: "On the local test network the gateways run inside this engine: answering on this machine is all they need." });
      return this.finish(settings.method, null, steps, localOk ? "The local test network's gateways reach the relay miner inside this engine." : "The relay miner does not answer: start it.");
    }

    if (settings.method === "port_mapping") {
      await this.mapper?.refresh();
      const mapping = this.mapping;
      const mapped = mapping?.state === "mapped" && mapping.externalPort !== null;
      steps.push({
        id: "mapping",
        title: "The router forwards the port",
        outcome: mapped ? "proven" : "failed",
        detail: mapped
          ? `The router at ${mapping!.gateway} (${protocolName(mapping!.protocol)}) holds TCP ${mapping!.externalPort} → ${mapping!.internalAddress}:${mapping!.internalPort}, ${mapping!.leaseSeconds ? `renewed just now for ${Math.round(mapping!.leaseSeconds / 60)} min` : "as a permanent mapping (removed when the engine stops)"}.`
          : mapping?.problem ?? "There is no mapping on the router yet.",
      });
      if (isLoopbackHost(host)) {
        steps.push({ id: "public_from_here", title: "The public address answers", outcome: "failed", detail: `The relay miner listens on ${host} only, where the router cannot forward to: let it listen on 0.0.0.0 (Settings → Ports and folders).` });
      } else if (mapped && mapping!.externalAddress) {
        const kind = classifyExternalAddress(mapping!.externalAddress);
        publicUrl = endpointOf(mapping!.externalAddress, mapping!.externalPort!);
        if (kind !== "public") {
          const advice = natAdvice(mapping!.externalAddress, kind)!;
          steps.push({ id: "public_from_here", title: "The public address answers", outcome: "failed", detail: `${advice.meaning} ${advice.whatToDo}` });
          publicUrl = null;
        } else {
          const answer = await this.probe(publicUrl);
          publicProven = answer.reachable && answer.relayMinerAnswered;
          steps.push({
            id: "public_from_here",
            title: "The public address answers from this machine",
            outcome: publicProven ? "proven" : answer.reason === "not_relay_miner" ? "failed" : "not_proven",
            detail: publicProven
              ? `This relay miner answered a signed test relay sent to ${publicUrl}: the router forwards its public port here.`
              : answer.reason === "not_relay_miner"
                ? `${answer.problem}`
                : `No answer at ${publicUrl} from inside your network (${answer.problem ?? answer.reason}). Many routers do not loop traffic from inside back to their own public address (hairpin NAT), so this neither shows the port is open nor that it is closed.`,
          });
        }
      }
    } else if (settings.method === "tunnel" && settings.tunnelUrl) {
      publicUrl = settings.tunnelUrl;
      const answer = await this.probe(publicUrl);
      publicProven = answer.reachable && answer.relayMinerAnswered;
      steps.push({
        id: "tunnel",
        title: "The tunnel's URL reaches this relay miner",
        outcome: publicProven ? "proven" : "failed",
        detail: publicProven
          ? `A signed test relay sent to ${publicUrl} went out through the tunnel's public side and came back from this relay miner.`
          : `${answer.problem ?? answer.reason} Check that the tunnel (cloudflared, frp) runs and forwards to ${localUrl}.`,
      });
    } else {
      const staked = this.options.stakedEndpoint();
      if (staked) {
        publicUrl = staked;
        const answer = await this.probe(staked);
        publicProven = answer.reachable && answer.relayMinerAnswered;
        steps.push({
          id: "public_from_here",
          title: "The endpoint answers from this machine",
          outcome: publicProven ? "proven" : "not_proven",
          detail: publicProven
            ? `This relay miner answered a signed test relay sent to ${staked}.`
            : `No answer at ${staked} from here (${answer.problem ?? answer.reason}); with a port forwarded by hand, hairpin NAT may hide it from inside your network.`,
        });
      } else {
        steps.push({ id: "public_from_here", title: "A public endpoint", outcome: "skipped", detail: "No method is chosen and no endpoint is set: turn on port mapping, give a tunnel's URL, or set the endpoint by hand." });
      }
    }

    steps.push({
      id: "outside",
      title: "Gateways on the internet reach it",
      outcome: "not_proven",
      detail: publicUrl
        ? `Only a request from outside your network proves that gateways reach ${publicUrl}: for example from a phone on mobile data (any answer, even an error page from the relay miner, shows it is open), or relays arriving on the Dashboard once staked.${settings.method === "tunnel" ? " The tunnel's public side is what gateways reach, so its answer here is strong evidence." : ""}`
        : "Nothing public to test yet.",
    });
    const summary = publicProven
      ? `Proven from this machine: the relay miner answers at ${publicUrl}. Only an outside probe can prove gateways on the internet reach it.`
      : localOk
        ? `Proven: the relay miner answers on this machine${steps.some((s) => s.id === "mapping" && s.outcome === "proven") ? " and the router holds the mapping" : ""}. Not proven: that ${publicUrl ?? "a public address"} reaches it; only an outside probe can tell.`
        : "The relay miner does not answer on this machine: start it, then check again.";
    return this.finish(settings.method, publicUrl, steps, summary);
  }

  // ---------------------------------------------------------------------------------------------------

  /** The signed test relay; a probe that cannot run (no operator key yet) is a failed step, not a failed check. */
  private async probe(url: string): Promise<EndpointCheck> {
    try {
      return await this.options.probe(url);
    } catch (error) {
      return { url, reachable: false, relayMinerAnswered: false, latencyMs: null, problem: error instanceof Error ? error.message : String(error), reason: "connection" };
    }
  }

  private finish(method: ReachMethod, url: string | null, steps: ReachCheckStep[], summary: string): ReachCheck {
    this.lastCheck = { at: this.clock.now(), method, url, steps, summary };
    this.options.logger.info("reachability checked", { method, url, outcomes: Object.fromEntries(steps.map((s) => [s.id, s.outcome])) });
    this.emit();
    return this.lastCheck;
  }

  private applicable(): boolean {
    return this.options.network() !== "localnet";
  }

  private shouldMap(): boolean {
    return this.settings.get().method === "port_mapping" && this.applicable();
  }

  /** The URL to stake with: the mapping's http://<public address>:<port>, or the checked tunnel URL; null when none works. */
  proposedUrl(): string | null {
    const settings = this.settings.get();
    if (!this.applicable()) return null;
    if (settings.method === "tunnel" && settings.tunnelUrl) {
      const check = this.lastCheck;
      const proven = check?.url === settings.tunnelUrl && check.steps.some((s) => s.id === "tunnel" && s.outcome === "proven");
      return proven ? settings.tunnelUrl : null;
    }
    if (settings.method !== "port_mapping") return null;
    const m = this.mapping;
    if (m?.state !== "mapped" || !m.externalAddress || m.externalPort === null) return null;
    return classifyExternalAddress(m.externalAddress) === "public" ? endpointOf(m.externalAddress, m.externalPort) : null;
  }

  private async startMapper(): Promise<void> {
    const { port } = this.options.relayListen();
    const settings = this.settings.get();
    const mapper = new PortMapper({
      ...this.options.mapper,
      internalPort: port,
      preferredExternalPort: settings.externalPort,
      clock: this.clock,
      logger: this.options.logger,
      onChange: (snapshot) => {
        if (this.mapper !== mapper) return;
        this.mapping = snapshot;
        this.observe(snapshot);
        this.emit();
      },
    });
    this.mapper = mapper;
    await mapper.start();
  }

  private async stopMapper(): Promise<void> {
    const mapper = this.mapper;
    this.mapper = null;
    this.mapping = null;
    this.wasMapped = false;
    this.options.alerts.resolve(MAPPING_LOST_ALERT);
    if (mapper) await mapper.stop();
  }

  /** Remembers the external address and port; notices when they change under the staked endpoint. */
  private observe(snapshot: MapperSnapshot): void {
    if (snapshot.state === "failed" && this.wasMapped) {
      this.options.alerts.raise({
        kind: "port_mapping_lost",
        key: MAPPING_LOST_ALERT,
        title: "The router stopped forwarding the relay port",
        message: `${snapshot.problem ?? "The router no longer answers."} Gateways cannot reach the relay miner until it is mapped again; the engine keeps trying.`,
        route: "settings",
      });
    }
    if (snapshot.state !== "mapped" || !snapshot.externalAddress || snapshot.externalPort === null) return;
    if (this.wasMapped) this.options.alerts.resolve(MAPPING_LOST_ALERT);
    this.wasMapped = true;
    const settings = this.settings.get();
    const previous = settings.lastExternalAddress !== null && settings.externalPort !== null ? { address: settings.lastExternalAddress, port: settings.externalPort } : null;
    const current = { address: snapshot.externalAddress, port: snapshot.externalPort };
    if (previous?.address === current.address && previous.port === current.port) return;
    this.settings.update((draft) => {
      draft.lastExternalAddress = current.address;
      draft.externalPort = current.port;
    });
    if (!previous) return;
    this.options.logger.warn("the router's external address or port changed", { from: previous, to: current });
    const staked = this.options.stakedEndpoint();
    const stakedAt = staked ? hostPortOf(staked) : null;
    const proposedUrl = endpointOf(current.address, current.port);
    if (!staked || !stakedAt || stakedAt.host !== previous.address || stakedAt.port !== previous.port || classifyExternalAddress(current.address) !== "public") return;
    const label = (p: { address: string; port: number }) => (previous.port === current.port ? p.address : `${p.address}:${p.port}`);
    this.addressChange = { from: label(previous), to: label(current), stakedUrl: staked, proposedUrl, at: this.clock.now() };
    this.options.alerts.raise({
      kind: "public_address_changed",
      key: ADDRESS_CHANGED_ALERT,
      title: "Your public address changed",
      message: `Your router's public address is now ${label(current)} (was ${label(previous)}), but your stake still tells gateways ${staked}. Stake again with ${proposedUrl} on the Staking page.`,
      route: "staking",
    });
  }

  private emit(): void {
    this.options.emit(this.status());
  }
}

function withoutAddress(snapshot: MapperSnapshot): MappingStatus {
  const { externalAddress: _address, ...mapping } = snapshot;
  return mapping;
}

function protocolName(protocol: string | null): string {
  return { "upnp-igd1": "UPnP-IGD v1", "upnp-igd2": "UPnP-IGD v2", pcp: "PCP", "nat-pmp": "NAT-PMP" }[protocol ?? ""] ?? "unknown protocol";
}
