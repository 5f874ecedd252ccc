import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { z } from "zod";
import { ApiError } from "../../../../shared/api/define.js";
import { SharingSettings, type SharingStatus } from "../../../../shared/api/sharing.js";
import type { CatalogEntry } from "../../../../shared/models/catalog-schema.js";
import { reachableHosts } from "../../runtime/lan-addresses.js";
import { dataDirLayout } from "../../runtime/data-dir.js";
import { DocumentStore } from "../../runtime/document-store.js";
import { isLoopbackHost } from "../../runtime/host-names.js";
import type { Logger } from "../../runtime/logger.js";
import type { Service } from "../../runtime/service.js";
import type { SwarmPeer } from "../ipfs/peer-swarm.js";
import type { MdnsPeers } from "./mdns.js";
import { PeerDirectory } from "./peer-directory.js";
import { PEER_INDEX_PATH, PeerGateway, type SharedLibrary } from "./peer-gateway.js";

/** Serving is off until the owner turns it on; finding and using peers is on (every block is verified). */
export const DEFAULT_SHARING_SETTINGS: SharingSettings = {
  serve: false,
  host: "0.0.0.0",
  port: 8644,
  announce: true,
  discover: true,
  usePeers: true,
  peers: [],
  perPeerRequestsPerSecond: 500,
  uploadLimitMiBps: null,
};

const SharingDocument = SharingSettings.extend({
  /** This engine's peer id (random, made once): how it recognises itself in a peer list. */
  peerId: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/),
});
type SharingDocument = z.infer<typeof SharingDocument>;

/** A CID LAN peers serve for a catalog model, and the peers serving it now. */
export interface LanOffer {
  cid: string;
  peers: () => SwarmPeer[];
}

export interface SharingServiceOptions {
  dataDir: string;
  logger: Logger;
  library: SharedLibrary & {
    /** A CID this engine computed itself from a file matching the catalog's sha256. */
    trustedCid(entry: CatalogEntry): string | undefined;
  };
  emit(status: SharingStatus): void;
  fetch?: typeof fetch;
  /** The name peers see (the machine's host name). */
  name?: string;
  /** The engine's one mDNS socket (shared with the fleet): this service announces its gateway and watches peers. */
  mdns: MdnsPeers;
  settingsDefaults?: Partial<SharingSettings>;
}

/**
 * Sharing models on the LAN: the gateway (opt-in), its mDNS announcement, the directory of peers (mDNS and listed by
 * hand), and, for downloads, which CID LAN peers serve for a catalog model. Settings live in models/sharing.json.
 */
export class SharingService implements Service {
  private readonly store: DocumentStore<typeof SharingDocument>;
  private readonly directory: PeerDirectory;
  private readonly mdns: MdnsPeers;
  private unwatch: (() => void) | null = null;
  private gateway: PeerGateway | null = null;
  private gatewayError: string | null = null;
  private revision = 0;
  private lastShared = "";
  private applying: Promise<void> = Promise.resolve();
  private started = false;
  private readonly name: string;

  constructor(private readonly options: SharingServiceOptions) {
    const defaults = { ...DEFAULT_SHARING_SETTINGS, ...options.settingsDefaults };
    this.store = new DocumentStore({
      path: dataDirLayout(options.dataDir).models.sharing,
      schema: z.preprocess((value) => (value && typeof value === "object" ? { ...defaults, ...value } : value), SharingDocument) as unknown as typeof SharingDocument,
      version: { kind: "envelope", format: "pocketforge-sharing-v1", key: "sharing" },
      defaults: () => ({ ...defaults, peerId: randomBytes(9).toString("base64url") }),
      logger: options.logger,
    });
    // The id is made once and kept, so the engine knows itself across restarts.
    if (!existsSync(this.store.path)) this.store.set(this.store.get());
    this.name = (options.name ?? hostname()).slice(0, 60) || "PocketForge";
    this.directory = new PeerDirectory({
      fetch: options.fetch ?? fetch,
      logger: options.logger,
      selfId: this.store.get().peerId,
      onChange: () => this.changed(),
    });
    this.mdns = options.mdns;
  }

  get peerId(): string {
    return this.store.get().peerId;
  }

  async start(): Promise<void> {
    this.started = true;
    await this.apply();
  }

  async dispose(): Promise<void> {
    this.started = false;
    await this.applying.catch(() => {});
    await this.gateway?.stop();
    this.gateway = null;
    this.unwatch?.();
    this.unwatch = null;
    await this.mdns.setGateway(null);
  }

  settings(): SharingSettings {
    const { peerId: _id, ...settings } = this.store.get();
    return settings;
  }

  /** Whether `patch` starts serving on an address other machines can reach (the caller asks for the passphrase). */
  opensBeyondLoopback(patch: Partial<SharingSettings>): boolean {
    const current = this.settings();
    const next = { ...current, ...patch };
    return next.serve && !isLoopbackHost(next.host) && (!current.serve || isLoopbackHost(current.host));
  }

  async update(patch: Partial<SharingSettings>): Promise<SharingStatus> {
    this.store.update((current) => ({ ...current, ...patch }));
    await this.apply();
    return this.status();
  }

  /** "Check peers now": an mDNS query (when discovery is on) and every known peer's index read again. */
  async checkPeers(): Promise<SharingStatus> {
    if (this.unwatch) this.mdns.query();
    await this.directory.refresh();
    return this.status();
  }

  status(): SharingStatus {
    const settings = this.settings();
    const address = this.gateway?.address;
    return {
      settings,
      gateway: {
        state: this.gateway ? "listening" : this.gatewayError ? "failed" : "off",
        urls: address ? reachableUrls(address.address, address.port) : [],
        error: this.gatewayError,
        models: this.options.library.shareable().length,
        blocksServed: this.gateway?.counters.blocksServed ?? 0,
        bytesServed: this.gateway?.counters.bytesServed ?? 0,
        refused: this.gateway?.counters.refused ?? 0,
      },
      mdns: { announcing: this.mdns.announcingGateway, browsing: this.unwatch !== null && this.mdns.browsing, error: this.mdns.error },
      peers: this.directory.list(),
    };
  }

  /** The gateway's URL on loopback, for tests and the local benchmark (null while it is off). */
  localUrl(): string | null {
    const address = this.gateway?.address;
    if (!address) return null;
    const host = address.address === "0.0.0.0" || address.address === "::" ? "127.0.0.1" : address.address.includes(":") ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** The installed models changed: the announcement's revision moves so peers read the index again. */
  modelsChanged(): void {
    const shared = this.options.library.shareable().map((m) => m.cid).sort().join(",");
    if (shared === this.lastShared) return;
    this.lastShared = shared;
    this.revision++;
    this.announce();
    this.changed();
  }

  /**
   * The CID and peers to fetch a catalog model from on the LAN, or null when no peer serves it (or peers are not to be
   * used). A CID is taken from the catalog (its IPFS source), from this engine's own computation, or from what peers
   * claim for the catalog's sha256: a claim is checked by the download itself (every block against the CID, the
   * file against the sha256), so only models whose catalog pins a sha256 are fetched on a peer's word.
   */
  async offer(entry: CatalogEntry): Promise<LanOffer | null> {
    const settings = this.settings();
    if (!settings.usePeers) return null;
    await this.directory.refresh();
    const catalogCid = entry.sources.find((s) => s.kind === "ipfs");
    const known = [catalogCid?.kind === "ipfs" ? catalogCid.cid : undefined, this.options.library.trustedCid(entry)].filter((c): c is string => !!c);
    const claimed = entry.sha256 ? this.directory.claims(entry.sha256, entry.sizeBytes) : [];
    for (const cid of [...known, ...claimed]) {
      if (this.directory.holders(cid).length > 0) return { cid, peers: () => this.directory.holders(cid) };
    }
    return null;
  }

  private apply(): Promise<void> {
    this.applying = this.applying.catch(() => {}).then(() => this.applyNow());
    return this.applying;
  }

  private async applyNow(): Promise<void> {
    if (!this.started) return;
    const settings = this.settings();
    this.directory.setManual(settings.peers);
    await this.gateway?.stop();
    this.gateway = null;
    this.gatewayError = null;
    if (settings.serve) {
      const gateway = new PeerGateway({
        library: this.options.library,
        logger: this.options.logger,
        id: this.peerId,
        name: this.name,
        perPeerRequestsPerSecond: settings.perPeerRequestsPerSecond,
        uploadBytesPerSecond: settings.uploadLimitMiBps ? settings.uploadLimitMiBps * 1024 * 1024 : null,
      });
      try {
        const address = await gateway.start(settings.host, settings.port);
        this.gateway = gateway;
        this.options.logger.info("serving installed models to LAN peers", { host: address.address, port: address.port, models: this.options.library.shareable().length });
      } catch (error) {
        this.gatewayError = `Could not listen on ${settings.host}:${settings.port}: ${error instanceof Error ? error.message : String(error)}`;
        this.options.logger.warn("the model gateway could not start", { error: this.gatewayError });
      }
    }
    this.lastShared = this.options.library.shareable().map((m) => m.cid).sort().join(",");
    this.announce();
    if (settings.discover && !this.unwatch) {
      this.unwatch = this.mdns.watch({ peerUp: (peer) => this.directory.discovered(peer), peerDown: (id) => this.directory.gone(id) });
    } else if (!settings.discover && this.unwatch) {
      this.unwatch();
      this.unwatch = null;
    }
    this.changed();
    void this.directory.refresh();
  }

  private announce(): void {
    const settings = this.settings();
    const address = this.gateway?.address;
    const loopbackOnly = address ? isLoopbackHost(address.address) : true;
    void this.mdns.setGateway(address && settings.announce && !loopbackOnly ? { port: address.port, indexPath: PEER_INDEX_PATH, revision: this.revision } : null);
  }

  private changed(): void {
    if (this.started) this.options.emit(this.status());
  }

  /** For the API: refuses settings the schema allows but that cannot work. */
  static check(patch: Partial<SharingSettings>): void {
    if (patch.serve && patch.host !== undefined && patch.host.includes(":") && patch.host !== "::") {
      throw new ApiError("invalid_params", "Serve on an IPv4 address (or 0.0.0.0): peers on the LAN are reached over IPv4.");
    }
  }
}

/** Where peers reach a gateway: its address, or every LAN IPv4 address when it listens on all of them. */
function reachableUrls(address: string, port: number): string[] {
  return reachableHosts(address).map((host) => `http://${host}:${port}`);
}
