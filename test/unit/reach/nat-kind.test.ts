import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyExternalAddress, natAdvice } from "../../../electron/core/reach/ip-address.js";
import { gatewayFromBsdRoute, gatewayFromProcRoute, gatewayFromWindowsRoute } from "../../../electron/core/reach/default-gateway.js";

test("a router's external address tells public from double NAT (private), carrier-grade NAT (100.64.0.0/10) and no WAN address", () => {
  for (const address of ["203.0.113.7", "8.8.8.8", "100.63.255.255", "100.128.0.0", "172.32.0.1", "192.169.0.1"]) assert.equal(classifyExternalAddress(address), "public", address);
  for (const address of ["10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.1", "169.254.1.1"]) assert.equal(classifyExternalAddress(address), "private", address);
  for (const address of ["100.64.0.0", "100.72.1.5", "100.127.255.255"]) assert.equal(classifyExternalAddress(address), "cgnat", address);
  assert.equal(classifyExternalAddress("0.0.0.0"), "unspecified");
  assert.equal(classifyExternalAddress(""), "unspecified");
  assert.equal(natAdvice("203.0.113.7"), null);
  assert.equal(natAdvice("10.0.0.2")?.kind, "double_nat");
  assert.equal(natAdvice("100.100.0.1")?.kind, "cgnat");
  assert.equal(natAdvice("0.0.0.0")?.kind, "no_wan_address");
});

test("the default gateway is read from each OS's routing table", () => {
  const proc = [
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
    "eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
    "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0",
  ].join("\n");
  assert.equal(gatewayFromProcRoute(proc), "192.168.1.1");
  assert.equal(gatewayFromProcRoute(proc.split("\n").slice(0, 2).join("\n")), null);
  assert.equal(gatewayFromBsdRoute("   route to: default\ndestination: default\n       mask: default\n    gateway: 10.0.0.1\n  interface: en0\n"), "10.0.0.1");
  assert.equal(gatewayFromWindowsRoute("Active Routes:\nNetwork Destination        Netmask          Gateway       Interface  Metric\n          0.0.0.0          0.0.0.0      192.168.0.1    192.168.0.23     25\n"), "192.168.0.1");
});
