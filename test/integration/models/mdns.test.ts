// Discovery: DNS-SD over multicast DNS through bonjour-service. The announce/parse logic on its own, then real
// multicast between two announcers/browsers (a port other than 5353, so no other run or machine hears them), then two
// engines that find each other and the CIDs each serves with nothing listed by hand, and a front node that finds an
// inference node's fleet listener in the same announcement.
//
// Loopback (lo) carries no multicast on Linux, so the sockets use the machine's LAN interface, as they do in the app;
// where this machine has no non-internal IPv4 interface the multicast tests are skipped and say so.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { createCore, type Core } from "../../../electron/core/app/create-core.js";
import { cpuOnly } from "../../../electron/core/hardware/compute-probe.js";
import { announcementTxt, MdnsPeers, parseService, type Discovered } from "../../../electron/core/models/sharing/mdns.js";
import { reachableHosts } from "../../../electron/core/runtime/lan-addresses.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { parseResult, type FleetStatus, type MethodName, type MethodParams, type SharingStatus } from "../../../shared/api/index.js";
import { testModelPath } from "../../fixtures/paths.js";
import { freeUdpPort } from "../../fixtures/free-udp-port.js";

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
const noMulticast = lanAddress ? false : "this machine has no non-internal IPv4 interface, so multicast cannot leave it";

/** A whole engine with its own data folder under `work`, every listener on a free port, discovery on `mdnsPort`. */
async function startEngine(work: string, cores: Core[], name: string, mdnsPort: number): Promise<Core> {
  const core = createCore({
    dataDir: mkdtempSync(join(work, `${name}-`)),
    version: "0.0.0-test",
    probeCompute: async () => cpuOnly(),
    telemetryIntervalMs: 3_600_000,
    mdns: { port: mdnsPort },
    fleet: { name, pollIntervalMs: 3_600_000 },
    overrides: (config) => {
      config.openAi.port = 0;
      config.relayMiner.listen.port = 0;
      config.relayMiner.metrics.port = 0;
    },
  });
  cores.push(core);
  await core.start();
  return core;
}

describe("announce and parse", () => {
  const announcement = { id: "abcDEF123_-", name: "rig-2", gateway: { port: 8644, indexPath: "/pocketforge/v1/index", revision: 3 } };

  test("a peer's TXT record reads back as that peer, reached at the address the answer came from", () => {
    const txt = announcementTxt(announcement);
    assert.deepEqual(txt, { v: "1", id: "abcDEF123_-", idx: "/pocketforge/v1/index", rev: "3" });
    const parsed = parseService({
      name: "rig-2 (abcDEF)",
      port: 8644,
      addresses: ["fe80::1", "10.0.0.7", "192.168.1.20"],
      txt,
      referer: { address: "192.168.1.20", family: "IPv4", port: 5353, size: 300 },
    });
    assert.deepEqual(parsed, { id: "abcDEF123_-", name: "rig-2 (abcDEF)", url: "http://192.168.1.20:8644", revision: 3, indexPath: "/pocketforge/v1/index" });
  });

  test("other services, other versions and hostile records are not peers", () => {
    const base = { name: "x", port: 8644, addresses: ["192.168.1.20"], referer: undefined };
    const txt = announcementTxt(announcement);
    assert.equal(parseService({ ...base, txt: {} }), null, "no TXT: some other _pocketforge service");
    assert.equal(parseService({ ...base, txt: { ...txt, v: "2" } }), null, "a version this build does not read");
    assert.equal(parseService({ ...base, txt: { ...txt, id: "../../x" } }), null);
    assert.equal(parseService({ ...base, txt: { ...txt, idx: "http://elsewhere/index" } }), null, "the index is a path on the peer, never another host");
    assert.equal(parseService({ ...base, txt, addresses: ["fe80::1", "169.254.3.3"] }), null, "no routable IPv4 address");
    assert.equal(parseService({ ...base, txt, port: 0 }), null);
    assert.equal(parseService({ ...base, txt, referer: { address: "10.9.9.9", family: "IPv4", port: 5353, size: 1 } })?.url, "http://192.168.1.20:8644", "a referer not among its addresses is not trusted");
  });
});

describe("DNS-SD over multicast through bonjour-service", { skip: noMulticast, timeout: 60_000 }, () => {
  test("one announces _pocketforge._tcp, the other finds it, and hears it leave", async () => {
    const port = await freeUdpPort();
    const ups: Discovered[] = [];
    let upSeen!: (peer: Discovered) => void;
    let downSeen!: (id: string) => void;
    const found = new Promise<Discovered>((resolve) => (upSeen = resolve));
    const left = new Promise<string>((resolve) => (downSeen = resolve));
    const announcer = new MdnsPeers({ logger: silentLogger, port, identity: () => ({ id: "announcer-1", name: "rig-1" }) });
    const browser = new MdnsPeers({ logger: silentLogger, port, identity: () => ({ id: "browser-1", name: "rig-0" }) });
    try {
      browser.watch({
        peerUp: (peer) => {
          ups.push(peer);
          if (peer.id === "announcer-1") upSeen(peer);
        },
        peerDown: (id) => id === "announcer-1" && downSeen(id),
      });
      void announcer.setGateway({ port: 8644, indexPath: "/pocketforge/v1/index", revision: 1 });
      const peer = await found;
      assert.equal(peer.url, `http://${new URL(peer.url).hostname}:8644`);
      assert.equal(peer.revision, 1);
      assert.ok(announcer.announcing && browser.browsing);
      await announcer.setGateway(null);
      assert.equal(await left, "announcer-1");
    } finally {
      await announcer.dispose();
      await browser.dispose();
    }
    assert.equal(browser.error, null);
  });
});

describe("two engines find each other on the LAN", { skip: noMulticast, timeout: 180_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), "pf-mdns-"));
  const cores: Core[] = [];
  after(async () => {
    for (const core of cores) await core.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  async function call<M extends MethodName>(core: Core, method: M, params: unknown) {
    return parseResult(method, await core.router.call(method, params, { transport: "internal" }));
  }

  test("one serves and announces, the other lists it with the CID it serves", async () => {
    const mdnsPort = await freeUdpPort();
    const make = (name: string) => startEngine(work, cores, name, mdnsPort);
    const holder = await make("holder");
    const installed = await holder.models.import(testModelPath(), null);
    const follower = await make("follower");
    const listed = new Promise<SharingStatus>((resolve) => {
      follower.events.on("sharing.status", (status) => {
        if (status.peers.some((p) => p.origin === "mdns" && p.cids.includes(installed.cid!))) resolve(status);
      });
    });
    // Serving on every interface: an announcement is made only for a gateway other machines can reach.
    const serving = await call(holder, "sharing.update", { serve: true, host: "0.0.0.0", port: 0 });
    assert.equal(serving.mdns.announcing, true);
    const status = await listed;
    const peer = status.peers.find((p) => p.origin === "mdns")!;
    assert.match(peer.url, /^http:\/\/\d+\.\d+\.\d+\.\d+:\d+$/);
    assert.equal(peer.error, null);
    // The holder does not list itself, though it hears its own announcement.
    assert.deepEqual((await call(holder, "sharing.status", {})).peers, []);
  });
});

describe("front nodes and inference nodes find each other on the LAN", { skip: noMulticast, timeout: 180_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), "pf-mdns-fleet-"));
  const cores: Core[] = [];
  after(async () => {
    for (const core of cores) await core.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  async function call<M extends MethodName>(core: Core, method: M, params: MethodParams<M>) {
    return parseResult(method, await core.router.call(method, params, { transport: "internal" }));
  }

  /** Resolves with the first fleet status of `core` (now or emitted later) that `ok` accepts. */
  async function until(core: Core, ok: (status: FleetStatus) => boolean): Promise<FleetStatus> {
    let stop = () => {};
    const emitted = new Promise<FleetStatus>((resolve) => {
      stop = core.events.on("fleet.status", (status) => ok(status) && resolve(status));
    });
    const now = await call(core, "fleet.status", {});
    const status = ok(now) ? now : await emitted;
    stop();
    return status;
  }

  test("an inference node listening on the LAN is offered to the front node until it leaves the LAN or is paired, and the front node to it", async () => {
    const mdnsPort = await freeUdpPort();
    const make = (name: string) => startEngine(work, cores, name, mdnsPort);
    const front = await make("front");
    const node = await make("rig-node");
    // The front node listens on every interface, so the node can join it by its LAN address below.
    await call(front, "fleet.configure", { role: "front", listen: { host: "0.0.0.0", port: 0 } });
    const port = (listenUrl: string | null) => Number(new URL(listenUrl!).port);
    const offered = (status: FleetStatus, listenerPort: number) => status.discovered.find((m) => m.name.startsWith("rig-node (") && port(m.url) === listenerPort);

    // Model sharing's gateway is off on the node: the announcement exists for its fleet listener alone.
    const nodeStatus = await call(node, "fleet.configure", { role: "node", listen: { host: "0.0.0.0", port: 0 } });
    const first = port(nodeStatus.listenUrl);
    const found = offered(await until(front, (s) => !!offered(s, first)), first)!;
    assert.match(found.url, /^https:\/\/\d+\.\d+\.\d+\.\d+:\d+$/);
    assert.equal((await call(node, "sharing.status", {})).mdns.announcing, false, "the gateway is not announced");
    assert.equal(found.role, "node");
    // The front node listens on the LAN too, so the inference node is offered it to join (and only front nodes).
    const frontPort = port((await call(front, "fleet.status", {})).listenUrl);
    const frontSeen = await until(node, (s) => s.discovered.some((m) => m.name.startsWith("front (")));
    assert.deepEqual(
      frontSeen.discovered.map((m) => ({ role: m.role, port: port(m.url) })),
      [{ role: "front", port: frontPort }],
      "an inference node is offered front nodes, not itself or other inference nodes",
    );

    // On loopback only, the node withdraws its announcement and the front node stops offering it.
    await call(node, "fleet.configure", { listen: { host: "127.0.0.1", port: 0 } });
    await until(front, (s) => !s.discovered.some((m) => m.name.startsWith("rig-node (")));

    // Back on the LAN (another port), it is offered again; once paired it is a node, no longer offered.
    const again = await call(node, "fleet.configure", { listen: { host: "0.0.0.0", port: 0 } });
    const second = port(again.listenUrl);
    const offeredAgain = offered(await until(front, (s) => !!offered(s, second)), second)!;
    const pairing = await call(front, "fleet.createPairing", {});
    // Listening on every interface, the front node shows an address another machine can dial, and the node joins it.
    assert.ok(!["0.0.0.0", "[::]", "[::1]"].includes(new URL(pairing.frontUrl).hostname), pairing.frontUrl);
    assert.deepEqual(new URL(pairing.frontUrl).hostname, reachableHosts("0.0.0.0")[0]);
    await call(node, "fleet.join", { frontUrl: pairing.frontUrl, code: pairing.code });
    const paired = await call(front, "fleet.status", {});
    assert.ok(paired.nodes.some((n) => n.kind === "pocketforge" && n.url === offeredAgain.url), "paired at the address it was offered at");
    assert.equal(offered(paired, second), undefined, "a paired node is not offered again");

    // The paired node comes back at another address (a new port here, a new DHCP lease on a rig): the front node
    // checks that the machine announced there presents the pinned certificate and follows it, and it serves again.
    const moved = port((await call(node, "fleet.configure", { listen: { host: "0.0.0.0", port: 0 } })).listenUrl);
    assert.notEqual(moved, second);
    const followed = await until(front, (s) => s.nodes.some((n) => n.kind === "pocketforge" && port(n.url) === moved && n.state === "healthy"));
    assert.equal(followed.nodes.filter((n) => n.kind === "pocketforge").length, 1, "the same node, moved, not a second one");
    assert.equal(offered(followed, moved), undefined, "once followed it is not offered for pairing");
  });
});
