import { isIP } from "node:net";
import { Bonjour, type Browser, type Service } from "bonjour-service";
import type { Logger } from "../../runtime/logger.js";

/** DNS-SD service type: `_pocketforge._tcp.local`. */
export const SERVICE_TYPE = "pocketforge";
/** Version of what the TXT record says. */
const TXT_VERSION = "1";

/** What this engine announces: its gateway's port and where its index of CIDs is. */
export interface Announcement {
  /** Random per data folder: how an engine recognises itself, and a peer across address changes. */
  id: string;
  name: string;
  port: number;
  indexPath: string;
  /** Changes whenever the set of models served changes, so browsers know to read the index again. */
  revision: number;
}

/** A gateway found on the LAN. */
export interface Discovered {
  id: string;
  name: string;
  url: string;
  revision: number;
  indexPath: string;
}

/** The TXT record of an announcement (RFC 6763 §6: short key=value strings). */
export function announcementTxt(a: Announcement): Record<string, string> {
  return { v: TXT_VERSION, id: a.id, idx: a.indexPath, rev: String(a.revision) };
}

/**
 * Reads a resolved DNS-SD service as a peer: our TXT version, an id, an index path, and an IPv4 address to reach it
 * (the one the answer came from when it is among the service's addresses). Null for anything else on the network.
 */
export function parseService(service: Pick<Service, "name" | "port" | "addresses" | "txt" | "referer">): Discovered | null {
  const txt = (service.txt ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof txt[key] === "string" ? (txt[key] as string) : Buffer.isBuffer(txt[key]) ? (txt[key] as Buffer).toString("utf8") : null);
  if (text("v") !== TXT_VERSION) return null;
  const id = text("id");
  const indexPath = text("idx");
  if (!id || !/^[A-Za-z0-9_-]{4,64}$/.test(id) || !indexPath || !/^\/[A-Za-z0-9/_.-]{1,100}$/.test(indexPath)) return null;
  if (!Number.isInteger(service.port) || service.port < 1 || service.port > 65535) return null;
  const ipv4 = (service.addresses ?? []).filter((a) => isIP(a) === 4 && !a.startsWith("169.254."));
  const from = service.referer?.address;
  const address = from && ipv4.includes(from) ? from : ipv4[0] ?? (from && isIP(from) === 4 ? from : null);
  if (!address) return null;
  const revision = Number(text("rev") ?? 0);
  return { id, name: String(service.name).slice(0, 100), url: `http://${address}:${service.port}`, revision: Number.isFinite(revision) ? revision : 0, indexPath };
}

export interface MdnsOptions {
  logger: Logger;
  /** The mDNS port (5353); tests use another so that concurrent runs do not see each other. */
  port?: number;
  /** The interface address to send and listen on (all of them by default). */
  interface?: string;
  onUp(peer: Discovered): void;
  onDown(id: string): void;
}

/**
 * DNS-SD over multicast DNS through bonjour-service: announces this engine's gateway as `_pocketforge._tcp` with a
 * TXT record (id, index path, revision), and browses for the others. Socket errors (no multicast on this network, port
 * taken) are reported, never thrown: discovery is a convenience, peers can always be listed by hand.
 */
export class MdnsPeers {
  private bonjour: Bonjour | null = null;
  private browser: Browser | null = null;
  private published: Service | null = null;
  private publishedTxt = "";
  /** The last socket problem, for the Settings card. */
  error: string | null = null;
  private readonly seen = new Map<string, string>();

  constructor(private readonly options: MdnsOptions) {}

  get browsing(): boolean {
    return this.browser !== null;
  }

  get announcing(): boolean {
    return this.published !== null;
  }

  /**
   * Announces `a` (again, when its TXT changed); null withdraws the announcement. Resolves once a withdrawn
   * announcement's goodbye (TTL 0) has been sent, so browsers drop this peer at once.
   */
  announce(a: Announcement | null): Promise<void> {
    const txt = a ? JSON.stringify(announcementTxt(a)) + a.port + a.name : "";
    if (txt === this.publishedTxt) return Promise.resolve();
    this.publishedTxt = txt;
    let goodbye = Promise.resolve();
    if (this.published) {
      const old = this.published;
      this.published = null;
      goodbye = new Promise<void>((resolve) => (old.stop ? old.stop(() => resolve()) : resolve()));
    }
    if (!a) return goodbye.then(() => this.releaseIfIdle());
    this.published = this.instance().publish({
      name: `${a.name} (${a.id.slice(0, 6)})`,
      type: SERVICE_TYPE,
      protocol: "tcp",
      port: a.port,
      txt: announcementTxt(a),
      // Instance names carry the id, so they do not collide; probing would only delay the announcement.
      probe: false,
      disableIPv6: true,
    });
    return goodbye;
  }

  /** Starts or stops looking for peers. */
  browse(on: boolean): void {
    if (on === this.browsing) return;
    if (!on) {
      this.browser?.stop();
      this.browser = null;
      for (const id of this.seen.values()) this.options.onDown(id);
      this.seen.clear();
      void this.releaseIfIdle();
      return;
    }
    const browser = this.instance().find({ type: SERVICE_TYPE, protocol: "tcp" });
    const up = (service: Service) => {
      const peer = parseService(service);
      if (!peer) return;
      this.seen.set(service.fqdn ?? service.name, peer.id);
      this.options.onUp(peer);
    };
    browser.on("up", up);
    browser.on("txt-update", up);
    browser.on("srv-update", up);
    browser.on("down", (service: Service) => {
      const key = service.fqdn ?? service.name;
      const id = this.seen.get(key);
      this.seen.delete(key);
      if (id) this.options.onDown(id);
    });
    this.browser = browser;
  }

  /** Asks the network again (a browser only hears announcements otherwise). */
  query(): void {
    this.browser?.update();
  }

  async dispose(): Promise<void> {
    this.browse(false);
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
