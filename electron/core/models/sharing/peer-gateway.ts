import { open, type FileHandle } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createWriter, close as closeCarHeader } from "@ipld/car/buffer-writer";
import { varint } from "multiformats";
import { CID } from "multiformats/cid";
import type { InstalledModel } from "../../../../shared/api/models.js";
import { createGuardedServer, type GuardedServer } from "../../runtime/guarded-server.js";
import { originFormUrl } from "../../runtime/http-guard.js";
import { HostNames } from "../../runtime/host-names.js";
import type { Logger } from "../../runtime/logger.js";
import { blockMatchesCid } from "../ipfs/block.js";
import type { ModelDag } from "./model-dag.js";
import { ByteThrottle, RequestLimiter } from "./rate-limit.js";

/** The index a peer reads to learn which CIDs this engine serves (what mDNS cannot carry). */
export const PEER_INDEX_PATH = "/pocketforge/v1/index";
export const PEER_INDEX_FORMAT = "pocketforge-peer-index-v1";

/** The installed models as the gateway sees them. */
export interface SharedLibrary {
  /** Installed models with a CID whose file is present. */
  shareable(): InstalledModel[];
  dag(modelId: string): Promise<ModelDag>;
}

export interface PeerGatewayOptions {
  library: SharedLibrary;
  logger: Logger;
  /** This engine's peer id and name, in the index. */
  id: string;
  name: string;
  perPeerRequestsPerSecond: number;
  /** Bytes per second over all peers; null for no cap. */
  uploadBytesPerSecond: number | null;
  /** Listening is bounded like every listener; tests shorten the timeouts. */
  maxConnections?: number;
}

export interface GatewayCounters {
  blocksServed: number;
  bytesServed: number;
  refused: number;
}

/**
 * Connections one address may hold at once: a peer that opens many and reads them slowly cannot take every place under
 * maxConnections from the others (a downloader keeps at most 16 to one peer).
 */
const MAX_CONNECTIONS_PER_PEER = 32;

/** The gateway is read-only: a request body has no business being large. */
const MAX_BODY_BYTES = 64 * 1024;

const GUARD_REFUSALS = { 403: "web pages may not read this gateway", 413: "read-only gateway", 421: "unknown host name" } as const;

const CID_PATH = /^\/ipfs\/([A-Za-z0-9]{8,128})$/;

/**
 * A read-only IPFS trustless gateway for this engine's installed models, for PocketForge peers on the LAN
 * (https://specs.ipfs.tech/http-gateways/trustless-gateway/): `GET /ipfs/{cid}?format=raw` answers one block,
 * `?format=car` the DAG under a CID (`dag-scope=all|entity|block`, `entity-bytes=from:to` for a byte range), and
 * `/pocketforge/v1/index` the CIDs of the models it serves. A CID that is not a block of an installed model's DAG is
 * refused like any other path; nothing is listed; nothing is written. Leaves are read from the model file and
 * checked against their CID before they are sent, so a file damaged on disk is never passed on. Each peer (by
 * address) gets a request rate; all peers together get the upload cap.
 */
export class PeerGateway {
  private server: GuardedServer | null = null;
  private readonly limiter: RequestLimiter;
  /**
   * Leaves (by offset) already checked against their CID, per model file and file version (inode, size, change and
   * modification times): a block is hashed the first time it leaves after the file last changed, not for every peer.
   */
  private readonly checked = new Map<string, { version: string; offsets: Set<number> }>();
  private readonly throttle: ByteThrottle | null;
  readonly counters: GatewayCounters = { blocksServed: 0, bytesServed: 0, refused: 0 };

  constructor(private readonly options: PeerGatewayOptions) {
    this.limiter = new RequestLimiter(options.perPeerRequestsPerSecond);
    this.throttle = options.uploadBytesPerSecond ? new ByteThrottle(options.uploadBytesPerSecond) : null;
  }

  get address(): AddressInfo | null {
    return this.server?.address ?? null;
  }

  async start(host: string, port: number): Promise<AddressInfo> {
    // A web page (DNS rebinding) names the listener by a domain of its own; peers use its address or .local name.
    const server = createGuardedServer(
      {
        name: "model gateway",
        logger: this.options.logger,
        hosts: new HostNames(host),
        origin: "none",
        maxBodyBytes: MAX_BODY_BYTES,
        bounds: { maxConnections: this.options.maxConnections ?? 128, requestTimeoutMs: 600_000 },
        maxConnectionsPerAddress: MAX_CONNECTIONS_PER_PEER,
        refuse: (res, status) => this.reply(res, status, GUARD_REFUSALS[status]),
        onRefused: () => void this.counters.refused++,
      },
      { request: (req, res) => this.handle(req, res) },
    );
    const address = await server.listen(port, host);
    this.server = server;
    return address;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.throttle?.dispose();
    await server?.close();
  }

  private refuse(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    this.counters.refused++;
    this.reply(res, status, text, headers);
  }

  private reply(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff", "cache-control": "no-store", ...headers });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") return this.refuse(res, 405, "read-only gateway", { allow: "GET, HEAD" });
    // Only a path is answered: an absolute-form target (`GET http://other/ipfs/…`) names another host than Host does.
    const url = originFormUrl(req);
    if (!url) return this.refuse(res, 400, "the request target must be a path");
    const peer = req.socket.remoteAddress ?? "unknown";
    if (!this.limiter.admit(peer)) return this.refuse(res, 429, "too many requests", { "retry-after": "1" });
    if (url.pathname === PEER_INDEX_PATH) return this.index(req, res);
    const match = CID_PATH.exec(url.pathname);
    if (!match) return this.refuse(res, 404, "not found");
    let cid: CID;
    try {
      cid = CID.parse(match[1]!);
    } catch {
      return this.refuse(res, 400, "not a CID");
    }
    const accept = req.headers.accept ?? "";
    const format = url.searchParams.get("format") ?? (accept.includes("application/vnd.ipld.raw") ? "raw" : accept.includes("application/vnd.ipld.car") ? "car" : null);
    if (format !== "raw" && format !== "car") return this.refuse(res, 406, "this gateway answers ?format=raw and ?format=car only");
    const found = await this.find(cid.toString());
    if (!found) return this.refuse(res, 404, "not a block of a model served here");
    if (format === "raw") return this.raw(req, res, found.model, found.dag, cid);
    return this.car(req, res, url, found.model, found.dag, cid);
  }

  private index(req: IncomingMessage, res: ServerResponse): void {
    const body = JSON.stringify({
      format: PEER_INDEX_FORMAT,
      id: this.options.id,
      name: this.options.name,
      models: this.options.library.shareable().map((m) => ({ cid: m.cid, sha256: m.sha256, sizeBytes: m.sizeBytes, catalogId: m.catalogId })),
    });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "cache-control": "no-store", "x-content-type-options": "nosniff" });
    res.end(req.method === "HEAD" ? undefined : body);
  }

  private async find(cid: string): Promise<{ model: InstalledModel; dag: ModelDag } | null> {
    for (const model of this.options.library.shareable()) {
      const dag = await this.options.library.dag(model.id).catch(() => null);
      if (dag?.has(cid)) return { model, dag };
    }
    return null;
  }

  private async raw(req: IncomingMessage, res: ServerResponse, model: InstalledModel, dag: ModelDag, cid: CID): Promise<void> {
    const place = dag.locate(cid.toString())!;
    let bytes: Uint8Array;
    if (place.kind === "node") bytes = place.bytes;
    else {
      const opened = await this.openModel(model);
      try {
        bytes = await this.readLeaf(opened, model, cid, place.offset, place.size);
      } finally {
        await opened.file.close();
      }
    }
    res.writeHead(200, {
      "content-type": "application/vnd.ipld.raw",
      "content-length": bytes.length,
      "cache-control": "public, max-age=29030400, immutable",
      etag: `"${cid}.raw"`,
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") return void res.end();
    await this.throttle?.take(bytes.length);
    this.counters.blocksServed++;
    this.counters.bytesServed += bytes.length;
    res.end(bytes);
  }

  private async car(req: IncomingMessage, res: ServerResponse, url: URL, model: InstalledModel, dag: ModelDag, cid: CID): Promise<void> {
    const scope = url.searchParams.get("dag-scope") ?? "all";
    if (scope !== "all" && scope !== "entity" && scope !== "block") return this.refuse(res, 400, "dag-scope is all, entity or block");
    const size = dag.sizeOf(cid.toString()) ?? 0;
    let range: { from: number; to: number } | undefined;
    const entityBytes = url.searchParams.get("entity-bytes");
    if (entityBytes !== null) {
      const parsed = /^(\d{1,16}):(\d{1,16}|\*)$/.exec(entityBytes);
      if (!parsed || scope !== "entity") return this.refuse(res, 400, "entity-bytes is from:to (bytes, to inclusive, or *) with dag-scope=entity");
      const from = Number(parsed[1]);
      const to = parsed[2] === "*" ? Number.POSITIVE_INFINITY : Number(parsed[2]);
      // A range written backwards is malformed; a well-formed one that starts past the end cannot be satisfied.
      if (from > to) return this.refuse(res, 400, "entity-bytes: from is past to");
      if (from >= Math.max(size, 1)) return this.refuse(res, 416, "the range lies outside the file", { "content-range": `bytes */${size}` });
      range = { from, to: Math.min(to, size - 1) + 1 };
    }
    const walk = () => (scope === "block" ? firstOf(dag.walk(cid)) : dag.walk(cid, range)[Symbol.iterator]());
    const header = closeCarHeader(createWriter(new ArrayBuffer(128), { roots: [cid] }), { resize: true });
    // The length is known from the DAG (no block is read for it): the body goes out as it is, not chunked, and a peer
    // can tell a response cut short from a whole one.
    let length = header.length;
    for (let steps = walk(), next = steps.next(); !next.done; next = steps.next()) {
      const step = next.value;
      length += sectionHeadLength(step.cid, step.kind === "node" ? step.bytes!.length : step.size) + (step.kind === "node" ? step.bytes!.length : step.size);
    }
    res.writeHead(200, {
      "content-type": "application/vnd.ipld.car; version=1; order=dfs; dups=y",
      "content-length": length,
      "cache-control": "public, max-age=29030400, immutable",
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") return void res.end();
    if (!(await this.send(res, header))) return;
    // The walk is followed lazily (a whole 40 GB DAG is 160,000 steps); the next block is read and checked while the
    // current one is sent. Each section (its length, its CID, the block) goes out as one buffer: a leaf is read from
    // the file just after the room left for its head, so nothing is copied and each block is one write.
    const steps = walk();
    let opened: Promise<{ file: FileHandle; checked: Set<number> }> | null = null;
    try {
      const load = async (): Promise<{ section: Uint8Array; blockBytes: number } | null> => {
        const next = steps.next();
        if (next.done) return null;
        const step = next.value;
        if (step.kind === "node") {
          const bytes = step.bytes!;
          const section = new Uint8Array(sectionHeadLength(step.cid, bytes.length) + bytes.length);
          section.set(bytes, writeSectionHead(step.cid, bytes.length, section));
          return { section, blockBytes: bytes.length };
        }
        opened ??= this.openModel(model);
        const headLength = sectionHeadLength(step.cid, step.size);
        const section = await this.readLeaf(await opened, model, step.cid, step.offset, step.size, headLength);
        writeSectionHead(step.cid, step.size, section);
        return { section, blockBytes: step.size };
      };
      let next = load();
      for (let block = await next; block; block = await next) {
        next = load();
        next.catch(() => {});
        await this.throttle?.take(block.section.length);
        if (!(await this.send(res, block.section))) {
          await next.catch(() => {});
          return;
        }
        this.counters.blocksServed++;
        this.counters.bytesServed += block.blockBytes;
      }
      res.end();
    } catch (error) {
      // The status line is out: cutting the response short (before its Content-Length) is how a CAR says it failed.
      this.options.logger.warn("model gateway: a CAR response failed", { cid: cid.toString(), error });
      res.destroy();
    } finally {
      const handle = await (opened as Promise<{ file: FileHandle }> | null)?.catch(() => null);
      await handle?.file.close();
    }
  }

  /** Opens a model file and learns its version, which says whether earlier checks of its leaves still hold. */
  private async openModel(model: InstalledModel): Promise<{ file: FileHandle; checked: Set<number> }> {
    const file = await open(model.path, "r");
    const info = await file.stat();
    const version = `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
    let entry = this.checked.get(model.path);
    if (!entry || entry.version !== version) {
      // Files no longer shared are forgotten.
      if (!entry && this.checked.size >= 16) {
        const shared = new Set(this.options.library.shareable().map((m) => m.path));
        for (const path of this.checked.keys()) if (!shared.has(path)) this.checked.delete(path);
      }
      entry = { version, offsets: new Set() };
      this.checked.set(model.path, entry);
    }
    return { file, checked: entry.offsets };
  }

  /**
   * Reads a leaf and checks it against its CID: a file changed on disk must not reach a peer as this model. The leaf
   * lands `headroom` bytes into the buffer returned (room for a CAR section's head in front of it).
   */
  private async readLeaf(
    opened: { file: FileHandle; checked: Set<number> },
    model: InstalledModel,
    cid: CID,
    offset: number,
    size: number,
    headroom = 0,
  ): Promise<Buffer> {
    const { file, checked } = opened;
    const buffer = Buffer.allocUnsafe(headroom + size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await file.read(buffer, headroom + filled, size - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled !== size) throw new Error(`${model.name} changed on disk: it is shorter than it was; it is not served (verify the model)`);
    if (checked.has(offset)) return buffer;
    if (!(await blockMatchesCid(cid, buffer.subarray(headroom)))) {
      throw new Error(`${model.name} changed on disk: block ${cid} no longer matches; it is not served (verify the model)`);
    }
    checked.add(offset);
    return buffer;
  }

  /** Writes with backpressure; false when the peer went away. */
  private async send(res: ServerResponse, bytes: Uint8Array): Promise<boolean> {
    if (res.destroyed) return false;
    if (res.write(bytes)) return true;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        res.off("drain", drained);
        res.off("close", closed);
        resolve(ok);
      };
      const drained = () => done(true);
      const closed = () => done(false);
      res.on("drain", drained);
      res.on("close", closed);
    });
  }
}

/** Bytes of a CAR section's head (the varint length of CID and block, then the CID) for a block of `blockLength`. */
function sectionHeadLength(cid: CID, blockLength: number): number {
  return varint.encodingLength(cid.bytes.length + blockLength) + cid.bytes.length;
}

/** Writes a section's head at the start of `target`; returns where the block goes. */
function writeSectionHead(cid: CID, blockLength: number, target: Uint8Array): number {
  const cidBytes = cid.bytes;
  const length = cidBytes.length + blockLength;
  const at = varint.encodingLength(length);
  varint.encodeTo(length, target, 0);
  target.set(cidBytes, at);
  return at + cidBytes.length;
}

/** The first item of an iterable, without going on to the rest. */
function* firstOf<T>(items: Iterable<T>): Generator<T> {
  for (const item of items) return yield item;
}
