// The fleet as an engine service. Front node: opens pairings, accepts nodes that prove they know the code, keeps the
// node list (paired PocketForges, OpenAI-compatible servers, this machine's own engine) and routes requests over it.
// Inference node: serves the front node it paired with, and only it (every request signed with the pairing key).
import { randomBytes, X509Certificate } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect as tlsConnect } from "node:tls";
import { ApiError, type FleetNodeView, type FleetPairing, type FleetStatus } from "../../../shared/api/index.js";
import { isLoopbackHost } from "../runtime/host-names.js";
import { reachableHosts } from "../runtime/lan-addresses.js";
import type { Logger } from "../runtime/logger.js";
import { OutboundUrlError, checkNodeUrl } from "../runtime/outbound-url.js";
import type { Service } from "../runtime/service.js";
import { FLEET_MAX_BODY_BYTES, FleetListener, refuse, type FleetAdmission, type FleetRequest } from "./fleet-listener.js";
import { FleetRouter, type RequestOrigin, type RouterNode } from "./fleet-router.js";
import { FleetSettingsStore, type FleetSettings } from "./fleet-settings.js";
import { acceptProof, certificatePem, joinProof, newNonce, newPairingCode, normalizePairingCode, NonceWindow, precheckRequest, sameHex, sessionSecret, verifyRequest } from "./pairing.js";
import { LocalTransport, OpenAiTransport, PocketForgeTransport, replayRequest, forwardableHeaders, type RequestHandler } from "./transports.js";
import type { DiscoveredMachine, FleetDiscovery } from "./discovery.js";
import { JoinAnswerSchema, JoinRequestSchema, type NodeReport } from "./wire.js";

export interface FleetTls {
  key: string;
  cert: string;
  fingerprint256: string;
}

/** Everything an inference node's listener received from its front node, as the node saw it (tests assert over it). */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface FleetServiceOptions {
  dataDir: string;
  logger: Logger;
  /** This machine's name as other nodes show it. */
  name: string;
  /** The certificate the fleet listener presents (the dashboard's self-signed one). */
  tls(): Promise<FleetTls>;
  /** This engine's own OpenAI handler. */
  localHandler(): RequestHandler;
  /** This engine's state as a node report. */
  localReport(): NodeReport;
  emit(status: FleetStatus): void;
  /** Asks for the passphrase before listening beyond loopback (no-op without a wallet). */
  confirmOpening(passphrase: string | undefined): Promise<void>;
  pollIntervalMs?: number;
  firstByteTimeoutMs?: number;
  /** LAN discovery (the DNS-SD browser of model sharing); manual addresses work without it. */
  discovery?: FleetDiscovery;
  /** Sees every request an inference node accepts. */
  onReceived?: (request: ReceivedRequest) => void;
}

const PAIRING_TTL_MS = 10 * 60_000;
const PAIRING_ATTEMPTS = 5;
/** The most a join may bring: its certificate is at most 8 KiB, the rest a few hundred bytes. */
const JOIN_MAX_BODY_BYTES = 64 * 1024;
const LOCAL_ID = "local";
/** Addresses remembered as probed for a moved node (cleared past this, so a flood of names costs no memory). */
const MAX_PROBED = 256;

export class FleetService implements Service {
  private readonly store: FleetSettingsStore;
  private readonly router: FleetRouter;
  private listener: FleetListener | null = null;
  private tlsFacts: FleetTls | null = null;
  private pairing: { code: string; expiresAt: number; attempts: number } | null = null;
  private poller: NodeJS.Timeout | null = null;
  private readonly nonces = new NonceWindow();
  private frontSeen = { lastRequestAt: null as number | null, requestsServed: 0 };
  private problem: string | null = null;
  private started = false;

  constructor(private readonly options: FleetServiceOptions) {
    this.store = new FleetSettingsStore(options.dataDir, options.logger);
    this.router = new FleetRouter({
      logger: options.logger,
      firstByteTimeoutMs: options.firstByteTimeoutMs,
      defaultModel: () => this.store.get().defaultModel,
      onChange: () => this.changed(),
      // A node that does not answer may be one already announced at a new address.
      onDown: () => {
        for (const machine of this.discovered.values()) void this.follow(machine);
      },
    });
  }

  get role(): FleetSettings["role"] {
    return this.store.get().role;
  }

  private readonly discovered = new Map<string, DiscoveredMachine>();
  private stopDiscovery: (() => void) | null = null;

  async start(): Promise<void> {
    this.started = true;
    await this.apply();
  }

  async dispose(): Promise<void> {
    this.started = false;
    this.discover(false);
    await this.options.discovery?.advertise(null);
    await this.stopListening();
    this.router.close();
  }

  /**
   * The handler the relay miner's in-process backend and the local OpenAI endpoint call: the fleet's router on a
   * front node, this engine's own handler otherwise.
   */
  route(req: IncomingMessage, res: ServerResponse, origin: RequestOrigin, local: RequestHandler, options: { byom?: boolean } = {}): void {
    if (this.role !== "front" || !this.started) {
      local(req, res);
      return;
    }
    void this.router.handle(req, res, origin, options);
  }

  /** Asks every node for its state now (the poller does it every few seconds). */
  refresh(): Promise<void> {
    return this.refreshNodes();
  }

  status(): FleetStatus {
    const settings = this.store.get();
    const port = this.listener?.port ?? null;
    const stats = settings.role === "front" ? this.router.stats() : [];
    const relays = stats.reduce((sum, s) => sum + s.relays, 0);
    const nodes: FleetNodeView[] = stats.map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      url: s.url,
      state: s.healthy ? "healthy" : "down",
      engine: s.report?.state ?? null,
      models: s.report?.models ?? [],
      gpus: s.report?.gpus ?? [],
      capacity: s.report?.capacity ?? 0,
      active: s.active,
      requests: s.requests,
      relays: s.relays,
      errors: s.errors,
      failovers: s.failovers,
      tokens: s.tokens,
      tokensPerSecond: round(s.tokensPerSecond),
      relayShare: relays ? s.relays / relays : 0,
      lastError: s.lastError,
      lastSeenAt: s.lastSeenAt,
    }));
    const pairing = this.openPairing();
    return {
      role: settings.role,
      listen: { ...settings.listen },
      listenUrl: port === null ? null : `https://${reachableHosts(settings.listen.host)[0]}:${port}`,
      fingerprint: this.tlsFacts?.fingerprint256 ?? null,
      pairing: pairing && port !== null ? { code: pairing.code, expiresAt: pairing.expiresAt, frontUrl: `https://${reachableHosts(settings.listen.host)[0]}:${port}`, fingerprint: this.tlsFacts!.fingerprint256 } : null,
      nodes,
      serveLocally: settings.serveLocally,
      defaultModel: settings.defaultModel,
      front: settings.front
        ? { name: settings.front.name, url: settings.front.url, fingerprint: settings.front.fingerprint, pairedAt: settings.front.pairedAt, ...this.frontSeen }
        : null,
      discovered: this.offered(settings),
      problem: this.problem,
    };
  }

  /**
   * What discovery offers: a front node, the inference nodes it has not paired; an inference node, the front nodes
   * it could join (the one it serves marked by the page, not hidden: its owner may be looking for it).
   */
  private offered(settings: FleetSettings): FleetStatus["discovered"] {
    const seen = [...this.discovered.values()];
    if (settings.role === "front") {
      return seen.filter((m) => m.role === "node" && !settings.nodes.some((n) => n.kind === "pocketforge" && sameOrigin(n.url, m.url)));
    }
    if (settings.role === "node") return seen.filter((m) => m.role === "front");
    return [];
  }

  async configure(change: { role?: FleetSettings["role"]; listen?: { host: string; port: number }; serveLocally?: boolean; defaultModel?: string | null; passphrase?: string }): Promise<FleetStatus> {
    if (change.listen && !isLoopbackHost(change.listen.host) && change.listen.host !== this.store.get().listen.host) {
      await this.options.confirmOpening(change.passphrase);
    }
    this.store.update((s) => {
      if (change.role !== undefined) s.role = change.role;
      if (change.listen) s.listen = { ...change.listen };
      if (change.serveLocally !== undefined) s.serveLocally = change.serveLocally;
      if (change.defaultModel !== undefined) s.defaultModel = change.defaultModel;
    });
    if (change.role !== undefined || change.listen) this.pairing = null;
    await this.apply();
    return this.status();
  }

  createPairing(): FleetPairing {
    if (this.role !== "front") throw new ApiError("conflict", "Only a front node pairs nodes: make this machine the front node first.");
    this.pairing = { code: newPairingCode(), expiresAt: Date.now() + PAIRING_TTL_MS, attempts: 0 };
    this.changed();
    const pairing = this.status().pairing;
    if (!pairing) throw new ApiError("unavailable", `The fleet listener is not listening${this.problem ? `: ${this.problem}` : ""}`);
    return pairing;
  }

  /** Inference node: pairs with the front node at `frontUrl` using the code its owner typed. */
  async join(frontUrl: string, typedCode: string): Promise<FleetStatus> {
    const code = normalizePairingCode(typedCode);
    if (!code) throw new ApiError("invalid_params", "A pairing code is 12 letters and digits, as XXXX-XXXX-XXXX");
    const url = await nodeUrl(frontUrl, "The front node's address", "frontUrl");
    // The front node connects to this machine at the address the join comes from: a listener on loopback cannot be
    // reached from another address, and a pairing made so would leave the node down for good.
    const listenHost = this.store.get().listen.host;
    if (isLoopbackHost(listenHost) && !isLoopbackHost(url.hostname.replace(/^\[|\]$/g, ""))) {
      throw new ApiError(
        "conflict",
        `This machine's fleet listener is on ${listenHost}, where the front node at ${url.host} cannot reach it: set Listen on address to this machine's LAN address first, then join`,
      );
    }
    if (this.role !== "node") await this.configure({ role: "node" });
    const port = this.listener?.port;
    if (!port || !this.tlsFacts) throw new ApiError("unavailable", `The fleet listener is not listening${this.problem ? `: ${this.problem}` : ""}`);
    // The front node's certificate as this machine sees it; the proofs bind it, so a machine in the middle fails.
    const frontCert = await peerCertificate(url);
    const transcript = { frontFingerprint: frontCert.fingerprint256, nodeFingerprint: this.tlsFacts.fingerprint256, nodeNonce: newNonce() };
    const request = {
      format: "pocketforge-fleet-join-v1" as const,
      name: this.options.name.slice(0, 120),
      port,
      certificate: this.tlsFacts.cert,
      nodeNonce: transcript.nodeNonce,
      proof: joinProof(code, transcript),
    };
    const { status, body } = await pinnedPost(url, "/fleet/v1/join", request, frontCert);
    if (status === 403) throw new ApiError("unauthorized", "The front node refused the pairing code: check it, or open a new pairing on the front node");
    if (status !== 200) throw new ApiError("unavailable", `The front node answered HTTP ${status}`);
    const parsed = JoinAnswerSchema.safeParse(body);
    if (!parsed.success) throw new ApiError("unavailable", "The front node's answer is not a fleet pairing answer");
    const answer = parsed.data;
    const full = { ...transcript, frontNonce: answer.frontNonce };
    if (!sameHex(answer.proof, acceptProof(code, full))) throw new ApiError("unauthorized", "The front node could not prove it knows the code: not paired");
    this.store.update((s) => {
      s.front = { nodeId: answer.nodeId, name: answer.frontName, url: url.origin, fingerprint: frontCert.fingerprint256, secret: sessionSecret(code, full), pairedAt: Date.now() };
    });
    this.options.logger.info("joined a fleet", { front: answer.frontName, url: url.origin });
    this.changed();
    return this.status();
  }

  leave(): FleetStatus {
    this.store.update((s) => void (s.front = null));
    this.changed();
    return this.status();
  }

  async addServer(server: { url: string; name?: string; apiKey?: string; maxConcurrency?: number }): Promise<FleetStatus> {
    if (this.role !== "front") throw new ApiError("conflict", "Only a front node has nodes: make this machine the front node first.");
    const url = await nodeUrl(server.url, "The server's URL", "url");
    const existing = this.store.get().nodes.find((n) => n.url === url.href);
    if (existing) throw new ApiError("conflict", `${url.href} is already in this fleet as "${existing.name}": remove it first to change its settings.`);
    this.store.update((s) => {
      s.nodes.push({ kind: "openai", id: `server-${randomBytes(4).toString("hex")}`, name: server.name ?? url.host, url: url.href, apiKey: server.apiKey ?? null, maxConcurrency: server.maxConcurrency ?? null, addedAt: Date.now() });
    });
    this.rebuildNodes();
    await this.refreshNodes();
    return this.status();
  }

  removeNode(id: string): FleetStatus {
    const before = this.store.get().nodes.length;
    this.store.update((s) => void (s.nodes = s.nodes.filter((n) => n.id !== id)));
    if (this.store.get().nodes.length === before) throw new ApiError("not_found", `No node ${id} in this fleet`);
    this.rebuildNodes();
    this.changed();
    return this.status();
  }

  // ---------------------------------------------------------------------------------------------------

  private async apply(): Promise<void> {
    if (!this.started) return;
    await this.stopListening();
    const settings = this.store.get();
    this.problem = null;
    if (settings.role !== "off") {
      try {
        this.tlsFacts ??= await this.options.tls();
        const listener = new FleetListener({
          host: settings.listen.host,
          port: settings.listen.port,
          tls: this.tlsFacts,
          logger: this.options.logger,
          handle: (request, res) => (this.role === "front" ? this.handleFront(request, res) : this.handleNode(request, res)),
          admit: (req, pathname) => this.admit(req, pathname),
        });
        await listener.start();
        this.listener = listener;
      } catch (error) {
        this.problem = `the fleet listener could not open ${settings.listen.host}:${settings.listen.port} (${error instanceof Error ? error.message : String(error)})`;
        this.options.logger.error("fleet listener failed to start", { error: this.problem });
      }
    }
    this.rebuildNodes();
    // A front node looks for inference nodes on the LAN and an inference node for front nodes; either says where it
    // is when other machines can reach it.
    this.discover(settings.role !== "off");
    const port = this.listener?.port ?? null;
    const role = settings.role;
    await this.options.discovery?.advertise(role !== "off" && port !== null && !isLoopbackHost(settings.listen.host) ? { port, role } : null);
    if (settings.role === "front") {
      await this.refreshNodes();
      this.poller = setInterval(() => void this.refreshNodes(), this.options.pollIntervalMs ?? 3_000);
      this.poller.unref();
    }
    this.changed();
  }

  /** Starts or stops browsing for machines on the LAN (stopping forgets what was found). */
  private discover(on: boolean): void {
    if (!this.options.discovery || on === (this.stopDiscovery !== null)) return;
    if (on) {
      this.stopDiscovery = this.options.discovery.browse(
        (machine) => {
          this.discovered.set(machine.name, machine);
          this.changed();
          void this.follow(machine);
        },
        (name) => {
          if (this.discovered.delete(name)) this.changed();
        },
      );
      return;
    }
    this.stopDiscovery?.();
    this.stopDiscovery = null;
    this.discovered.clear();
    this.probed.clear();
  }

  /**
   * Front node: a paired node that went down because it got another address (DHCP, a new port) and is found at the new
   * one is followed there, when the machine there presents the certificate pinned at pairing. Requests stay signed
   * with the pairing key, so an announcement alone moves nothing. A node still answering at its address is not moved
   * (two machines cloned from one image share a certificate). Each name and address is probed once.
   */
  private async follow(machine: DiscoveredMachine): Promise<void> {
    const paired = () => this.store.get().nodes.filter((n) => n.kind === "pocketforge");
    if (this.role !== "front" || machine.role !== "node" || paired().length === 0) return;
    if (paired().some((n) => sameOrigin(n.url, machine.url)) || this.probed.get(machine.name) === machine.url) return;
    // Only while a paired node is down is anyone probed, so announcements alone open no connections.
    const down = new Set(this.router.stats().filter((s) => !s.healthy).map((s) => s.id));
    if (!paired().some((n) => down.has(n.id))) return;
    if (this.probed.size >= MAX_PROBED) this.probed.clear();
    this.probed.set(machine.name, machine.url);
    let fingerprint: string;
    try {
      fingerprint = (await peerCertificate(await checkNodeUrl(machine.url, "A discovered node"))).fingerprint256;
    } catch {
      return;
    }
    const node = paired().find((n) => certificateFingerprint(n.certificate) === fingerprint);
    if (!node || this.role !== "front") return;
    await this.router.refresh();
    if (this.router.stats().find((s) => s.id === node.id)?.healthy !== false) return;
    const from = node.url;
    this.store.update((s) => {
      for (const n of s.nodes) if (n.id === node.id) n.url = machine.url;
    });
    this.transports.delete(node.id);
    this.rebuildNodes();
    this.options.logger.info("followed a fleet node to its new address", { node: node.name, from, to: machine.url });
    await this.router.refresh();
    this.changed();
  }

  private readonly probed = new Map<string, string>();

  /** Asks every node for its state, then drops the entries that a newer pairing of the same machine superseded. */
  private async refreshNodes(): Promise<void> {
    await this.router.refresh();
    this.dropSuperseded();
  }

  /**
   * A machine paired again (it left the fleet, or lost its pairing) gets a new entry; its old one holds a key the node
   * no longer accepts, and kept it would be listed as down for ever and be the entry a move is followed for. Once the
   * new entry answers (which takes the certificate's key and the new pairing key, so a join that merely copies a
   * node's certificate removes nothing), older entries down at the same address with the same certificate go.
   */
  private dropSuperseded(): void {
    if (this.role !== "front") return;
    const healthy = new Set(this.router.stats().filter((s) => s.healthy).map((s) => s.id));
    const paired = this.store.get().nodes.filter((n) => n.kind === "pocketforge");
    const stale = paired.filter((old) =>
      !healthy.has(old.id) &&
      paired.some(
        (n) =>
          n.id !== old.id &&
          healthy.has(n.id) &&
          n.addedAt >= old.addedAt &&
          sameOrigin(n.url, old.url) &&
          certificateFingerprint(n.certificate) === certificateFingerprint(old.certificate),
      ),
    );
    if (stale.length === 0) return;
    this.store.update((s) => void (s.nodes = s.nodes.filter((n) => !stale.some((old) => old.id === n.id))));
    this.options.logger.info("removed a fleet node paired again since", { nodes: stale.map((n) => n.name), ids: stale.map((n) => n.id) });
    this.rebuildNodes();
    this.changed();
  }

  private async stopListening(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    const listener = this.listener;
    this.listener = null;
    await listener?.dispose();
  }

  private rebuildNodes(): void {
    const settings = this.store.get();
    if (settings.role !== "front") {
      // The router closes the transports it drops: a front node again later opens new ones.
      this.router.setNodes([]);
      this.transports.clear();
      return;
    }
    const nodes: RouterNode[] = [];
    if (settings.serveLocally) {
      nodes.push({ id: LOCAL_ID, name: `${this.options.name} (this machine)`, kind: "local", url: null, transport: this.localTransport ??= new LocalTransport(() => this.options.localHandler(), () => this.options.localReport()) });
    }
    for (const node of settings.nodes) {
      const existing = this.transports.get(node.id);
      const transport =
        existing ??
        (node.kind === "pocketforge"
          ? new PocketForgeTransport({ id: node.id, url: node.url, certificate: node.certificate, secret: node.secret })
          : new OpenAiTransport({ url: node.url, apiKey: node.apiKey, maxConcurrency: node.maxConcurrency }));
      this.transports.set(node.id, transport);
      nodes.push({ id: node.id, name: node.name, kind: node.kind, url: node.url, transport });
    }
    for (const id of [...this.transports.keys()]) if (!settings.nodes.some((n) => n.id === id)) this.transports.delete(id);
    this.router.setNodes(nodes);
  }

  private localTransport: LocalTransport | null = null;
  private readonly transports = new Map<string, RouterNode["transport"]>();

  /**
   * Before a request's body is read: a front node takes only a join while a pairing is open (a join is a few KiB),
   * an inference node only what carries its front node's id and a fresh time (the signature is checked with the body).
   * A stranger cannot make either buffer a body.
   */
  private admit(req: IncomingMessage, pathname: string): FleetAdmission {
    if (this.role === "front") {
      if (pathname !== "/fleet/v1/join") return { refuse: { status: 404, message: "not found" } };
      if (req.method !== "POST") return { refuse: { status: 405, message: "use POST" } };
      if (!this.openPairing()) return { refuse: { status: 403, message: "no pairing is open on this front node" } };
      return { maxBodyBytes: JOIN_MAX_BODY_BYTES };
    }
    const front = this.store.get().front;
    if (!front) return { refuse: { status: 403, message: "this node has not joined a fleet" } };
    const verdict = precheckRequest(front.nodeId, req.headers);
    if (verdict !== "ok") {
      this.options.logger.warn("refused a fleet request", { from: req.socket.remoteAddress ?? "", why: verdict });
      return { refuse: { status: 401, message: `refused: ${verdict}` } };
    }
    return { maxBodyBytes: FLEET_MAX_BODY_BYTES };
  }

  /** Front node: only the join endpoint. */
  private async handleFront(request: FleetRequest, res: ServerResponse): Promise<void> {
    if (request.pathname !== "/fleet/v1/join") return refuse(res, 404, "not found");
    if (request.method !== "POST") return refuse(res, 405, "use POST");
    const pairing = this.openPairing();
    if (!pairing) return refuse(res, 403, "no pairing is open on this front node");
    let json: unknown;
    try {
      json = JSON.parse(request.body.toString("utf8"));
    } catch {
      return refuse(res, 400, "the body is not JSON");
    }
    const parsed = JoinRequestSchema.safeParse(json);
    if (!parsed.success) return refuse(res, 400, "not a fleet join request");
    const join = parsed.data;
    // Where the front node will connect follows the node-URL rule (never link-local or a cloud's metadata service),
    // checked before the code: a refused address is no guess at the code.
    if (join.url !== undefined) {
      try {
        await checkNodeUrl(join.url, "The node's address");
      } catch (error) {
        return refuse(res, 400, error instanceof OutboundUrlError ? error.message : "the node's address is not usable");
      }
      // Another join may have used or closed the pairing meanwhile.
      if (this.openPairing() !== pairing) return refuse(res, 403, "no pairing is open on this front node");
    }
    let nodeFingerprint: string;
    try {
      nodeFingerprint = new X509Certificate(join.certificate).fingerprint256;
    } catch {
      return refuse(res, 400, "the certificate does not parse");
    }
    const transcript = { frontFingerprint: this.tlsFacts!.fingerprint256, nodeFingerprint, nodeNonce: join.nodeNonce };
    if (!sameHex(join.proof, joinProof(pairing.code, transcript))) {
      pairing.attempts++;
      this.options.logger.warn("refused a fleet join with a wrong code", { from: request.remoteAddress, attempts: pairing.attempts });
      // A few wrong guesses close the pairing: 60 bits cannot be guessed in five tries.
      if (pairing.attempts >= PAIRING_ATTEMPTS) this.pairing = null;
      this.changed();
      return refuse(res, 403, "wrong pairing code");
    }
    this.pairing = null;
    const frontNonce = newNonce();
    const full = { ...transcript, frontNonce };
    const address = request.remoteAddress.replace(/^::ffff:/, "");
    const nodeUrl = join.url ?? `https://${address.includes(":") ? `[${address}]` : address}:${join.port}`;
    const nodeId = `node-${randomBytes(4).toString("hex")}`;
    this.store.update((s) => {
      s.nodes.push({ kind: "pocketforge", id: nodeId, name: join.name, url: nodeUrl, certificate: join.certificate, secret: sessionSecret(pairing.code, full), addedAt: Date.now() });
    });
    this.options.logger.info("a node joined the fleet", { node: join.name, url: nodeUrl });
    const answer = { format: "pocketforge-fleet-join-v1", nodeId, frontName: this.options.name.slice(0, 120), frontNonce, proof: acceptProof(pairing.code, full) };
    const body = JSON.stringify(answer);
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
    this.rebuildNodes();
    void this.refreshNodes();
  }

  /** Inference node: signed requests from its front node only. */
  private async handleNode(request: FleetRequest, res: ServerResponse): Promise<void> {
    const front = this.store.get().front;
    if (!front) return refuse(res, 403, "this node has not joined a fleet");
    const verdict = verifyRequest(front.secret, front.nodeId, request.req.headers, request.method, request.path, request.body, this.nonces);
    if (verdict !== "ok") {
      this.options.logger.warn("refused a fleet request", { from: request.remoteAddress, why: verdict });
      return refuse(res, 401, `refused: ${verdict}`);
    }
    // "Requests served" are the OpenAI requests: the status queries (one every few seconds) only say the front node is there.
    const statusQuery = request.method === "GET" && request.pathname === "/fleet/v1/status";
    this.frontSeen = { lastRequestAt: Date.now(), requestsServed: this.frontSeen.requestsServed + (statusQuery ? 0 : 1) };
    this.options.onReceived?.({ method: request.method, path: request.path, headers: { ...request.req.headers }, body: request.body });
    if (statusQuery) {
      const body = JSON.stringify({ ...this.options.localReport(), kind: "pocketforge", name: this.options.name.slice(0, 120) });
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (!request.pathname.startsWith("/v1/")) return refuse(res, 404, "not found");
    const headers = forwardableHeaders(request.req.headers);
    this.options.localHandler()(replayRequest(request.method, request.path, headers, request.body), res);
  }

  private openPairing() {
    if (this.pairing && this.pairing.expiresAt <= Date.now()) this.pairing = null;
    return this.pairing;
  }

  private changed(): void {
    this.options.emit(this.status());
  }
}

/** Whether two URLs name the same scheme, host and port (a paired node's URL against a discovered one). */
function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** A pinned certificate's SHA-256 fingerprint, as TLS reports a peer's; null for one that does not parse. */
function certificateFingerprint(pem: string): string | null {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return null;
  }
}

/** The certificate a TLS server presents (not validated: pairing proves who holds it). */
function peerCertificate(url: URL): Promise<{ pem: string; fingerprint256: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 443), rejectUnauthorized: false, servername: undefined });
    socket.setTimeout(10_000, () => socket.destroy(new Error("the front node did not answer in time")));
    socket.once("error", (error) => reject(new ApiError("unavailable", `Could not reach the front node: ${error.message}`)));
    socket.once("secureConnect", () => {
      const raw = socket.getPeerCertificate(false).raw;
      socket.end();
      if (!raw) return reject(new ApiError("unavailable", "The front node presented no certificate"));
      resolve({ pem: certificatePem(raw), fingerprint256: new X509Certificate(raw).fingerprint256 });
    });
  });
}

/** POSTs JSON to the front node over TLS pinned to the certificate seen first. */
function pinnedPost(url: URL, path: string, payload: unknown, cert: { pem: string; fingerprint256: string }): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(payload));
    const req = httpsRequest(
      {
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || 443,
        method: "POST",
        path,
        agent: false,
        ca: [cert.pem],
        checkServerIdentity: (_host, peer) => (peer.fingerprint256 === cert.fingerprint256 ? undefined : new Error("the front node's certificate changed during pairing")),
        headers: { "Content-Type": "application/json", "Content-Length": data.length },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > 64 * 1024) res.destroy(new Error("answer too large"));
          else chunks.push(c);
        });
        res.once("error", (e) => reject(new ApiError("unavailable", e.message)));
        res.once("end", () => {
          let body: unknown = null;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {
            // An answer that is not JSON fails the schema check.
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.once("timeout", () => req.destroy(new Error("the front node did not answer in time")));
    req.once("error", (e) => reject(e instanceof ApiError ? e : new ApiError("unavailable", `Could not reach the front node: ${e.message}`)));
    req.end(data);
  });
}

/** A URL the engine will connect to for the fleet: this machine or the LAN, never link-local (see checkNodeUrl). */
async function nodeUrl(text: string, what: string, field: string): Promise<URL> {
  try {
    return await checkNodeUrl(text, what);
  } catch (error) {
    throw error instanceof OutboundUrlError ? new ApiError("invalid_params", error.message, { field }) : error;
  }
}
