import { test } from "node:test";
import assert from "node:assert/strict";
import { FakePcp } from "../../fixtures/reach/fake-pcp.js";
import { mapperFor } from "../../fixtures/reach/mapper-harness.js";
import { FakeClock } from "../../fixtures/fake-clock.js";
import { PcpClient, PcpError } from "../../../electron/core/reach/pcp.js";

async function withServer(run: (pcp: FakePcp, clock: FakeClock) => Promise<void>) {
  const clock = new FakeClock(1_700_000_000_000);
  const pcp = await FakePcp.start(clock);
  try {
    await run(pcp, clock);
  } finally {
    await pcp.close();
  }
}

test("PCP MAP: the port is mapped for this client address, the external address comes with the answer, the nonce is kept for renewal and deletion", async () => {
  await withServer(async (pcp, clock) => {
    const { mapper, advance } = mapperFor({ protocols: ["pcp", "nat-pmp"], pcpPort: pcp.port, checkIntervalMs: 300_000 }, clock);
    await mapper.start();
    const status = mapper.status();
    assert.equal(status.state, "mapped");
    assert.equal(status.protocol, "pcp");
    assert.equal(status.externalPort, 8642);
    assert.equal(status.externalAddress, "203.0.113.7");
    assert.equal(status.internalAddress, "127.0.0.1");
    assert.equal(pcp.requests[0]?.clientAddress, "127.0.0.1");
    await advance(300_000);
    await mapper.stop();
    assert.deepEqual(pcp.live(), []);
    assert.deepEqual(pcp.requests.map((r) => r.lifetime), [3600, 3600, 0]);
    assert.equal(new Set(pcp.requests.map((r) => r.nonce)).size, 1);
  });
});

test("PCP: a suggested port another machine holds gets another; a short lifetime is renewed in time; a reboot is seen by the epoch", async () => {
  await withServer(async (pcp, clock) => {
    pcp.occupy(8642);
    pcp.maxLifetimeSeconds = 120;
    const { mapper, advance } = mapperFor({ protocols: ["pcp"], pcpPort: pcp.port }, clock);
    await mapper.start();
    assert.equal(mapper.status().externalPort, 8643);
    assert.equal(mapper.status().leaseSeconds, 120);
    for (let second = 10; second <= 600; second += 10) {
      await advance(10_000);
      assert.equal(pcp.live().length, 1, `lapsed at ${second} s`);
    }
    pcp.reboot();
    await advance(60_000);
    assert.equal(mapper.status().remaps, 1);
    // After the reboot the same port is asked for again (the other machine's mapping is gone with the table).
    assert.equal(pcp.live()[0]?.externalPort, 8643);
    await mapper.stop();
  });
});

test("PCP refusals: NO_RESOURCES fails with the reason; a deletion with another nonce is NOT_AUTHORIZED", async () => {
  await withServer(async (pcp, clock) => {
    pcp.refuseWith = 8;
    const { mapper } = mapperFor({ protocols: ["pcp"], pcpPort: pcp.port }, clock);
    await mapper.start();
    assert.equal(mapper.status().state, "failed");
    assert.match(mapper.status().problem ?? "", /refused the PCP port mapping: PCP result 8: no resources/);
  });
  await withServer(async (pcp, clock) => {
    const server = { address: "127.0.0.1", port: pcp.port };
    const owner = new PcpClient({ server, clientAddress: "127.0.0.1", clock });
    const other = new PcpClient({ server, clientAddress: "127.0.0.1", clock });
    await owner.map({ internalPort: 9000, suggestedExternalPort: 9000, lifetimeSeconds: 60 });
    await assert.rejects(other.map({ internalPort: 9000, suggestedExternalPort: 9000, lifetimeSeconds: 0 }), (error: unknown) => error instanceof PcpError && error.resultCode === 2);
    assert.equal(pcp.live().length, 1);
  });
});

test("PCP: a client address that is not the datagram's source is an ADDRESS_MISMATCH (something rewrites addresses)", async () => {
  await withServer(async (pcp, clock) => {
    const client = new PcpClient({ server: { address: "127.0.0.1", port: pcp.port }, clientAddress: "192.168.1.20", clock });
    await assert.rejects(client.map({ internalPort: 9000, suggestedExternalPort: 9000, lifetimeSeconds: 60 }), (error: unknown) => error instanceof PcpError && error.resultCode === 12);
  });
});
