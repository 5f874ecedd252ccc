// A node that leaves the fleet and is paired again (or pairs again after losing its pairing) is one node on the front
// node's page, not two: its old entry holds a key the node no longer accepts, so kept it would be listed as down for
// ever, and, sharing the node's certificate, be the entry a moved node is followed for. Real HTTPS on loopback.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadOrCreateDashboardTls } from "../../../electron/core/app/dashboard-tls.js";
import { FleetService } from "../../../electron/core/fleet/fleet-service.js";
import { joinProof, newNonce } from "../../../electron/core/fleet/pairing.js";
import { pairOnLoopback, testFleetService } from "../../fixtures/fleet/fleet-service.js";

const dir = mkdtempSync(join(tmpdir(), "pf-fleet-repair-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function fleet(name: string): FleetService {
  return testFleetService(dir, name);
}

test("leaving and pairing again leaves one entry for the node, healthy; another machine is another node", { timeout: 60_000 }, async () => {
  const front = fleet("front");
  const node = fleet("node");
  const other = fleet("other");
  await Promise.all([front.start(), node.start(), other.start()]);
  try {
    await front.configure({ role: "front", listen: { host: "127.0.0.1", port: 0 } });
    await node.configure({ role: "node", listen: { host: "127.0.0.1", port: 0 } });
    await other.configure({ role: "node", listen: { host: "127.0.0.1", port: 0 } });
    const paired = () => front.status().nodes.filter((n) => n.kind === "pocketforge");
    const pair = async (machine: FleetService) => {
      const pairing = await front.createPairing();
      await machine.join(pairing.frontUrl, pairing.code);
      await front.refresh();
    };

    await pair(node);
    const before = paired();
    assert.equal(before.length, 1);
    node.leave();
    await front.refresh();
    assert.equal(paired()[0]!.state, "down", "a node that left refuses the front node");

    await pair(node);
    const again = paired();
    assert.equal(again.length, 1, JSON.stringify(again.map((n) => ({ id: n.id, state: n.state, lastError: n.lastError }))));
    assert.notEqual(again[0]!.id, before[0]!.id, "a new pairing, a new key");
    assert.equal(again[0]!.state, "healthy");

    await pair(other);
    assert.deepEqual(paired().map((n) => [n.name, n.state]).sort(), [["node", "healthy"], ["other", "healthy"]]);
  } finally {
    await Promise.all([front.dispose(), node.dispose(), other.dispose()]);
  }
});

test("a join that copies a paired node's certificate and address removes nothing", { timeout: 60_000 }, async () => {
  const front = fleet("front-2");
  const node = fleet("node-2");
  await Promise.all([front.start(), node.start()]);
  try {
    await pairOnLoopback(front, node);
    await front.refresh();
    // Someone given the next code joins with the node's (public) certificate and address, without its key.
    const copied = (await loadOrCreateDashboardTls(join(dir, "node-2"))).cert;
    const second = await front.createPairing();
    const nodeNonce = newNonce();
    const proof = joinProof(second.code, { frontFingerprint: second.fingerprint, nodeFingerprint: new X509Certificate(copied).fingerprint256, nodeNonce });
    const body = JSON.stringify({ format: "pocketforge-fleet-join-v1", name: "node-2", port: 9, url: node.status().listenUrl, certificate: copied, nodeNonce, proof });
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(second.frontUrl);
      const req = httpsRequest({ hostname: url.hostname, port: url.port, method: "POST", path: "/fleet/v1/join", rejectUnauthorized: false, headers: { "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(body);
    });
    assert.equal(status, 200, "the code was right");
    await front.refresh();
    const paired = front.status().nodes.filter((n) => n.kind === "pocketforge");
    assert.deepEqual(paired.map((n) => n.state).sort(), ["down", "healthy"], "the real node still serves; the copy never answers");
  } finally {
    await Promise.all([front.dispose(), node.dispose()]);
  }
});
