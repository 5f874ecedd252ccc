import { test } from "node:test";
import assert from "node:assert/strict";
import { endpointProblem, feeRunway, parsePokt, poktInput, revShareProblem, unbondingCountdown } from "../../../renderer/src/view-models/staking.js";

const A = "pokt1qqqsyqcyq5rqwzqfpg9scrgwpugpzysnvvvx0k";
const B = "pokt1zqqsyqcyq5rqwzqfpg9scrgwpugpzysnxyzs3n";

test("POKT amounts parse exactly into upokt, with at most six decimals", () => {
  assert.deepEqual(parsePokt("1500"), { upokt: 1_500_000_000n });
  assert.deepEqual(parsePokt("1,000.5"), { upokt: 1_000_500_000n });
  assert.deepEqual(parsePokt("0.000001"), { upokt: 1n });
  assert.deepEqual(parsePokt(" 12. "), { upokt: 12_000_000n });
  assert.match((parsePokt("0.0000001") as { error: string }).error, /6 decimals/);
  assert.ok("error" in parsePokt("-5"));
  assert.ok("error" in parsePokt("abc"));
  assert.ok("error" in parsePokt(""));
});

test("upokt turns back into the text a person would type", () => {
  assert.equal(poktInput(1_500_250_000n), "1500.25");
  assert.equal(poktInput("69000000000"), "69000");
  assert.equal(poktInput(1n), "0.000001");
  for (const text of ["1", "0.5", "123456.789012"]) assert.equal(poktInput((parsePokt(text) as { upokt: bigint }).upokt), text);
});

test("rev-share rows must be valid addresses with whole percents adding up to 100", () => {
  assert.equal(revShareProblem([{ address: A, percent: 100 }]), null);
  assert.equal(revShareProblem([{ address: A, percent: 70 }, { address: B, percent: 30 }]), null);
  assert.match(revShareProblem([{ address: A, percent: 70 }, { address: B, percent: 20 }]) ?? "", /add up to 90 %/);
  assert.match(revShareProblem([{ address: A, percent: 50 }, { address: A, percent: 50 }]) ?? "", /twice/);
  assert.match(revShareProblem([{ address: "cosmos1abc", percent: 100 }]) ?? "", /pokt1/);
  assert.match(revShareProblem([{ address: A, percent: 99.5 }]) ?? "", /whole percent/);
  assert.match(revShareProblem([]) ?? "", /At least one/);
});

test("a public endpoint must be a full http(s) URL that the internet can reach", () => {
  assert.equal(endpointProblem("https://relay.example.org", "mainnet"), null);
  assert.equal(endpointProblem("http://203.0.113.7:8642", "beta"), null);
  assert.match(endpointProblem("relay.example.org", "mainnet") ?? "", /full URL/);
  assert.match(endpointProblem("ftp://x.org", "mainnet") ?? "", /http:\/\/ or https:\/\//);
  assert.match(endpointProblem("http://192.168.1.20:8642", "mainnet") ?? "", /only reachable inside your network/);
  assert.equal(endpointProblem("http://127.0.0.1:8642", "localnet"), null);
});

test("the unbonding countdown converts blocks into time and stops at zero", () => {
  assert.deepEqual(unbondingCountdown(1_200, 1_140, 60_000), { blocksLeft: 60, msLeft: 3_600_000, done: false });
  assert.deepEqual(unbondingCountdown(1_200, 1_250, 60_000), { blocksLeft: 0, msLeft: 0, done: true });
});

test("the fee runway counts whole sessions of fees and warns before claims would be skipped", () => {
  assert.deepEqual(feeRunway(1_000n, 10n, 60_000), { sessions: 100, msLeft: 6_000_000, level: "ok" });
  assert.equal(feeRunway(199n, 10n, null).level, "warn");
  assert.equal(feeRunway(199n, 10n, null).sessions, 19);
  assert.equal(feeRunway(9n, 10n, 1000).level, "critical");
  assert.equal(feeRunway(5n, 0n, 1000).level, "ok");
});
