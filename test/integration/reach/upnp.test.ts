import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeIgd } from "../../fixtures/reach/fake-igd.js";
import { mapperFor } from "../../fixtures/reach/mapper-harness.js";
import { UdpPeer } from "../../fixtures/reach/udp-peer.js";
import { FakeClock } from "../../fixtures/fake-clock.js";
import { IgdClient, UpnpError } from "../../../electron/core/reach/upnp-igd.js";
import { mSearch, parseSsdpAnswer, searchGateway } from "../../../electron/core/reach/ssdp.js";

const HOUR = 3_600_000;

async function withIgd(version: 1 | 2, run: (igd: FakeIgd, clock: FakeClock) => Promise<void>, options: { onlyPermanentLeases?: boolean } = {}) {
  const clock = new FakeClock(1_700_000_000_000);
  const igd = await FakeIgd.start({ version, clock, ...options });
  try {
    await run(igd, clock);
  } finally {
    await igd.close();
  }
}

test("SSDP finds the gateway: an M-SEARCH over UDP is answered with the description's location on the answering host", async () => {
  await withIgd(1, async (igd, clock) => {
    const answer = await searchGateway({ target: igd.ssdpTarget, clock });
    assert.equal(answer?.location, igd.location);
    assert.equal(answer?.searchTarget, "urn:schemas-upnp-org:device:InternetGatewayDevice:1");
    assert.equal(answer?.from, "127.0.0.1");
    assert.ok(igd.searches.includes("urn:schemas-upnp-org:device:InternetGatewayDevice:1"));
  });
  assert.match(mSearch("urn:x", { address: "239.255.255.250", port: 1900 }).toString(), /^M-SEARCH \* HTTP\/1\.1\r\nHOST: 239\.255\.255\.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: urn:x\r\n\r\n$/);
  assert.equal(parseSsdpAnswer("NOTIFY * HTTP/1.1\r\nLOCATION: http://x/\r\n\r\n"), null);
});

test("an SSDP answer pointing at another host than the one that answered is ignored (no fetch sent elsewhere)", async () => {
  const clock = new FakeClock(0);
  const liar = await UdpPeer.bind((message, reply) => {
    const st = /ST: (.*)\r\n/.exec(message.toString())![1];
    reply(Buffer.from(`HTTP/1.1 200 OK\r\nLOCATION: http://192.0.2.50:5000/rootDesc.xml\r\nST: ${st}\r\nUSN: uuid:x\r\n\r\n`));
  });
  try {
    const searching = searchGateway({ target: { address: "127.0.0.1", port: liar.port }, clock, timeoutMs: 3000 });
    await liar.nextMessage();
    clock.advance(3000);
    assert.equal(await searching, null);
  } finally {
    await liar.close();
  }
});

test("no device: nobody answers the search, so mapping fails with what to do, and is tried again later", async () => {
  const silent = await UdpPeer.bind();
  try {
    const { mapper, clock, snapshots } = mapperFor({ protocols: ["upnp"], ssdp: { target: { address: "127.0.0.1", port: silent.port }, timeoutMs: 3000 } });
    const started = mapper.start();
    await silent.nextMessage();
    clock.advance(1500);
    await silent.nextMessage(); // the search is sent again halfway: UDP may have lost it
    clock.advance(1500);
    await started;
    const status = mapper.status();
    assert.equal(status.state, "failed");
    assert.match(status.problem ?? "", /No router answered.*no UPnP device answered the SSDP search.*Turn on UPnP/);
    assert.deepEqual(snapshots.map((s) => s.state), ["discovering", "failed"]);
    assert.equal(clock.nextTimerAt(), clock.now() + 30_000);
  } finally {
    await silent.close();
  }
});

test("IGD v1: the relay port is mapped to this machine with a lease, the external address read, and removed on stop", async () => {
  await withIgd(1, async (igd, clock) => {
    const { mapper } = mapperFor({ protocols: ["upnp"], ssdp: { target: igd.ssdpTarget } }, clock);
    await mapper.start();
    const status = mapper.status();
    assert.equal(status.state, "mapped");
    assert.equal(status.protocol, "upnp-igd1");
    assert.equal(status.gateway, "127.0.0.1");
    assert.equal(status.externalPort, 8642);
    assert.equal(status.leaseSeconds, 3600);
    assert.equal(status.leaseExpiresAt, clock.now() + HOUR);
    assert.equal(status.externalAddress, "203.0.113.7");
    assert.deepEqual(
      igd.live().map(({ externalPort, internalClient, internalPort, leaseSeconds, description }) => ({ externalPort, internalClient, internalPort, leaseSeconds, description })),
      [{ externalPort: 8642, internalClient: "127.0.0.1", internalPort: 8642, leaseSeconds: 3600, description: "PocketForge relay miner" }],
    );
    await mapper.stop();
    assert.deepEqual(igd.live(), []);
    assert.equal(clock.nextTimerAt(), null);
  });
});

test("IGD v2 is spoken when the router offers WANIPConnection:2", async () => {
  await withIgd(2, async (igd, clock) => {
    const { mapper } = mapperFor({ protocols: ["upnp"], ssdp: { target: igd.ssdpTarget } }, clock);
    await mapper.start();
    assert.equal(mapper.status().protocol, "upnp-igd2");
    assert.equal(igd.live()[0]?.externalPort, 8642);
    await mapper.stop();
  });
});

test("refusal ConflictInMappingEntry (another machine holds the port) on v1: the next external port, the other mapping untouched", async () => {
  await withIgd(1, async (igd, clock) => {
    igd.occupy(8642, "192.168.1.99");
    const { mapper } = mapperFor({ protocols: ["upnp"], ssdp: { target: igd.ssdpTarget } }, clock);
    await mapper.start();
    assert.equal(mapper.status().externalPort, 8643);
    assert.ok(igd.actions.some((a) => a.action === "AddPortMapping" && a.args.NewExternalPort === "8642"));
    await mapper.stop();
    assert.deepEqual(igd.live().map((m) => [m.externalPort, m.internalClient]), [[8642, "192.168.1.99"]]);
  });
});

test("refusal ConflictInMappingEntry on v2: the router picks a free port with AddAnyPortMapping", async () => {
  await withIgd(2, async (igd, clock) => {
    igd.occupy(8642);
    igd.occupy(8643);
    const { mapper } = mapperFor({ protocols: ["upnp"], ssdp: { target: igd.ssdpTarget } }, clock);
    await mapper.start();
    assert.equal(mapper.status().externalPort, 8644);
    assert.ok(igd.actions.some((a) => a.action === "AddAnyPortMapping"));
    await mapper.stop();
  });
});

test("refusal OnlyPermanentLeasesSupported: a permanent lease, checked on the interval, removed on stop", async () => {
  await withIgd(
    1,
    async (igd, clock) => {
      const { mapper } = mapperFor({ protocols: ["upnp"], ssdp: { target: igd.ssdpTarget }, checkIntervalMs: 300_000 }, clock);
      await mapper.start();
      const status = mapper.status();
      assert.equal(status.state, "mapped");
      assert.equal(status.leaseSeconds, 0);
      assert.equal(status.leaseExpiresAt, null);
      assert.equal(igd.live()[0]?.leaseSeconds, 0);
      assert.equal(clock.nextTimerAt(), clock.now() + 300_000);
      await mapper.stop();
      assert.deepEqual(igd.live(), []);
    },
    { onlyPermanentLeases: true },
  );
});

test("refusal ActionNotAuthorized: failed, saying the router forbids mapping and what to do", async () => {
  await withIgd(1, async (igd, clock) => {
    igd.refuseWith = 606;
    const { mapper } = mapperFor({ protocols: ["upnp"], ssdp: { target: igd.ssdpTarget } }, clock);
    await mapper.start();
    const status = mapper.status();
    assert.equal(status.state, "failed");
    assert.match(status.problem ?? "", /refused the UPnP port mapping: the router allows UPnP discovery but not port mapping.*Forward the port by hand.*tunnel/);
    assert.deepEqual(igd.live(), []);
  });
});

test("lease renewal: the mapping is renewed before its lease ends and never lapses over hours", async () => {
  await withIgd(1, async (igd, clock) => {
    const { mapper, advance } = mapperFor({ protocols: ["upnp"], ssdp: { target: igd.ssdpTarget }, leaseSeconds: 600, checkIntervalMs: HOUR }, clock);
    await mapper.start();
    for (let minute = 1; minute <= 180; minute++) {
      await advance(60_000);
      assert.equal(igd.live().length, 1, `the router lost the mapping at minute ${minute}`);
    }
    // Half the 600 s lease: a renewal every 5 minutes.
    assert.equal(igd.actions.filter((a) => a.action === "AddPortMapping").length, 1 + 36);
    assert.equal(mapper.status().remaps, 0);
    await mapper.stop();
  });
});

test("router reboot (mapping table lost) and a lease that ran out: found at the next check and mapped again", async () => {
  await withIgd(1, async (igd, clock) => {
    const { mapper, advance, remapped } = mapperFor({ protocols: ["upnp"], ssdp: { target: igd.ssdpTarget }, checkIntervalMs: 300_000 }, clock);
    await mapper.start();
    igd.reboot();
    assert.deepEqual(igd.live(), []);
    await advance(300_000);
    assert.equal(igd.live()[0]?.externalPort, 8642);
    assert.equal(mapper.status().remaps, 1);
    assert.equal(remapped.length, 1);
    // Someone else's mapping took the port while the router was down: another port, still counted as a remap.
    igd.reboot();
    igd.occupy(8642);
    await advance(300_000);
    assert.equal(mapper.status().externalPort, 8643);
    assert.equal(mapper.status().remaps, 2);
    await mapper.stop();
    assert.deepEqual(igd.live().map((m) => m.externalPort), [8642]);
  });
});

test("a router that stops answering: failed with the reason, then found and mapped again when it is back", async () => {
  const clock = new FakeClock(1_700_000_000_000);
  let igd = await FakeIgd.start({ version: 1, clock });
  const silent = await UdpPeer.bind();
  let target = igd.ssdpTarget;
  const { mapper, advance } = mapperFor({ protocols: ["upnp"], ssdp: { get target() { return target; }, timeoutMs: 3000 }, checkIntervalMs: 300_000 }, clock);
  try {
    await mapper.start();
    await igd.close();
    target = { address: "127.0.0.1", port: silent.port };
    await advance(300_000);
    assert.equal(mapper.status().state, "failed");
    assert.match(mapper.status().problem ?? "", /stopped answering/);
    igd = await FakeIgd.start({ version: 1, clock });
    target = igd.ssdpTarget;
    await advance(30_000);
    assert.equal(mapper.status().state, "mapped");
    assert.equal(igd.live()[0]?.externalPort, 8642);
    await mapper.stop();
  } finally {
    await igd.close();
    await silent.close();
  }
});

test("the IGD client reads UPnP faults as codes, and refuses a control URL on another host", async () => {
  await withIgd(1, async (igd) => {
    const client = await IgdClient.open(igd.location);
    assert.equal(client.version, 1);
    assert.equal(await client.getSpecificPortMappingEntry(1234), null);
    await assert.rejects(client.deletePortMapping(1234), (error: unknown) => error instanceof UpnpError && error.code === 714);
  });
  const evil = async () =>
    new Response(
      `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device><serviceList><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>http://192.0.2.9/ctl</controlURL></service></serviceList></device></root>`,
      { headers: { "content-type": "text/xml" } },
    );
  await assert.rejects(IgdClient.open("http://127.0.0.1:1/rootDesc.xml", { fetch: evil as typeof fetch }), /not on the device/);
});
