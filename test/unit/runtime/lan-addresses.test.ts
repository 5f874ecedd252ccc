import assert from "node:assert/strict";
import { networkInterfaces } from "node:os";
import { test } from "node:test";
import { reachableHosts } from "../../../electron/core/runtime/lan-addresses.js";

test("a listener bound to one address is reached at that address (IPv6 bracketed for a URL)", () => {
  assert.deepEqual(reachableHosts("192.168.1.5"), ["192.168.1.5"]);
  assert.deepEqual(reachableHosts("127.0.0.1"), ["127.0.0.1"]);
  assert.deepEqual(reachableHosts("fd00::7"), ["[fd00::7]"]);
});

test("a wildcard is reached at this machine's LAN IPv4 addresses, never at the wildcard, loopback or link-local", () => {
  const lan = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === "IPv4" && !i.internal && !i.address.startsWith("169.254."))
    .map((i) => i!.address);
  for (const wildcard of ["0.0.0.0", "::", ""]) {
    const hosts = reachableHosts(wildcard);
    assert.deepEqual(hosts, lan.length ? lan : ["127.0.0.1"], wildcard);
    assert.ok(!hosts.some((h) => h === "0.0.0.0" || h.startsWith("169.254.")));
  }
});
