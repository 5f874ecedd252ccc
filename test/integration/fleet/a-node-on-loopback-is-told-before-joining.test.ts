// A newcomer who presses Join before setting the inference node's listen address (loopback by default) would pair a
// node the front node cannot reach: the front node connects back to the address the join came from, where nothing
// listens. The join is refused up front with what to do, nothing is paired and the code stays usable; with the
// listener on the LAN the same code pairs a node that serves. Real HTTPS over this machine's LAN address.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FleetService } from "../../../electron/core/fleet/fleet-service.js";
import { testFleetService } from "../../fixtures/fleet/fleet-service.js";

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
const noLan = lanAddress ? false : "this machine has no non-internal IPv4 interface";

const dir = mkdtempSync(join(tmpdir(), "pf-fleet-loopback-join-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function fleet(name: string): FleetService {
  return testFleetService(dir, name);
}

test("a node listening on loopback is told to listen on the LAN before it joins a front node on the LAN", { skip: noLan, timeout: 60_000 }, async () => {
  const front = fleet("front");
  const node = fleet("node");
  await front.start();
  await node.start();
  try {
    await front.configure({ role: "front", listen: { host: lanAddress!, port: 0 } });
    const pairing = await front.createPairing();
    assert.equal(new URL(pairing.frontUrl).hostname, lanAddress);
    // The newcomer's node: the role chosen, the listen address left as it was.
    await node.configure({ role: "node" });
    await assert.rejects(node.join(pairing.frontUrl, pairing.code), (error: { code?: string; message?: string }) => {
      assert.equal(error.code, "conflict");
      assert.match(String(error.message), /Listen on address/);
      return true;
    });
    assert.equal(node.status().front, null);
    assert.deepEqual(front.status().nodes.filter((n) => n.kind === "pocketforge"), []);
    assert.notEqual(front.status().pairing, null, "the code was not spent");

    await node.configure({ listen: { host: lanAddress!, port: 0 } });
    await node.join(pairing.frontUrl, pairing.code);
    await front.refresh();
    const paired = front.status().nodes.filter((n) => n.kind === "pocketforge");
    assert.deepEqual(paired.map((n) => n.state), ["healthy"], String(paired[0]?.lastError));
  } finally {
    await Promise.all([front.dispose(), node.dispose()]);
  }
});
