import { z } from "zod";
import type { PeerView } from "../../../../shared/api/sharing.js";
import type { Logger } from "../../runtime/logger.js";
import type { SwarmPeer } from "../ipfs/peer-swarm.js";
import type { Discovered } from "./mdns.js";
import { PEER_INDEX_FORMAT, PEER_INDEX_PATH } from "./peer-gateway.js";

/** A peer's index is a few hundred bytes per model; more than this is not an index. */
const MAX_INDEX_BYTES = 256 * 1024;
const INDEX_TIMEOUT_MS = 3_000;

const IndexEntry = z.object({
  cid: z.string().min(8).max(128),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().min(0),
  catalogId: z.string().max(100).nullable(),
});
type IndexEntry = z.infer<typeof IndexEntry>;

const PeerIndex = z.object({
  format: z.literal(PEER_INDEX_FORMAT),
  id: z.string().max(64),
  name: z.string().max(100),
  models: z.array(IndexEntry).max(1000),
});

interface Peer {
  key: string;
  id: string | null;
  name: string;
  url: string;
  origin: "mdns" | "manual";
  indexPath: string;
  revision: number | null;
  models: IndexEntry[];
  seenAt: number | null;
  error: string | null;
  /** Its index came back with this engine's own id. */
  self: boolean;
  reading: Promise<void> | null;
}

export interface PeerDirectoryOptions {
  fetch: typeof fetch;
  logger: Logger;
  /** This engine's id: a peer whose index carries it is this engine (listed by hand, or heard on mDNS). */
  selfId: string;
  now?: () => number;
  onChange(): void;
}

/**
 * The PocketForge gateways this engine knows: found by mDNS or listed by hand, each with the CIDs its index says it
 * serves (read over HTTP, bounded in size and time). What a peer claims is only a hint: every block it later sends is
 * checked against its CID, and the whole file against the catalog's sha256.
 */
export class PeerDirectory {
  private readonly peers = new Map<string, Peer>();
  private readonly now: () => number;

  constructor(private readonly options: PeerDirectoryOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Replaces the peers listed by hand. */
  setManual(urls: string[]): void {
    const wanted = new Set(urls.map((u) => u.replace(/\/+$/, "")));
    for (const [key, peer] of this.peers) if (peer.origin === "manual" && !wanted.has(peer.url)) this.peers.delete(key);
    for (const url of wanted) {
      const key = `manual:${url}`;
      if (!this.peers.has(key)) this.peers.set(key, this.blank(key, null, url, url, "manual", PEER_INDEX_PATH));
    }
    this.options.onChange();
  }

  /** A peer announced itself (or changed its TXT record): its index is read again when its revision moved. */
  discovered(found: Discovered): void {
    const key = `mdns:${found.id}`;
    if (found.id === this.options.selfId) return;
    let peer = this.peers.get(key);
    if (!peer || peer.url !== found.url) {
      peer = this.blank(key, found.id, found.name, found.url, "mdns", found.indexPath);
      this.peers.set(key, peer);
    }
    peer.name = found.name;
    const stale = peer.revision !== found.revision;
    peer.revision = found.revision;
    if (stale) void this.read(peer);
    this.options.onChange();
  }

  gone(id: string): void {
    if (this.peers.delete(`mdns:${id}`)) this.options.onChange();
  }

  /** Reads every peer's index again (at most INDEX_TIMEOUT_MS each, all at once). */
  async refresh(): Promise<void> {
    await Promise.all([...this.peers.values()].map((peer) => this.read(peer)));
  }

  list(): PeerView[] {
    return this.usable(true).map((p) => ({
      id: p.id ?? p.url,
      name: p.name,
      url: p.url,
      origin: p.origin,
      cids: p.models.map((m) => m.cid),
      seenAt: p.seenAt,
      error: p.error,
    }));
  }

  /** Peers whose index lists `cid`. */
  holders(cid: string): SwarmPeer[] {
    return this.usable(false)
      .filter((p) => p.models.some((m) => m.cid === cid))
      .map((p) => ({ url: p.url, label: label(p) }));
  }

  /** CIDs peers claim for a file of this sha256 and size, most claimed first. */
  claims(sha256: string, sizeBytes: number | undefined): string[] {
    const count = new Map<string, number>();
    for (const peer of this.usable(false)) {
      for (const m of peer.models) {
        if (m.sha256 === sha256 && (sizeBytes === undefined || m.sizeBytes === sizeBytes)) count.set(m.cid, (count.get(m.cid) ?? 0) + 1);
      }
    }
    return [...count.entries()].sort((a, b) => b[1] - a[1]).map(([cid]) => cid);
  }

  private usable(withErrors: boolean): Peer[] {
    // One peer heard on mDNS and also listed by hand is one peer: the listed entry wins.
    const byUrl = new Map<string, Peer>();
    for (const peer of this.peers.values()) {
      if (peer.self || (!withErrors && peer.error)) continue;
      const existing = byUrl.get(peer.url);
      if (!existing || peer.origin === "manual") byUrl.set(peer.url, peer);
    }
    return [...byUrl.values()];
  }

  private blank(key: string, id: string | null, name: string, url: string, origin: Peer["origin"], indexPath: string): Peer {
    return { key, id, name, url, origin, indexPath, revision: null, models: [], seenAt: null, error: null, self: false, reading: null };
  }

  private read(peer: Peer): Promise<void> {
    peer.reading ??= this.readIndex(peer).finally(() => {
      peer.reading = null;
      this.options.onChange();
    });
    return peer.reading;
  }

  private async readIndex(peer: Peer): Promise<void> {
    try {
      const response = await this.options.fetch(`${peer.url}${peer.indexPath}`, { signal: AbortSignal.timeout(INDEX_TIMEOUT_MS), headers: { accept: "application/json" } });
      if (response.status !== 200 || !response.body) {
        await response.body?.cancel().catch(() => {});
        throw new Error(`HTTP ${response.status}`);
      }
      const chunks: Uint8Array[] = [];
      let length = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        length += chunk.length;
        if (length > MAX_INDEX_BYTES) throw new Error("its index is too large");
        chunks.push(chunk);
      }
      const index = PeerIndex.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      peer.self = index.id === this.options.selfId;
      peer.id ??= index.id;
      if (peer.origin === "manual") peer.name = index.name || peer.url;
      peer.models = index.models;
      peer.seenAt = this.now();
      peer.error = null;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } })?.cause?.code;
      peer.error = (error as { name?: string })?.name === "TimeoutError" ? "did not answer" : cause ?? (error instanceof Error ? error.message : String(error));
      peer.models = [];
      this.options.logger.debug("could not read a peer's index", { peer: peer.url, error: peer.error });
    }
  }
}

function label(peer: Peer): string {
  const host = new URL(peer.url).host;
  return peer.name && peer.name !== peer.url ? `${peer.name} (${host})` : host;
}
