import { isIP } from "node:net";
import { Bonjour, type Browser, type Service } from "bonjour-service";
import type { Logger } from "../../runtime/logger.js";

/** DNS-SD service type: `_pocketforge._tcp.local`. */
export const SERVICE_TYPE = "pocketforge";
/** Version of what the TXT record says. */
const TXT_VERSION = "1";

/** The model gateway's part of an announcement: its port and where its index of CIDs is. */
export interface GatewayAnnouncement {
  port: number;
  indexPath: string;
  /** Changes whenever the set of models served changes, so browsers know to read the index again. */
  revision: number;
}

/** Which end of a fleet a fleet listener is: the front node that holds the key, or an inference node. */
export type FleetRole = "front" | "node";

/** A fleet listener reachable on the LAN, as announced. */
export interface FleetAnnouncement {
  port: number;
  role: FleetRole;
}

/**
 * What this engine announces: who it is, and what it offers: the model gateway, its fleet listener (a front node's or
 * an inference node's), or both. The SRV record's port is the gateway's when it serves, the fleet listener's otherwise.
 */
export interface Announcement {
  /** Random per data folder: how an engine recognises itself, and a peer across address changes. */
  id: string;
  name: string;
  gateway?: GatewayAnnouncement | null;
  /** The fleet listener, when it listens beyond loopback. */
  fleet?: FleetAnnouncement | null;
}

/** A gateway found on the LAN. */
export interface Discovered {
  id: string;
  name: string;
  url: string;
  revision: number;
  indexPath: string;
}

/** A fleet listener found on the LAN. */
export interface DiscoveredFleetNode {
  /** The announcer's id, so an engine skips itself. */
  id: string;
  /** A front node (inference nodes join it) or an inference node (a front node pairs it). */
  role: FleetRole;
  /** Its DNS-SD instance name. */
  name: string;
  /** https://address:port. */
  url: string;
}

/** The SRV port of an announcement: the gateway's, else the fleet listener's; null when it offers nothing. */
export function announcementPort(a: Announcement): number | null {
  return a.gateway?.port ?? a.fleet?.port ?? null;
}

/** The TXT record of an announcement (RFC 6763 §6: short key=value strings). */
export function announcementTxt(a: Announcement): Record<string, string> {
  const txt: Record<string, string> = { v: TXT_VERSION, id: a.id };
  if (a.gateway) Object.assign(txt, { idx: a.gateway.indexPath, rev: String(a.gateway.revision) });
  if (a.fleet) {
    txt.fleet = String(a.fleet.port);
    // An inference node's announcement carries no role key (the first format had none).
    if (a.fleet.role === "front") txt.role = "front";
  }
  return txt;
}

type ServiceRecord = Pick<Service, "name" | "port" | "addresses" | "txt" | "referer">;

function txtReader(service: ServiceRecord): (key: string) => string | null {
  const txt = (service.txt ?? {}) as Record<string, unknown>;
  return (key) => (typeof txt[key] === "string" ? (txt[key] as string) : Buffer.isBuffer(txt[key]) ? (txt[key] as Buffer).toString("utf8") : null);
}

/** Our TXT version and a well-formed id, or null. */
function announcerId(text: (key: string) => string | null): string | null {
  if (text("v") !== TXT_VERSION) return null;
  const id = text("id");
  return id && /^[A-Za-z0-9_-]{4,64}$/.test(id) ? id : null;
}

/** An IPv4 address to reach a service: the one the answer came from when it is among the service's addresses. */
function serviceAddress(service: ServiceRecord): string | null {
  const ipv4 = (service.addresses ?? []).filter((a) => isIP(a) === 4 && !a.startsWith("169.254."));
  const from = service.referer?.address;
  return from && ipv4.includes(from) ? from : ipv4[0] ?? (from && isIP(from) === 4 ? from : null);
}

/** A TCP port written as a TXT value: decimal digits, no sign or leading zero, 1-65535. */
export function parsePort(value: string | null): number | null {
  if (value === null || !/^[1-9][0-9]{0,4}$/.test(value)) return null;
  const port = Number(value);
  return port <= 65535 ? port : null;
}

/**
 * Reads a resolved DNS-SD service as a peer's gateway: our TXT version, an id, an index path, and an IPv4 address to
 * reach it. Null for anything else on the network, and for an announcement of a fleet listener alone (no index).
 */
export function parseService(service: ServiceRecord): Discovered | null {
  const text = txtReader(service);
  const id = announcerId(text);
  const indexPath = text("idx");
  if (!id || !indexPath || !/^\/[A-Za-z0-9/_.-]{1,100}$/.test(indexPath)) return null;
  if (!Number.isInteger(service.port) || service.port < 1 || service.port > 65535) return null;
  const address = serviceAddress(service);
  if (!address) return null;
  const revision = Number(text("rev") ?? 0);
  return { id, name: String(service.name).slice(0, 100), url: `http://${address}:${service.port}`, revision: Number.isFinite(revision) ? revision : 0, indexPath };
}

/**
 * Reads a resolved DNS-SD service as a fleet listener: our TXT version, an id, a `fleet` port, a role (`role=front`, or
 * none for an inference node), and an IPv4 address to reach it. When the announcement carries no gateway, its SRV
 * port must be that same port. Null for anything else, an unknown role included.
 */
export function parseFleetService(service: ServiceRecord): DiscoveredFleetNode | null {
  const text = txtReader(service);
  const id = announcerId(text);
  const port = parsePort(text("fleet"));
  const roleText = text("role");
  if (!id || port === null || (roleText !== null && roleText !== "front")) return null;
  if (text("idx") === null && service.port !== port) return null;
  const address = serviceAddress(service);
  if (!address) return null;
  return { id, role: roleText === "front" ? "front" : "node", name: String(service.name).slice(0, 100), url: `https://${address}:${port}` };
}

export interface MdnsOptions {
  logger: Logger;
  /** The mDNS port (5353); tests use another so that concurrent runs do not see each other. */
  port?: number;
  /** The interface address to send and listen on (all of them by default). */
  interface?: string;
  /** Who this engine is (read when it announces): its id (model sharing's peer id) and the name peers see. */
  identity(): { id: string; name: string };
}

/** The most announcements remembered at once: far above any rig network, and a bound on what a flood costs. */
export const MAX_HEARD = 256;

/** What a watcher hears: gateways (model sharing) and fleet listeners (the fleet); either may be left out. */
export interface MdnsWatcher {
  peerUp?(peer: Discovered): void;
  peerDown?(id: string): void;
  fleetUp?(node: DiscoveredFleetNode): void;
  fleetDown?(name: string): void;
}

/** What one DNS-SD instance offered when last heard. */
interface Heard {
  peer: Discovered | null;
  fleet: DiscoveredFleetNode | null;
}

/**
 * DNS-SD over multicast DNS through bonjour-service, the engine's one mDNS socket: announces this engine as
 * `_pocketforge._tcp` with a TXT record (id; index path and revision when the model gateway serves; the fleet port
 * when this is an inference node reachable on the LAN), and browses for the others while anyone watches. Model
 * sharing and the fleet each feed their part of the announcement and watch what they need. Socket errors (no
 * multicast on this network, port taken) are reported, never thrown: discovery is a convenience, peers and nodes can
 * always be given by hand.
 */
export class MdnsPeers {
  private bonjour: Bonjour | null = null;
  private browser: Browser | null = null;
  private published: Service | null = null;
  private publishedTxt = "";
  private gateway: GatewayAnnouncement | null = null;
  private fleet: FleetAnnouncement | null = null;
  /** The last socket problem, for the Settings card. */
  error: string | null = null;
  private readonly heard = new Map<string, Heard>();
  private readonly watchers = new Set<MdnsWatcher>();

  constructor(private readonly options: MdnsOptions) {}

  /** This engine's id, as its announcements carry it. */
  get selfId(): string {
    return this.options.identity().id;
  }

  get browsing(): boolean {
    return this.browser !== null;
  }

  get announcing(): boolean {
    return this.published !== null;
  }

  /** Whether the model gateway is announced now. */
  get announcingGateway(): boolean {
    return this.published !== null && this.gateway !== null;
  }

  /** Whether the fleet listener is announced now. */
  get announcingFleet(): boolean {
    return this.published !== null && this.fleet !== null;
  }

  /** Model sharing's part: the gateway to announce, or null. Resolves as `announce` does. */
  setGateway(gateway: GatewayAnnouncement | null): Promise<void> {
    this.gateway = gateway;
    return this.republish();
  }

  /** The fleet's part: the fleet listener to announce, or null. Resolves as `announce` does. */
  setFleet(fleet: FleetAnnouncement | null): Promise<void> {
    this.fleet = fleet;
    return this.republish();
  }

  private republish(): Promise<void> {
    if (!this.gateway && !this.fleet) return this.announce(null);
    return this.announce({ ...this.options.identity(), gateway: this.gateway, fleet: this.fleet });
  }

  /**
   * Announces `a` (again, when it changed); null, or an announcement that offers nothing, withdraws it. Resolves once
   * a withdrawn announcement's goodbye (TTL 0) has been sent, so browsers drop this engine at once.
   */
  private announce(a: Announcement | null): Promise<void> {
    const port = a ? announcementPort(a) : null;
    const txt = a && port ? JSON.stringify(announcementTxt(a)) + port + a.name : "";
    if (txt === this.publishedTxt) return Promise.resolve();
    this.publishedTxt = txt;
    let goodbye = Promise.resolve();
    if (this.published) {
      const old = this.published;
      this.published = null;
      goodbye = new Promise<void>((resolve) => (old.stop ? old.stop(() => resolve()) : resolve()));
    }
    if (!a || !port) return goodbye.then(() => this.releaseIfIdle());
    this.published = this.instance().publish({
      name: `${a.name} (${a.id.slice(0, 6)})`,
      type: SERVICE_TYPE,
      protocol: "tcp",
      port,
      txt: announcementTxt(a),
      // Instance names carry the id, so they do not collide; probing would only delay the announcement.
      probe: false,
      disableIPv6: true,
    });
    return goodbye;
  }

  /**
   * Hears what is on the LAN (what was heard already at once); browsing runs while anyone watches. Returns the way to
   * stop, which first tells the watcher that everything it heard is gone.
   */
  watch(watcher: MdnsWatcher): () => void {
    this.watchers.add(watcher);
    if (!this.browser) this.startBrowsing();
    for (const heard of this.heard.values()) {
      if (heard.peer) watcher.peerUp?.(heard.peer);
      if (heard.fleet) watcher.fleetUp?.(heard.fleet);
    }
    return () => this.unwatch(watcher);
  }

  private unwatch(watcher: MdnsWatcher): void {
    if (!this.watchers.delete(watcher)) return;
    for (const heard of this.heard.values()) {
      if (heard.peer) watcher.peerDown?.(heard.peer.id);
      if (heard.fleet) watcher.fleetDown?.(heard.fleet.name);
    }
    if (this.watchers.size === 0) this.stopBrowsing();
  }

  private startBrowsing(): void {
    const browser = this.instance().find({ type: SERVICE_TYPE, protocol: "tcp" });
    let forgetting = false;
    const forget = (from: Browser, service: Service) => {
      forgetting = true;
      try {
        (from as unknown as { removeService(fqdn: string): void }).removeService(service.fqdn);
      } finally {
        forgetting = false;
      }
    };
    const up = (service: Service) => {
      const key = service.fqdn ?? service.name;
      const before = this.heard.get(key);
      const now: Heard = { peer: parseService(service), fleet: parseFleetService(service) };
      // A LAN host announcing thousands of services is not remembered past the bound (nor offered to watchers), and
      // what is not remembered here is dropped from the browser's own list too: bonjour-service keeps every instance
      // it ever heard (no expiry) and searches that list for each packet, so a flood would cost memory and time there.
      if (!before && (this.heard.size >= MAX_HEARD || (!now.peer && !now.fleet))) return forget(browser, service);
      if (now.peer || now.fleet) this.heard.set(key, now);
      else {
        this.heard.delete(key);
        forget(browser, service);
      }
      // A part that went away (or changed hands) is gone before the new one is up.
      if (before?.peer && before.peer.id !== now.peer?.id) this.each((w) => w.peerDown?.(before.peer!.id));
      if (before?.fleet && before.fleet.name !== now.fleet?.name) this.each((w) => w.fleetDown?.(before.fleet!.name));
      if (now.peer) this.each((w) => w.peerUp?.(now.peer!));
      if (now.fleet) this.each((w) => w.fleetUp?.(now.fleet!));
    };
    browser.on("up", up);
    browser.on("txt-update", up);
    browser.on("srv-update", up);
    browser.on("down", (service: Service) => {
      if (forgetting) return;
      const key = service.fqdn ?? service.name;
      const heard = this.heard.get(key);
      this.heard.delete(key);
      if (heard?.peer) this.each((w) => w.peerDown?.(heard.peer!.id));
      if (heard?.fleet) this.each((w) => w.fleetDown?.(heard.fleet!.name));
    });
    this.browser = browser;
  }

  private stopBrowsing(): void {
    this.browser?.stop();
    this.browser = null;
    this.heard.clear();
    void this.releaseIfIdle();
  }

  private each(call: (watcher: MdnsWatcher) => void): void {
    for (const watcher of [...this.watchers]) call(watcher);
  }

  /** Asks the network again (a browser only hears announcements otherwise). */
  query(): void {
    this.browser?.update();
  }

  /** Stops browsing (watchers hear everything go) and withdraws the announcement. */
  async dispose(): Promise<void> {
    for (const watcher of [...this.watchers]) this.unwatch(watcher);
    this.gateway = null;
    this.fleet = null;
    await this.announce(null);
    await this.release();
  }

  private instance(): Bonjour {
    if (this.bonjour) return this.bonjour;
    const options: Record<string, unknown> = {};
    if (this.options.port !== undefined) options.port = this.options.port;
    if (this.options.interface !== undefined) options.interface = this.options.interface;
    const report = (error: unknown) => {
      this.error = error instanceof Error ? error.message : String(error);
      this.options.logger.warn("mDNS: a socket problem; peers can still be listed by hand", { error: this.error });
    };
    const bonjour = new Bonjour(options, report);
    // multicast-dns emits "error" (port taken, no permission) with no listener of bonjour's own: it would throw.
    const socket = (bonjour as unknown as { server?: { mdns?: NodeJS.EventEmitter } }).server?.mdns;
    socket?.on("error", report);
    socket?.on("warning", (error: unknown) => this.options.logger.debug("mDNS warning", { error: error instanceof Error ? error.message : String(error) }));
    this.bonjour = bonjour;
    return bonjour;
  }

  private releaseIfIdle(): Promise<void> {
    return !this.browser && !this.published ? this.release() : Promise.resolve();
  }

  private release(): Promise<void> {
    const bonjour = this.bonjour;
    this.bonjour = null;
    if (!bonjour) return Promise.resolve();
    return new Promise<void>((resolve) => {
      try {
        bonjour.unpublishAll(() => bonjour.destroy(() => resolve()));
      } catch {
        resolve();
      }
    });
  }
}
