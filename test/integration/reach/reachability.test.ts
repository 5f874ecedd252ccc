import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiError, parseResult } from "../../../shared/api/index.js";
import type { EndpointCheck } from "../../../shared/api/staking.js";
import { AlertCenter } from "../../../electron/core/runtime/alerts.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { createReachHandlers } from "../../../electron/core/reach/api-handlers.js";
import { ReachService } from "../../../electron/core/reach/reach-service.js";
import { StakingService } from "../../../electron/core/staking/staking-service.js";
import { FakeIgd } from "../../fixtures/reach/fake-igd.js";
import { FakeClock } from "../../fixtures/fake-clock.js";

const answered = (url: string): EndpointCheck => ({ url, reachable: true, relayMinerAnswered: true, latencyMs: 3, problem: null, reason: "ok" });
const refused = (url: string): EndpointCheck => ({ url, reachable: false, relayMinerAnswered: false, latencyMs: 1, problem: `Could not connect to ${url} (ECONNREFUSED)`, reason: "connection" });

interface Rig {
  reach: ReachService;
  igd: FakeIgd;
  clock: FakeClock;
  alerts: AlertCenter;
  probed: string[];
  set: { network: string; staked: string | null; answers: (url: string) => EndpointCheck };
  dataDir: string;
}

async function rig(run: (r: Rig) => Promise<void>, options: { externalAddress?: string; dataDir?: string; network?: string; staked?: string; clock?: FakeClock } = {}) {
  const clock = options.clock ?? new FakeClock(1_700_000_000_000);
  const igd = await FakeIgd.start({ version: 1, clock, externalAddress: options.externalAddress });
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "pf-reach-"));
  const alerts = new AlertCenter({ emit: () => {}, logger: silentLogger, clock });
  const probed: string[] = [];
  const set = { network: options.network ?? "mainnet", staked: options.staked ?? null, answers: (url: string) => (url.includes("127.0.0.1") ? answered(url) : refused(url)) };
  const reach = new ReachService({
    dataDir,
    network: () => set.network,
    relayListen: () => ({ host: "0.0.0.0", port: 8642 }),
    stakedEndpoint: () => set.staked,
    probe: async (url) => (probed.push(url), set.answers(url)),
    alerts,
    emit: (status) => parseResult("reach.status", status),
    logger: silentLogger,
    clock,
    mapper: { protocols: ["upnp"], ssdp: { target: igd.ssdpTarget }, localAddressToward: async () => "127.0.0.1", checkIntervalMs: 300_000 },
  });
  try {
    await reach.start();
    await reach.idle();
    await run({ reach, igd, clock, alerts, probed, set, dataDir });
  } finally {
    await reach.dispose();
    await igd.close();
  }
}

async function advance(r: Rig, ms: number) {
  r.clock.advance(ms);
  await r.reach.idle();
}

test("port mapping is opt-in: off by default, nothing is searched or mapped until the user turns it on", async () => {
  await rig(async ({ reach, igd }) => {
    const status = reach.status();
    assert.equal(status.method, "off");
    assert.equal(status.mapping, null);
    assert.equal(status.proposedUrl, null);
    assert.deepEqual(igd.searches, []);
    assert.deepEqual(igd.live(), []);
  });
});

test("never on localnet: turning mapping on is refused there; a saved choice waits for another network and is undone on the way back", async () => {
  await rig(
    async (r) => {
      await assert.rejects(r.reach.configure({ method: "port_mapping" }), (error: unknown) => error instanceof ApiError && error.code === "conflict");
      assert.deepEqual(r.igd.searches, []);
      assert.equal(r.reach.status().applicable, false);
      r.set.network = "mainnet";
      await r.reach.configure({ method: "port_mapping" });
      assert.equal(r.igd.live().length, 1);
      r.set.network = "localnet";
      await r.reach.networkChanged();
      assert.deepEqual(r.igd.live(), []);
      assert.equal(r.reach.status().mapping, null);
      assert.equal(r.reach.status().proposedUrl, null);
      r.set.network = "beta";
      await r.reach.networkChanged();
      assert.equal(r.igd.live().length, 1);
    },
    { network: "localnet" },
  );
});

test("with a public external address the endpoint proposed is http://<public address>:<mapped port>, and the mapping goes when the engine stops", async () => {
  let igdRef: FakeIgd | null = null;
  await rig(async ({ reach, igd }) => {
    igdRef = igd;
    const status = await reach.configure({ method: "port_mapping" });
    assert.equal(status.mapping?.state, "mapped");
    assert.equal(status.mapping?.protocol, "upnp-igd1");
    assert.equal(status.mapping?.externalPort, 8642);
    assert.equal(status.externalAddress, "203.0.113.7");
    assert.equal(status.addressKind, "public");
    assert.equal(status.nat, null);
    assert.equal(status.proposedUrl, "http://203.0.113.7:8642");
    assert.equal(reach.proposedUrl(), "http://203.0.113.7:8642");
  });
  assert.deepEqual(igdRef!.live(), []);
});

test("double NAT: a private external address is explained, nothing is proposed, and the check says the public step cannot work", async () => {
  await rig(
    async ({ reach }) => {
      const status = await reach.configure({ method: "port_mapping" });
      assert.equal(status.addressKind, "private");
      assert.equal(status.nat?.kind, "double_nat");
      assert.match(status.nat?.meaning ?? "", /192\.168\.0\.10.*another router/);
      assert.match(status.nat?.whatToDo ?? "", /bridge mode.*tunnel/);
      assert.equal(status.proposedUrl, null);
      const check = await reach.check();
      assert.equal(check.steps.find((s) => s.id === "mapping")?.outcome, "proven");
      assert.equal(check.steps.find((s) => s.id === "public_from_here")?.outcome, "failed");
      assert.equal(check.url, null);
    },
    { externalAddress: "192.168.0.10" },
  );
});

test("carrier-grade NAT: an address in 100.64.0.0/10 is told apart from double NAT, with what to ask the provider", async () => {
  await rig(
    async ({ reach }) => {
      const status = await reach.configure({ method: "port_mapping" });
      assert.equal(status.addressKind, "cgnat");
      assert.equal(status.nat?.kind, "cgnat");
      assert.match(status.nat?.whatToDo ?? "", /public IPv4 address.*tunnel/);
      assert.equal(status.proposedUrl, null);
    },
    { externalAddress: "100.72.1.5" },
  );
});

test("address change: the staked endpoint's address moves, an alert is raised once and the new endpoint offered; staking it settles both", async () => {
  await rig(async (r) => {
    await r.reach.configure({ method: "port_mapping" });
    r.set.staked = "http://203.0.113.7:8642";
    r.igd.externalAddress = "198.51.100.20";
    await advance(r, 300_000);
    const status = r.reach.status();
    assert.deepEqual(
      { ...status.addressChange, at: undefined },
      { from: "203.0.113.7", to: "198.51.100.20", stakedUrl: "http://203.0.113.7:8642", proposedUrl: "http://198.51.100.20:8642", at: undefined },
    );
    assert.equal(status.proposedUrl, "http://198.51.100.20:8642");
    const raised = r.alerts.recent();
    assert.equal(raised.length, 1);
    assert.equal(raised[0]?.kind, "public_address_changed");
    assert.equal(raised[0]?.route, "staking");
    assert.match(raised[0]?.message ?? "", /now 198\.51\.100\.20 \(was 203\.0\.113\.7\).*still tells gateways http:\/\/203\.0\.113\.7:8642.*Stake again with http:\/\/198\.51\.100\.20:8642/);
    await advance(r, 300_000);
    assert.equal(r.alerts.recent().length, 1, "the same change is not raised again at every check");
    r.set.staked = "http://198.51.100.20:8642";
    assert.equal(r.reach.status().addressChange, null);
    // A later change is a new problem: raised again.
    r.igd.externalAddress = "198.51.100.30";
    await advance(r, 300_000);
    assert.equal(r.alerts.recent().length, 2);
  });
});

test("an address change while nothing was staked with the old address raises no alert (the new address is simply proposed)", async () => {
  await rig(async (r) => {
    await r.reach.configure({ method: "port_mapping" });
    r.set.staked = "https://relay.example.org";
    r.igd.externalAddress = "198.51.100.20";
    await advance(r, 300_000);
    assert.equal(r.reach.status().addressChange, null);
    assert.deepEqual(r.alerts.recent(), []);
    assert.equal(r.reach.status().proposedUrl, "http://198.51.100.20:8642");
  });
});

test("an address that changed while the engine was off is noticed at the next start", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-reach-"));
  await rig(async (r) => void (await r.reach.configure({ method: "port_mapping" })), { dataDir });
  await rig(
    async (r) => {
      // The first run saved port mapping as the method: this start mapped again by itself.
      assert.equal(r.reach.status().method, "port_mapping");
      assert.equal(r.reach.status().addressChange?.to, "198.51.100.20");
      assert.equal(r.alerts.recent()[0]?.kind, "public_address_changed");
    },
    { dataDir, externalAddress: "198.51.100.20", staked: "http://203.0.113.7:8642" },
  );
});

test("the reachability check says what it proved and leaves the internet to an outside probe (hairpin NAT may hide the public address from inside)", async () => {
  await rig(async (r) => {
    await r.reach.configure({ method: "port_mapping" });
    const check = await r.reach.check();
    const outcome = Object.fromEntries(check.steps.map((s) => [s.id, s.outcome]));
    assert.deepEqual(outcome, { relay_local: "proven", mapping: "proven", public_from_here: "not_proven", outside: "not_proven" });
    assert.deepEqual(r.probed, ["http://127.0.0.1:8642", "http://203.0.113.7:8642"]);
    assert.match(check.steps.find((s) => s.id === "mapping")!.detail, /holds TCP 8642 → 127\.0\.0\.1:8642.*renewed just now/);
    assert.match(check.steps.find((s) => s.id === "public_from_here")!.detail, /hairpin NAT.*neither shows the port is open nor that it is closed/);
    assert.match(check.steps.find((s) => s.id === "outside")!.detail, /Only a request from outside your network proves/);
    assert.match(check.summary, /Proven: the relay miner answers on this machine and the router holds the mapping\. Not proven: that http:\/\/203\.0\.113\.7:8642 reaches it/);
    assert.deepEqual(r.reach.status().lastCheck, check);

    r.set.answers = answered;
    const hairpin = await r.reach.check();
    assert.equal(hairpin.steps.find((s) => s.id === "public_from_here")?.outcome, "proven");
    assert.equal(hairpin.steps.find((s) => s.id === "outside")?.outcome, "not_proven");
    assert.match(hairpin.summary, /Proven from this machine: the relay miner answers at http:\/\/203\.0\.113\.7:8642\. Only an outside probe can prove/);

    r.set.answers = refused;
    const down = await r.reach.check();
    assert.equal(down.steps[0]?.outcome, "failed");
    assert.match(down.summary, /does not answer on this machine/);
  });
});

test("a probe that cannot run (no operator key yet) is a failed step with the reason, not a failed check", async () => {
  await rig(async (r) => {
    r.set.answers = () => {
      throw new ApiError("conflict", "There is no operator account yet: create or import one on the Wallet page.");
    };
    const check = await r.reach.check();
    assert.equal(check.steps[0]?.outcome, "failed");
    assert.match(check.steps[0]?.detail ?? "", /no operator account yet/);
  });
});

test("the router going away raises an alert that the port is no longer forwarded; mapping again settles it", async () => {
  await rig(async (r) => {
    await r.reach.configure({ method: "port_mapping" });
    r.igd.refuseWith = 501;
    r.igd.reboot();
    await advance(r, 300_000);
    assert.equal(r.reach.status().mapping?.state, "failed");
    assert.equal(r.alerts.recent()[0]?.kind, "port_mapping_lost");
    r.igd.refuseWith = null;
    await advance(r, 30_000);
    assert.equal(r.reach.status().mapping?.state, "mapped");
  });
});

test("tunnel: the URL is checked with the signed test relay and proposed only once this relay miner answered through it; choosing it removes a mapping", async () => {
  await rig(async (r) => {
    await r.reach.configure({ method: "port_mapping" });
    assert.equal(r.igd.live().length, 1);
    const failing = await r.reach.configure({ method: "tunnel", tunnelUrl: "https://relay.example.org/" });
    assert.deepEqual(r.igd.live(), []);
    assert.equal(failing.tunnelUrl, "https://relay.example.org");
    assert.equal(failing.proposedUrl, null);
    assert.equal(failing.lastCheck?.steps.find((s) => s.id === "tunnel")?.outcome, "failed");
    assert.match(failing.lastCheck?.steps.find((s) => s.id === "tunnel")?.detail ?? "", /ECONNREFUSED.*tunnel \(cloudflared, frp\) runs and forwards to http:\/\/127\.0\.0\.1:8642/);
    r.set.answers = answered;
    const working = await r.reach.configure({ method: "tunnel", tunnelUrl: "https://relay.example.org" });
    assert.equal(working.proposedUrl, "https://relay.example.org");
    assert.equal(working.lastCheck?.steps.find((s) => s.id === "tunnel")?.outcome, "proven");
    assert.ok(r.probed.includes("https://relay.example.org"));
  });
});

test("reach.configure asks for the passphrase and opens the relay listener before mapping, and on localnet refuses before either", async () => {
  await rig(
    async (r) => {
      const asked: string[] = [];
      const handlers = createReachHandlers(r.reach, {
        confirmOpening: async (passphrase) => {
          asked.push(`passphrase:${passphrase}`);
          if (passphrase !== "right") throw new ApiError("wrong_passphrase", "wrong");
        },
        openRelayListener: async () => void asked.push("open"),
      });
      const context = { transport: "internal" } as never;
      await assert.rejects(async () => handlers["reach.configure"]({ method: "port_mapping" }, context), /Nothing to map on the local test network/);
      assert.deepEqual(asked, []);
      r.set.network = "mainnet";
      await assert.rejects(async () => handlers["reach.configure"]({ method: "port_mapping", passphrase: "wrong" }, context), /wrong/);
      assert.deepEqual(r.igd.live(), []);
      const status = await handlers["reach.configure"]({ method: "port_mapping", passphrase: "right" }, context);
      assert.deepEqual(asked, ["passphrase:wrong", "passphrase:right", "open"]);
      assert.equal(status.mapping?.state, "mapped");
    },
    { network: "localnet" },
  );
});

test("staking proposes the reachability URL off localnet, and the relay miner's own address on localnet", () => {
  const staking = (network: "localnet" | "mainnet") =>
    new StakingService({
      dataDir: mkdtempSync(join(tmpdir(), "pf-reach-staking-")),
      chain: { client: undefined, networkName: network },
      wallet: { operatorAddress: null, owner: () => null, directSigner: () => { throw new Error("no keys"); } },
      miner: { status: () => ({}) as never, metricsSnapshot: () => ({}) as never, startMining: async () => ({}) as never, stopMining: async () => ({}) as never },
      serveService: () => {},
      listenUrl: () => "http://127.0.0.1:8642",
      emit: () => {},
      proposedEndpoint: () => "http://203.0.113.7:8642",
      logger: silentLogger,
    });
  assert.equal(staking("mainnet").endpoint().suggestedUrl, "http://203.0.113.7:8642");
  assert.equal(staking("localnet").endpoint().suggestedUrl, "http://127.0.0.1:8642");
});
