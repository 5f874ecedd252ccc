import type { MappingProtocol, MappingStatus } from "../../../shared/api/reach.js";
import type { Clock } from "../runtime/clock.js";
import type { Logger } from "../runtime/logger.js";
import { defaultGateway } from "./default-gateway.js";
import { NAT_PMP_PORT, NatPmpClient, NatPmpError } from "./nat-pmp.js";
import { PCP_PORT, PcpClient, PcpError } from "./pcp.js";
import { searchGateway } from "./ssdp.js";
import { localAddressToward, UdpRefusedError, UdpTimeoutError, type UdpEndpoint } from "./udp-exchange.js";
import { IgdClient, UPNP_ERRORS, UpnpError } from "./upnp-igd.js";

/**
 * Port mapping on the home router, by whichever protocol it speaks: UPnP-IGD (v2, then v1; found by SSDP), PCP,
 * then NAT-PMP (both at the default gateway). Why not a library: @achingbrain/nat-port-mapper 4.0.5 (the maintained
 * one) speaks IGD v2 only (most routers and miniupnpd's default are v1), has no PCP, hard-codes SSDP's and NAT-PMP's
 * addresses and ports (5350/5351), asks NAT-PMP for its millisecond TTL as seconds, and renews on setTimeout
 * swallowing errors (a lost mapping cannot be seen); the nat-api forks share the fixed ports and lack PCP. So the
 * three wire protocols are small files here, XML is parsed by fast-xml-parser, and every address, port and timer
 * is injectable (tests run real protocol peers on loopback with a hand-driven clock).
 */

export type ProtocolFamily = "upnp" | "pcp" | "nat-pmp";

export interface MapperSnapshot extends MappingStatus {
  externalAddress: string | null;
}

export interface PortMapperOptions {
  internalPort: number;
  /** The external port to ask for first (the last one granted, so the endpoint stays the same); default: the internal port. */
  preferredExternalPort?: number | null;
  description?: string;
  /** Lease asked for, in seconds; the router may grant less (PCP, NAT-PMP) or only a permanent one (UPnP 725). */
  leaseSeconds?: number;
  clock: Clock;
  logger: Logger;
  protocols?: readonly ProtocolFamily[];
  /** Where SSDP's M-SEARCH goes (default: the multicast group 239.255.255.250:1900) and how long to listen. */
  ssdp?: { target?: UdpEndpoint; timeoutMs?: number };
  /** The default gateway, where PCP and NAT-PMP servers listen (default: read from the OS). */
  gateway?: () => Promise<string | null>;
  pcpPort?: number;
  natPmpPort?: number;
  retransmitMs?: readonly number[];
  /** This machine's address toward the router (what the router forwards to). */
  localAddressToward?: (remote: string) => Promise<string>;
  /** The longest wait between two checks of the mapping and the external address. */
  checkIntervalMs?: number;
  /** The first wait after a failure; doubled up to checkIntervalMs. */
  retryMs?: number;
  fetch?: typeof fetch;
  onChange(snapshot: MapperSnapshot): void;
  /** The router had forgotten the mapping (restarted, lease lost) and it was made again. */
  onRemapped?(snapshot: MapperSnapshot): void;
}

interface Granted {
  externalPort: number;
  leaseSeconds: number;
  /** The router no longer held the mapping when it was renewed. */
  lost: boolean;
}

interface Driver {
  readonly protocol: MappingProtocol;
  readonly gateway: string;
  readonly internalAddress: string;
  map(externalPort: number, leaseSeconds: number, renewing: boolean): Promise<Granted>;
  externalAddress(): Promise<string>;
  unmap(externalPort: number): Promise<void>;
}

/** A device answered but would not map: the reason is worth more to the user than "nothing found". */
class Refusal extends Error {}

const MAX_ATTEMPTS = 8;

function nextPort(port: number): number {
  return port >= 65535 ? 1024 : port + 1;
}

class UpnpDriver implements Driver {
  constructor(
    private readonly igd: IgdClient,
    readonly internalAddress: string,
    private readonly internalPort: number,
    private readonly description: string,
  ) {}

  get protocol(): MappingProtocol {
    return this.igd.version === 2 ? "upnp-igd2" : "upnp-igd1";
  }

  get gateway(): string {
    return this.igd.host;
  }

  async map(externalPort: number, leaseSeconds: number, renewing: boolean): Promise<Granted> {
    let lost = false;
    if (renewing) {
      const entry = await this.igd.getSpecificPortMappingEntry(externalPort);
      lost = !entry || entry.internalClient !== this.internalAddress || entry.internalPort !== this.internalPort;
    }
    let port = externalPort;
    let lease = leaseSeconds;
    for (let attempt = 1; ; attempt++) {
      const params = { externalPort: port, internalPort: this.internalPort, internalClient: this.internalAddress, leaseSeconds: lease, description: this.description };
      try {
        await this.igd.addPortMapping(params);
        return { externalPort: port, leaseSeconds: lease, lost };
      } catch (error) {
        if (!(error instanceof UpnpError) || attempt >= MAX_ATTEMPTS) throw error;
        switch (error.code) {
          case UPNP_ERRORS.OnlyPermanentLeasesSupported:
            lease = 0;
            continue;
          case UPNP_ERRORS.SamePortValuesRequired:
            if (port === this.internalPort) throw error;
            port = this.internalPort;
            continue;
          case UPNP_ERRORS.ConflictInMappingEntry:
            // Another machine holds this external port: v2 lets the router pick a free one, v1 tries the next.
            if (this.igd.version === 2) {
              try {
                return { externalPort: await this.igd.addAnyPortMapping({ ...params }), leaseSeconds: lease, lost };
              } catch (anyError) {
                if (anyError instanceof UpnpError && anyError.code === UPNP_ERRORS.OnlyPermanentLeasesSupported) {
                  return { externalPort: await this.igd.addAnyPortMapping({ ...params, leaseSeconds: 0 }), leaseSeconds: 0, lost };
                }
                throw anyError;
              }
            }
            port = nextPort(port);
            continue;
          default:
            throw error;
        }
      }
    }
  }

  externalAddress(): Promise<string> {
    return this.igd.externalAddress();
  }

  async unmap(externalPort: number): Promise<void> {
    const entry = await this.igd.getSpecificPortMappingEntry(externalPort);
    // Never delete a mapping another machine made on this port since.
    if (entry && entry.internalClient !== this.internalAddress) return;
    if (entry) await this.igd.deletePortMapping(externalPort);
  }
}

/** RFC 6886 §3.6 / RFC 6887 §8.5: an epoch below what the time since the last answer allows means the router reset. */
function epochWentBack(previous: { epoch: number; at: number } | null, epoch: number, now: number): boolean {
  if (!previous) return false;
  const elapsedSeconds = Math.max(0, now - previous.at) / 1000;
  return epoch < previous.epoch || epoch + 2 < previous.epoch + (elapsedSeconds * 7) / 8;
}

class NatPmpDriver implements Driver {
  readonly protocol = "nat-pmp" as const;
  private lastEpoch: { epoch: number; at: number } | null = null;

  constructor(
    private readonly client: NatPmpClient,
    readonly gateway: string,
    readonly internalAddress: string,
    private readonly internalPort: number,
    private readonly clock: Clock,
  ) {}

  async map(externalPort: number, leaseSeconds: number, renewing: boolean): Promise<Granted> {
    const granted = await this.client.map({ internalPort: this.internalPort, externalPort, lifetimeSeconds: leaseSeconds });
    const now = this.clock.now();
    const lost = renewing && epochWentBack(this.lastEpoch, granted.epoch, now);
    this.lastEpoch = { epoch: granted.epoch, at: now };
    return { externalPort: granted.externalPort, leaseSeconds: granted.lifetimeSeconds, lost };
  }

  async externalAddress(): Promise<string> {
    return (await this.client.externalAddress()).address;
  }

  async unmap(): Promise<void> {
    await this.client.unmap(this.internalPort);
  }
}

class PcpDriver implements Driver {
  readonly protocol = "pcp" as const;
  private lastEpoch: { epoch: number; at: number } | null = null;
  private lastAddress: string | null = null;

  constructor(
    private readonly client: PcpClient,
    readonly gateway: string,
    readonly internalAddress: string,
    private readonly internalPort: number,
    private readonly clock: Clock,
  ) {}

  async map(externalPort: number, leaseSeconds: number, renewing: boolean): Promise<Granted> {
    const granted = await this.client.map({
      internalPort: this.internalPort,
      suggestedExternalPort: externalPort,
      suggestedExternalAddress: this.lastAddress ?? undefined,
      lifetimeSeconds: leaseSeconds,
    });
    const now = this.clock.now();
    const lost = renewing && epochWentBack(this.lastEpoch, granted.epoch, now);
    this.lastEpoch = { epoch: granted.epoch, at: now };
    this.lastAddress = granted.externalAddress;
    return { externalPort: granted.externalPort, leaseSeconds: granted.lifetimeSeconds, lost };
  }

  async externalAddress(): Promise<string> {
    // Every MAP answer carries the external address; the last one is current (a map runs before each read).
    if (this.lastAddress === null) throw new Error("PCP has not mapped yet");
    return this.lastAddress;
  }

  async unmap(externalPort: number): Promise<void> {
    await this.client.map({ internalPort: this.internalPort, suggestedExternalPort: externalPort, lifetimeSeconds: 0 });
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Keeps one TCP port mapped on the router while started: finds the router, maps the port (another external port
 * on a conflict, a permanent lease when that is all the router grants), renews at half the lease (checking at
 * least every checkIntervalMs that the router still holds it and what its external address is), maps again after a
 * router restart or a lost lease, and deletes the mapping on stop. Operations run one at a time.
 */
export class PortMapper {
  private driver: Driver | null = null;
  private snapshot: MapperSnapshot;
  private cancelTimer: () => void = () => {};
  private running = false;
  private queue: Promise<void> = Promise.resolve();
  private failures = 0;
  private readonly leaseSeconds: number;
  private readonly description: string;

  constructor(private readonly options: PortMapperOptions) {
    this.leaseSeconds = options.leaseSeconds ?? 3600;
    this.description = options.description ?? "PocketForge relay miner";
    this.snapshot = {
      state: "discovering",
      protocol: null,
      gateway: null,
      internalAddress: null,
      internalPort: options.internalPort,
      externalPort: null,
      leaseSeconds: null,
      leaseExpiresAt: null,
      renewedAt: null,
      remaps: 0,
      problem: null,
      externalAddress: null,
    };
  }

  status(): MapperSnapshot {
    return { ...this.snapshot };
  }

  /** Finds the router and maps the port; resolves once the first attempt is over (mapped or failed: see status()). */
  start(): Promise<void> {
    this.running = true;
    return this.enqueue(() => this.establish());
  }

  /** Checks and renews now (what the timer does), e.g. for a reachability check. */
  refresh(): Promise<void> {
    return this.enqueue(() => (this.driver ? this.maintain() : this.establish()));
  }

  /** Stops renewing and deletes the mapping from the router. */
  stop(): Promise<void> {
    this.running = false;
    this.cancelTimer();
    return this.enqueue(async () => {
      const driver = this.driver;
      const port = this.snapshot.externalPort;
      this.driver = null;
      if (driver && port !== null) {
        try {
          await driver.unmap(port);
          this.options.logger.info("port mapping removed", { protocol: driver.protocol, externalPort: port });
        } catch (error) {
          this.options.logger.warn("could not remove the port mapping", { protocol: driver.protocol, externalPort: port, error: describeError(error) });
        }
      }
    });
  }

  /** Resolves when no operation is running or queued (tests await this after moving the clock). */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const next = this.queue.then(operation).catch((error) => this.options.logger.error("port mapper failed", { error: describeError(error) }));
    this.queue = next;
    return next;
  }

  private update(patch: Partial<MapperSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.options.onChange(this.status());
  }

  private async establish(): Promise<void> {
    if (!this.running) return;
    this.update({ state: "discovering", problem: null });
    const reasons: string[] = [];
    const refusals: string[] = [];
    const preferred = this.snapshot.externalPort ?? this.options.preferredExternalPort ?? this.options.internalPort;
    for (const family of this.options.protocols ?? ["upnp", "pcp", "nat-pmp"]) {
      let driver: Driver | null;
      try {
        driver = await this.discover(family, reasons);
      } catch (error) {
        reasons.push(`${family}: ${describeError(error)}`);
        continue;
      }
      if (!driver || !this.running) continue;
      try {
        const granted = await driver.map(preferred, this.leaseSeconds, false);
        const externalAddress = await driver.externalAddress();
        this.driver = driver;
        this.failures = 0;
        this.granted(granted, externalAddress);
        this.options.logger.info("port mapped on the router", {
          protocol: driver.protocol,
          gateway: driver.gateway,
          internal: `${driver.internalAddress}:${this.options.internalPort}`,
          externalPort: granted.externalPort,
          leaseSeconds: granted.leaseSeconds,
          externalAddress,
        });
        this.schedule();
        return;
      } catch (error) {
        if (!(error instanceof NoServer)) refusals.push(refusalText(driver, error));
      }
    }
    if (!this.running) return;
    this.failures += 1;
    this.update({
      state: "failed",
      protocol: null,
      gateway: null,
      externalPort: this.snapshot.externalPort,
      leaseSeconds: null,
      leaseExpiresAt: null,
      problem: refusals.length
        ? `${refusals.join(" ")} Forward the port by hand in the router's settings, or use a tunnel.`
        : `No router answered a port mapping request (${reasons.join("; ")}). Turn on UPnP (or NAT-PMP/PCP) in the router's settings, forward the port by hand, or use a tunnel.`,
    });
    this.options.logger.warn("could not map the relay miner's port", { problem: this.snapshot.problem });
    this.schedule();
  }

  private async discover(family: ProtocolFamily, reasons: string[]): Promise<Driver | null> {
    const localToward = this.options.localAddressToward ?? localAddressToward;
    if (family === "upnp") {
      const answer = await searchGateway({ target: this.options.ssdp?.target, timeoutMs: this.options.ssdp?.timeoutMs, clock: this.options.clock });
      if (!answer) {
        reasons.push("no UPnP device answered the SSDP search");
        return null;
      }
      const igd = await IgdClient.open(answer.location, { fetch: this.options.fetch });
      return new UpnpDriver(igd, await localToward(igd.host), this.options.internalPort, this.description);
    }
    const gateway = await (this.options.gateway ?? (() => defaultGateway()))();
    if (!gateway) {
      reasons.push(`${family}: this machine has no default gateway`);
      return null;
    }
    const internalAddress = await localToward(gateway);
    if (family === "pcp") {
      const client = new PcpClient({ server: { address: gateway, port: this.options.pcpPort ?? PCP_PORT }, clientAddress: internalAddress, clock: this.options.clock, retransmitMs: this.options.retransmitMs });
      return this.probeUdp(new PcpDriver(client, gateway, internalAddress, this.options.internalPort, this.options.clock), "PCP", gateway, reasons);
    }
    const client = new NatPmpClient({ server: { address: gateway, port: this.options.natPmpPort ?? NAT_PMP_PORT }, clock: this.options.clock, retransmitMs: this.options.retransmitMs });
    return this.probeUdp(new NatPmpDriver(client, gateway, internalAddress, this.options.internalPort, this.options.clock), "NAT-PMP", gateway, reasons);
  }

  /** PCP and NAT-PMP have no discovery: the first map request is the probe, so absence shows up there. */
  private probeUdp(driver: Driver, name: string, gateway: string, reasons: string[]): Driver {
    const map = driver.map.bind(driver);
    driver.map = async (...args) => {
      try {
        return await map(...args);
      } catch (error) {
        if (error instanceof UdpRefusedError || error instanceof UdpTimeoutError || (error instanceof PcpError && error.unsupportedVersion)) {
          reasons.push(`no ${name} server at ${gateway}`);
          throw new NoServer();
        }
        throw error;
      }
    };
    return driver;
  }

  private granted(granted: Granted, externalAddress: string): void {
    const now = this.options.clock.now();
    const driver = this.driver!;
    this.update({
      state: "mapped",
      protocol: driver.protocol,
      gateway: driver.gateway,
      internalAddress: driver.internalAddress,
      externalPort: granted.externalPort,
      leaseSeconds: granted.leaseSeconds,
      leaseExpiresAt: granted.leaseSeconds > 0 ? now + granted.leaseSeconds * 1000 : null,
      renewedAt: now,
      problem: null,
      externalAddress,
    });
  }

  private async maintain(): Promise<void> {
    if (!this.running || !this.driver) return;
    const driver = this.driver;
    try {
      const granted = await driver.map(this.snapshot.externalPort ?? this.options.internalPort, this.leaseSeconds, true);
      const externalAddress = await driver.externalAddress();
      if (granted.lost) this.snapshot = { ...this.snapshot, remaps: this.snapshot.remaps + 1 };
      this.granted(granted, externalAddress);
      if (granted.lost) {
        this.options.logger.warn("the router had lost the port mapping (restarted, or the lease ran out): mapped again", { protocol: driver.protocol, externalPort: granted.externalPort });
        this.options.onRemapped?.(this.status());
      }
      this.failures = 0;
    } catch (error) {
      // The router restarts, or went away: find it again (its address or protocol may have changed) on the next try.
      this.driver = null;
      this.failures += 1;
      this.update({ state: "failed", problem: `The router stopped answering (${describeError(error)}); trying again.`, leaseExpiresAt: this.snapshot.leaseExpiresAt });
      this.options.logger.warn("could not renew the port mapping", { protocol: driver.protocol, error: describeError(error) });
    }
    this.schedule();
  }

  private schedule(): void {
    this.cancelTimer();
    if (!this.running) return;
    const check = this.options.checkIntervalMs ?? 5 * 60_000;
    let wait: number;
    if (this.snapshot.state === "mapped") {
      const lease = this.snapshot.leaseSeconds ?? 0;
      wait = lease > 0 ? Math.min(check, (lease * 1000) / 2) : check;
    } else {
      wait = Math.min(check, (this.options.retryMs ?? 30_000) * 2 ** Math.max(0, this.failures - 1));
    }
    this.cancelTimer = this.options.clock.setTimer(wait, () => void this.refresh());
  }
}

class NoServer extends Error {}

function refusalText(driver: Driver, error: unknown): string {
  const name = { "upnp-igd1": "UPnP", "upnp-igd2": "UPnP", pcp: "PCP", "nat-pmp": "NAT-PMP" }[driver.protocol];
  if (error instanceof UpnpError) {
    const why =
      error.code === UPNP_ERRORS.ActionNotAuthorized
        ? "the router allows UPnP discovery but not port mapping (often a setting such as \"Allow users to change port forwarding\")"
        : error.code === UPNP_ERRORS.NoPortMapsAvailable
          ? "the router has no free port mappings left"
          : error.code === UPNP_ERRORS.ConflictInMappingEntry
            ? "every external port tried is taken by another machine"
            : error.code === UPNP_ERRORS.ConflictWithOtherMechanisms
              ? "the port conflicts with a forward or service set up on the router"
              : `error ${error.code} ${error.description}`;
    return `The router at ${driver.gateway} refused the ${name} port mapping: ${why}.`;
  }
  if (error instanceof NatPmpError || error instanceof PcpError) return `The router at ${driver.gateway} refused the ${name} port mapping: ${error.message}.`;
  return `The ${name} router at ${driver.gateway} failed: ${describeError(error)}.`;
}
