// A front node follows a paired node that is down at its address to a new one only when the machine announced there
// presents the certificate pinned at pairing. A LAN host announcing itself as that node (its name, role "node", any
// address) while the node is down is probed and left alone; the real node announced at its new port is followed.
// Real HTTPS/TLS on loopback; the DNS-SD browser is replaced by announcements made by hand (FleetDiscovery).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadOrCreateDashboardTls } from "../../electron/core/app/dashboard-tls.js";
import type { DiscoveredMachine, FleetDiscovery } from "../../electron/core/fleet/discovery.js";
import { pairOnLoopback, testFleetService } from "../fixtures/fleet/fleet-service.js";
import type { FleetStatus } from "../../shared/api/index.js";

const dir = mkdtempSync(join(tmpdir(), "pf-fleet-impostor-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Announcements made by hand: what a hostile host on the LAN can announce, it announces here. */
class HandDiscovery implements FleetDiscovery {
  found: ((machine: DiscoveredMachine) => void) | null = null;
  browse(found: (machine: DiscoveredMachine) => void): () => void {
    this.found = found;
    return () => (this.found = null);
  }
  async advertise(): Promise<void> {}
}

test("a front node follows a moved paired node to its new address, never to a host that only claims to be it", { timeout: 60_000 }, async () => {
  const discovery = new HandDiscovery();
  const statuses: Array<(s: FleetStatus) => boolean> = [];
  const until = (check: (s: FleetStatus) => boolean) =>
    check(front.status()) ? Promise.resolve() : new Promise<void>((resolve) => statuses.push((s) => (check(s) ? (resolve(), true) : false)));
  const fleet = (name: string, options: { discovery?: FleetDiscovery; emit?: (s: FleetStatus) => void } = {}) =>
    testFleetService(dir, name, { discovery: options.discovery, ...(options.emit ? { emit: options.emit } : {}) });
  const front = fleet("front", {
    discovery,
    emit: (s) => {
      for (const waiter of [...statuses]) if (waiter(s)) statuses.splice(statuses.indexOf(waiter), 1);
    },
  });
  const node = fleet("node");
  // The impostor: a TLS listener with a certificate of its own that notes what it is sent.
  const impostorTls = await loadOrCreateDashboardTls(join(dir, "impostor"));
  const impostorBytes: Buffer[] = [];
  let probed!: () => void;
  const impostorProbed = new Promise<void>((resolve) => (probed = resolve));
  const impostor = createTlsServer({ key: impostorTls.key, cert: impostorTls.cert }, (socket: TLSSocket) => {
    socket.on("data", (chunk: Buffer) => impostorBytes.push(chunk));
    socket.on("error", () => {});
    socket.on("close", () => probed());
  });
  await new Promise<void>((resolve) => impostor.listen(0, "127.0.0.1", resolve));
  const impostorUrl = `https://127.0.0.1:${(impostor.address() as { port: number }).port}`;

  await front.start();
  await node.start();
  try {
    await pairOnLoopback(front, node);
    await front.refresh();
    const paired = () => front.status().nodes.find((n) => n.kind === "pocketforge")!;
    const first = paired().url;
    assert.equal(paired().state, "healthy");

    // The node moves to another port (a new DHCP lease, on a rig): down at the address the front node knows.
    const moved = (await node.configure({ listen: { host: "127.0.0.1", port: 0 } })).listenUrl!;
    assert.notEqual(moved, first);
    // While it is down, a host announces itself under the node's name, and as a front node elsewhere.
    discovery.found!({ name: "node (abcdef)", url: impostorUrl, role: "node" });
    discovery.found!({ name: "front-2 (abcdef)", url: impostorUrl, role: "front" });
    await front.refresh();
    assert.equal(paired().state, "down");
    await impostorProbed;
    await front.refresh();
    assert.equal(paired().url, first, "not followed to a host without the pinned certificate");
    assert.equal(Buffer.concat(impostorBytes).length, 0, "the impostor was sent nothing: not one signed request");

    // The real node announced at its new port is followed there, and serves again.
    discovery.found!({ name: "node (012345)", url: moved, role: "node" });
    await until((s) => s.nodes.some((n) => n.kind === "pocketforge" && n.url === moved && n.state === "healthy"));
    assert.equal(front.status().nodes.filter((n) => n.kind === "pocketforge").length, 1, "the same node, moved");
  } finally {
    await Promise.all([front.dispose(), node.dispose()]);
    await new Promise((resolve) => impostor.close(resolve));
  }
});
