import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeNatPmp } from "../../fixtures/reach/fake-nat-pmp.js";
import { mapperFor } from "../../fixtures/reach/mapper-harness.js";
import { closedUdpPort, UdpPeer } from "../../fixtures/reach/udp-peer.js";
import { FakeClock } from "../../fixtures/fake-clock.js";
import { NatPmpClient, NatPmpError } from "../../../electron/core/reach/nat-pmp.js";
import { UdpTimeoutError } from "../../../electron/core/reach/udp-exchange.js";

async function withGateway(run: (pmp: FakeNatPmp, clock: FakeClock) => Promise<void>) {
  const clock = new FakeClock(1_700_000_000_000);
  const pmp = await FakeNatPmp.start(clock);
  try {
    await run(pmp, clock);
  } finally {
    await pmp.close();
  }
}

test("a NAT-PMP-only router answers PCP's request with 'unsupported version': the mapper falls back and maps with NAT-PMP", async () => {
  await withGateway(async (pmp, clock) => {
    const { mapper } = mapperFor({ protocols: ["pcp", "nat-pmp"], pcpPort: pmp.port, natPmpPort: pmp.port }, clock);
    await mapper.start();
    const status = mapper.status();
    assert.equal(status.state, "mapped");
    assert.equal(status.protocol, "nat-pmp");
    assert.equal(status.gateway, "127.0.0.1");
    assert.equal(status.externalPort, 8642);
    assert.equal(status.leaseSeconds, 3600);
    assert.equal(status.externalAddress, "203.0.113.7");
    assert.deepEqual(pmp.live().map((m) => [m.internalPort, m.externalPort]), [[8642, 8642]]);
    assert.equal(pmp.requests.find((r) => r.op === 2)?.lifetime, 3600);
    await mapper.stop();
    assert.deepEqual(pmp.live(), []);
    // RFC 6886 §3.4: deletion is lifetime 0 and external port 0.
    assert.deepEqual(pmp.requests.at(-1), { op: 2, internalPort: 8642, externalPort: 0, lifetime: 0 });
  });
});

test("lease expiry: a router granting less than asked (120 s) is renewed at half of what it granted, and the mapping never lapses", async () => {
  await withGateway(async (pmp, clock) => {
    pmp.maxLifetimeSeconds = 120;
    const { mapper, advance } = mapperFor({ protocols: ["nat-pmp"], natPmpPort: pmp.port }, clock);
    await mapper.start();
    assert.equal(mapper.status().leaseSeconds, 120);
    assert.equal(mapper.status().leaseExpiresAt, clock.now() + 120_000);
    for (let second = 10; second <= 1200; second += 10) {
      await advance(10_000);
      assert.equal(pmp.live().length, 1, `lapsed at ${second} s`);
    }
    assert.equal(pmp.requests.filter((r) => r.op === 2).length, 1 + 20);
    await mapper.stop();
  });
});

test("device reboot: the epoch going back shows the router lost its table; the renewal re-creates it and counts a remap", async () => {
  await withGateway(async (pmp, clock) => {
    const { mapper, advance, remapped } = mapperFor({ protocols: ["nat-pmp"], natPmpPort: pmp.port, checkIntervalMs: 300_000 }, clock);
    await mapper.start();
    await advance(300_000);
    assert.equal(mapper.status().remaps, 0);
    pmp.reboot();
    await advance(300_000);
    assert.equal(mapper.status().remaps, 1);
    assert.equal(remapped.length, 1);
    assert.deepEqual(pmp.live().map((m) => m.externalPort), [8642]);
    await mapper.stop();
  });
});

test("address change: the external address is read again at each check", async () => {
  await withGateway(async (pmp, clock) => {
    const { mapper, advance } = mapperFor({ protocols: ["nat-pmp"], natPmpPort: pmp.port, checkIntervalMs: 300_000 }, clock);
    await mapper.start();
    pmp.externalAddress = "198.51.100.20";
    await advance(300_000);
    assert.equal(mapper.status().externalAddress, "198.51.100.20");
    await mapper.stop();
  });
});

test("refusal: 'not authorized' fails with the router's reason; a taken port gets another", async () => {
  await withGateway(async (pmp, clock) => {
    pmp.refuseWith = 2;
    const { mapper } = mapperFor({ protocols: ["nat-pmp"], natPmpPort: pmp.port }, clock);
    await mapper.start();
    assert.equal(mapper.status().state, "failed");
    assert.match(mapper.status().problem ?? "", /refused the NAT-PMP port mapping: NAT-PMP result 2: not authorized/);
  });
  await withGateway(async (pmp, clock) => {
    pmp.occupy(8642);
    const { mapper } = mapperFor({ protocols: ["nat-pmp"], natPmpPort: pmp.port }, clock);
    await mapper.start();
    assert.equal(mapper.status().externalPort, 8643);
    await mapper.stop();
  });
});

test("no device: nothing listens on the gateway's port (refused at once), or nothing answers (after the retransmissions)", async () => {
  const port = await closedUdpPort();
  const { mapper } = mapperFor({ protocols: ["pcp", "nat-pmp"], pcpPort: port, natPmpPort: port });
  await mapper.start();
  assert.equal(mapper.status().state, "failed");
  assert.match(mapper.status().problem ?? "", /No router answered.*no PCP server at 127\.0\.0\.1; no NAT-PMP server at 127\.0\.0\.1/);

  const silent = await UdpPeer.bind();
  try {
    const clock = new FakeClock(0);
    const client = new NatPmpClient({ server: { address: "127.0.0.1", port: silent.port }, clock, retransmitMs: [250, 500, 1000] });
    const asking = client.externalAddress();
    for (const wait of [250, 500, 1000]) {
      await silent.nextMessage();
      clock.advance(wait);
    }
    await assert.rejects(asking, (error: unknown) => error instanceof UdpTimeoutError && error.tries === 3);
    assert.equal(silent.received.length, 3);
    assert.deepEqual([...silent.received[0]!.message], [0, 0]);
  } finally {
    await silent.close();
  }
});

test("the NAT-PMP client reads result codes as errors", async () => {
  await withGateway(async (pmp, clock) => {
    pmp.refuseWith = 4;
    const client = new NatPmpClient({ server: { address: "127.0.0.1", port: pmp.port }, clock });
    await assert.rejects(client.map({ internalPort: 1, externalPort: 1, lifetimeSeconds: 60 }), (error: unknown) => error instanceof NatPmpError && error.resultCode === 4);
  });
});
