import { test } from "node:test";
import assert from "node:assert/strict";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import type { ReachStatus } from "../../../shared/api/reach.js";
import { ApiContext } from "../../../renderer/src/api/api-context.js";
import { ReachabilityCard } from "../../../renderer/src/components/settings/ReachabilityCard.js";
import { AddressChangeNotice, AddressChangeOffer } from "../../../renderer/src/components/staking/AddressChangeOffer.js";
import { useStaking } from "../../../renderer/src/stores/staking-store.js";
import { leaseText, reachFacts } from "../../../renderer/src/view-models/reach.js";
import { FakeApi } from "./fake-api.js";

const NOW = 1_700_000_000_000;

function render(element: ReactElement): string {
  return renderToStaticMarkup(<ApiContext.Provider value={new FakeApi()}>{element}</ApiContext.Provider>);
}

function status(patch: Partial<ReachStatus> = {}): ReachStatus {
  return {
    method: "port_mapping",
    network: "mainnet",
    applicable: true,
    relayListen: { host: "0.0.0.0", port: 8642 },
    mapping: {
      state: "mapped",
      protocol: "upnp-igd1",
      gateway: "192.168.1.1",
      internalAddress: "192.168.1.20",
      internalPort: 8642,
      externalPort: 8642,
      leaseSeconds: 3600,
      leaseExpiresAt: NOW + 3_000_000,
      renewedAt: NOW - 600_000,
      remaps: 0,
      problem: null,
    },
    externalAddress: "203.0.113.7",
    addressKind: "public",
    nat: null,
    tunnelUrl: null,
    proposedUrl: "http://203.0.113.7:8642",
    addressChange: null,
    lastCheck: null,
    ...patch,
  };
}

function text(html: string): string {
  return html.replace(/<[^>]+>/g, " ").replace(/&gt;/g, ">").replace(/\s+/g, " ");
}

test("the reachability facts name the method, the router and its protocol, the external address, the mapped port and the lease", () => {
  const rows = Object.fromEntries(reachFacts(status(), NOW).map((r) => [r.label, r.value]));
  assert.deepEqual(rows, {
    Method: "Port mapping on the router",
    Router: "UPnP-IGD v1 at 192.168.1.1",
    "External address": "203.0.113.7",
    "Mapped port": "TCP 8642 → 192.168.1.20:8642",
    Lease: "renewed 10 min ago, runs out in 50 min unless renewed (at half its life)",
    "Last check": "never",
  });
  const cgnat = Object.fromEntries(reachFacts(status({ externalAddress: "100.72.1.5", addressKind: "cgnat" }), NOW).map((r) => [r.label, r.value]));
  assert.equal(cgnat["External address"], "100.72.1.5 (carrier-grade NAT)");
  assert.match(leaseText({ ...status().mapping!, leaseSeconds: 0, leaseExpiresAt: null }, NOW), /^permanent/);
  assert.equal(leaseText(null, NOW), "—");
  const tunnel = reachFacts(status({ method: "tunnel", mapping: null, tunnelUrl: "https://relay.example.org" }), NOW).map((r) => r.label);
  assert.deepEqual(tunnel, ["Method", "Tunnel URL", "Last check"]);
});

test("the card shows the endpoint to stake with, NAT advice, and the last check step by step", () => {
  useStaking.setState({ endpoint: { publicUrl: null, listenUrl: "http://0.0.0.0:8642", suggestedUrl: "http://203.0.113.7:8642" } });
  const mapped = text(render(<ReachabilityCard status={status()} />));
  assert.match(mapped, /Endpoint to stake with: http:\/\/203\.0\.113\.7:8642 Use as endpoint/);
  assert.match(mapped, /UPnP-IGD v1 at 192\.168\.1\.1/);
  const doubleNat = text(
    render(
      <ReachabilityCard
        status={status({
          externalAddress: "192.168.0.10",
          addressKind: "private",
          proposedUrl: null,
          nat: { kind: "double_nat", title: "Double NAT: your router is behind another router.", meaning: "Not reachable.", whatToDo: "Bridge mode, or a tunnel." },
          lastCheck: {
            at: NOW,
            method: "port_mapping",
            url: null,
            summary: "Proven: the relay miner answers on this machine.",
            steps: [
              { id: "relay_local", title: "The relay miner answers on this machine", outcome: "proven", detail: "It answered." },
              { id: "outside", title: "Gateways on the internet reach it", outcome: "not_proven", detail: "Only an outside probe." },
            ],
          },
        })}
      />,
    ),
  );
  assert.match(doubleNat, /Double NAT: your router is behind another router\. Not reachable\. Bridge mode, or a tunnel\./);
  assert.doesNotMatch(doubleNat, /Endpoint to stake with/);
  assert.match(doubleNat, /proven The relay miner answers on this machine\. It answered\. not proven Gateways on the internet reach it\. Only an outside probe\./);
});

test("on the local test network the card says there is nothing to map", () => {
  const html = text(render(<ReachabilityCard status={status({ network: "localnet", applicable: false, mapping: null })} />));
  assert.match(html, /nothing to open or map/);
  assert.doesNotMatch(html, /Port mapping/);
});

test("a changed public address offers the stake update with the new endpoint, and says what is left once it is taken", () => {
  const change = { from: "203.0.113.7", to: "198.51.100.20", stakedUrl: "http://203.0.113.7:8642", proposedUrl: "http://198.51.100.20:8642", at: NOW };
  const offer = text(render(<AddressChangeNotice change={change} adopted={false}><button>Use it</button></AddressChangeNotice>));
  assert.match(offer, /Your public address changed: 203\.0\.113\.7 → 198\.51\.100\.20\./);
  assert.match(offer, /still tells gateways http:\/\/203\.0\.113\.7:8642 , which no longer reaches this machine\. Staking again with http:\/\/198\.51\.100\.20:8642 fixes it\. Use it/);
  const taken = text(render(<AddressChangeNotice change={change} adopted={true}><button>Use it</button></AddressChangeNotice>));
  assert.match(taken, /press Update stake below/);
  assert.doesNotMatch(taken, /Use it/);
  // Without a change (the store's state before any), the offer renders nothing.
  assert.equal(render(<AddressChangeOffer />), "");
});
