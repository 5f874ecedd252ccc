// The `_pocketforge._tcp` announcement's TXT record with the fleet keys: what a fleet listener adds (an inference
// node's, or a front node's with `role=front`), how a browser reads it back, and the records it refuses.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { announcementPort, announcementTxt, parseFleetService, parsePort, parseService } from "../../../electron/core/models/sharing/mdns.js";

const gateway = { port: 8644, indexPath: "/pocketforge/v1/index", revision: 3 };
const referer = { address: "192.168.1.20", family: "IPv4" as const, port: 5353, size: 300 };

describe("the fleet key of the announcement", () => {
  test("a fleet listener alone: TXT v, id, fleet; the SRV port is the fleet port; no gateway is read from it", () => {
    const a = { id: "abcDEF123_-", name: "rig-3", gateway: null, fleet: { port: 8650, role: "node" as const } };
    const txt = announcementTxt(a);
    assert.deepEqual(txt, { v: "1", id: "abcDEF123_-", fleet: "8650" });
    assert.equal(announcementPort(a), 8650);
    const service = { name: "rig-3 (abcDEF)", port: 8650, addresses: ["fe80::1", "10.0.0.7", "192.168.1.20"], txt, referer };
    assert.deepEqual(parseFleetService(service), { id: "abcDEF123_-", role: "node", name: "rig-3 (abcDEF)", url: "https://192.168.1.20:8650" });
    assert.equal(parseService(service), null, "no index: not a model gateway, as builds without the fleet key read it too");
  });

  test("gateway and fleet listener together: the SRV port is the gateway's, each part reads back", () => {
    const a = { id: "abcDEF123_-", name: "rig-3", gateway, fleet: { port: 8650, role: "node" as const } };
    const txt = announcementTxt(a);
    assert.deepEqual(txt, { v: "1", id: "abcDEF123_-", idx: "/pocketforge/v1/index", rev: "3", fleet: "8650" });
    assert.equal(announcementPort(a), 8644);
    const service = { name: "rig-3 (abcDEF)", port: 8644, addresses: ["192.168.1.20"], txt, referer };
    assert.equal(parseService(service)?.url, "http://192.168.1.20:8644");
    assert.equal(parseFleetService(service)?.url, "https://192.168.1.20:8650");
  });

  test("a front node's listener says role=front and reads back as a front node; an inference node's has no role key", () => {
    const a = { id: "frontID_1234", name: "front", gateway: null, fleet: { port: 8644, role: "front" as const } };
    const txt = announcementTxt(a);
    assert.deepEqual(txt, { v: "1", id: "frontID_1234", fleet: "8644", role: "front" });
    const service = { name: "front (frontI)", port: 8644, addresses: ["192.168.1.5"], txt, referer: undefined };
    assert.deepEqual(parseFleetService(service), { id: "frontID_1234", role: "front", name: "front (frontI)", url: "https://192.168.1.5:8644" });
    assert.equal(parseFleetService({ ...service, txt: { ...txt, role: "node" } }), null, "role=node is not a value this build writes");
    assert.equal(parseFleetService({ ...service, txt: { ...txt, role: "FRONT" } }), null);
    assert.equal(parseFleetService({ ...service, txt: { ...txt, role: "" } }), null);
    assert.equal(parseFleetService({ ...service, txt: { ...txt, role: Buffer.from("front") } })?.role, "front", "a TXT value as bytes");
  });

  test("a gateway alone has no fleet key and is no fleet node; nothing offered is no announcement", () => {
    const txt = announcementTxt({ id: "abcDEF123_-", name: "rig-3", gateway });
    assert.deepEqual(txt, { v: "1", id: "abcDEF123_-", idx: "/pocketforge/v1/index", rev: "3" });
    assert.equal(parseFleetService({ name: "rig-3", port: 8644, addresses: ["192.168.1.20"], txt, referer }), null);
    assert.equal(announcementPort({ id: "abcDEF123_-", name: "rig-3" }), null);
  });

  test("hostile or malformed fleet values are refused", () => {
    const base = { name: "x", port: 8650, addresses: ["192.168.1.20"], referer: undefined };
    const txt = { v: "1", id: "abcDEF123_-", fleet: "8650" };
    assert.equal(parseFleetService({ ...base, txt })?.url, "https://192.168.1.20:8650");
    for (const fleet of ["", "0", "65536", "99999", "08650", "+8650", "-1", "8650x", " 8650", "8650 ", "1e3", "0x21c6", "86.5", "8650/evil", "@evil:8650", "123456"]) {
      assert.equal(parseFleetService({ ...base, port: 8650, txt: { ...txt, fleet } }), null, `fleet=${JSON.stringify(fleet)}`);
    }
    assert.equal(parseFleetService({ ...base, txt: { ...txt, fleet: Buffer.from("8650") } })?.url, "https://192.168.1.20:8650", "a TXT value as bytes");
    assert.equal(parseFleetService({ ...base, txt: { ...txt, fleet: 8650 } }), null, "not a string");
    assert.equal(parseFleetService({ ...base, txt: { ...txt, v: "2" } }), null, "a version this build does not read");
    assert.equal(parseFleetService({ ...base, txt: { ...txt, id: "../../x" } }), null);
    assert.equal(parseFleetService({ ...base, txt: { fleet: "8650" } }), null, "no version or id: some other _pocketforge service");
    assert.equal(parseFleetService({ ...base, port: 9999, txt }), null, "a fleet-only record whose SRV port is another port");
    assert.equal(parseFleetService({ ...base, txt, addresses: ["fe80::1", "169.254.3.3"] }), null, "no routable IPv4 address");
    assert.equal(
      parseFleetService({ ...base, txt, referer: { address: "10.9.9.9", family: "IPv4", port: 5353, size: 1 } })?.url,
      "https://192.168.1.20:8650",
      "a referer not among its addresses is not trusted",
    );
  });

  test("ports: decimal 1-65535, nothing else", () => {
    assert.equal(parsePort("1"), 1);
    assert.equal(parsePort("65535"), 65535);
    assert.equal(parsePort("65536"), null);
    assert.equal(parsePort("0"), null);
    assert.equal(parsePort(null), null);
  });
});
