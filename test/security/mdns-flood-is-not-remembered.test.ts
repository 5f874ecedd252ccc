// A hostile host on the LAN floods multicast DNS with unique `_pocketforge._tcp` instances: well-formed fleet
// listeners (a front node "anywhere"), and records of the type that are not PocketForge's at all. The engine remembers
// at most MAX_HEARD of them, and neither does the DNS-SD browser underneath (bonjour-service keeps every instance it
// ever heard, and searches that list for every packet that arrives): a flood costs bounded memory and time.
//
// Real multicast on this machine's LAN interface, on a port other than 5353 (no other run or machine hears it).
import assert from "node:assert/strict";
import { networkInterfaces } from "node:os";
import { test } from "node:test";
import { Bonjour } from "bonjour-service";
import { MAX_HEARD, MdnsPeers } from "../../electron/core/models/sharing/mdns.js";
import { silentLogger } from "../../electron/core/runtime/logger.js";
import { freeUdpPort } from "../fixtures/free-udp-port.js";

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
const noMulticast = lanAddress ? false : "this machine has no non-internal IPv4 interface, so multicast cannot leave it";

type Record_ = { name: string; type: string; ttl: number; data: unknown };

/** One DNS-SD instance of `_pocketforge._tcp`, as any host can announce it. */
function instance(name: string, port: number, txt: Record<string, string>): Record_[] {
  const fqdn = `${name}._pocketforge._tcp.local`;
  const host = `${name}.local`;
  return [
    { name: "_pocketforge._tcp.local", type: "PTR", ttl: 4500, data: fqdn },
    { name: fqdn, type: "SRV", ttl: 4500, data: { port, target: host, weight: 0, priority: 0 } },
    { name: fqdn, type: "TXT", ttl: 4500, data: Object.entries(txt).map(([k, v]) => Buffer.from(`${k}=${v}`)) },
    { name: host, type: "A", ttl: 4500, data: lanAddress },
  ];
}

test("a flood of unique announcements is remembered up to the bound, by the engine and by the browser under it", { skip: noMulticast, timeout: 60_000 }, async () => {
  const port = await freeUdpPort();
  const peers = new MdnsPeers({ logger: silentLogger, port, identity: () => ({ id: "front-0001", name: "front" }) });
  const flooder = new Bonjour({ port }, () => {});
  const mdns = (flooder as unknown as { server: { mdns: { respond(packet: { answers: Record_[] }, cb?: () => void): void } } }).server.mdns;
  const respond = (answers: Record_[]) => new Promise<void>((resolve) => mdns.respond({ answers }, () => resolve()));
  const heard = new Set<string>();
  let markerAt: (port: number) => void = () => {};
  const stop = peers.watch({
    fleetUp: (node) => {
      heard.add(node.name);
      if (node.name === "marker") markerAt(Number(new URL(node.url).port));
    },
  });
  try {
    // A marker announced first and moved after each packet of the flood: once a move is heard, the packet before it
    // was (multicast on one machine keeps order; pacing it this way loses none to a full socket buffer).
    let markerPort = 1000;
    const sync = async () => {
      markerPort++;
      const moved = new Promise<void>((resolve) => (markerAt = (p) => p === markerPort && resolve()));
      await respond(instance("marker", markerPort, { v: "1", id: "marker-0001", fleet: String(markerPort) }));
      await moved;
    };
    await sync();

    // Fleet listeners claiming to be front nodes "anywhere", until the engine remembers as many as it will.
    let n = 0;
    const packet = (junk: boolean) => {
      const answers: Record_[] = [];
      for (let j = 0; j < 8; j++, n++) {
        // Junk: the service type, with no PocketForge TXT at all.
        const txt: Record<string, string> = junk && j % 2 ? { hello: "world" } : { v: "1", id: `forged-${n}`, fleet: "8644", role: "front" };
        answers.push(...instance(`forged-${n}`, 8644, txt));
      }
      return answers;
    };
    while (heard.size < MAX_HEARD) {
      await respond(packet(false));
      await sync();
    }
    // Then as many again and more, forged and junk, past the bound.
    for (let i = 0; i < (2 * MAX_HEARD) / 8; i++) {
      await respond(packet(true));
      await sync();
    }

    assert.equal(heard.size, MAX_HEARD, "the engine offers machines up to the bound, and no more");
    const browser = (peers as unknown as { browser: { services: unknown[] } }).browser;
    assert.ok(browser.services.length <= MAX_HEARD, `the DNS-SD browser keeps ${browser.services.length} instances (${n} announced)`);
  } finally {
    stop();
    await peers.dispose();
    await new Promise<void>((resolve) => flooder.destroy(() => resolve()));
  }
});
