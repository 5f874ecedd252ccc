// The embedded localnet's CometBFT RPC on 127.0.0.1 pays out of a faucet and has no credential, so a web page must not
// reach it: a DNS-rebinding Host gets 421 and a foreign Origin 403, over HTTP and on the WebSocket upgrade. Whoever
// does reach it (any local program) gets at most 100,000 POKT a request, 1,000,000 per address an hour, and
// 10,000,000 in all an hour, and restarting the localnet does not reset that.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { localnetGenesis } from "../../electron/core/localnet/config.js";
import { DEFAULT_FAUCET_LIMITS } from "../../electron/core/localnet/faucet-allowance.js";
import { Localnet } from "../../electron/core/localnet/localnet.js";
import { sendRaw, webSocketHandshake } from "../fixtures/security/malformed-input.js";
import { testAccount } from "../fixtures/localnet-harness.js";

const POKT = 1_000_000n;

describe("localnet RPC", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-localnet-rpc-security-"));
  let clock = 1_700_000_000_000;
  const localnet = new Localnet({ dataDir, blockTimeMs: 25, genesis: localnetGenesis({}), now: () => clock });
  let port = 0;
  before(async () => {
    await localnet.start();
    port = Number(new URL(localnet.rpcUrl).port);
  });
  after(async () => {
    await localnet.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const statusLine = (reply: Buffer) => reply.toString("latin1").split("\r\n")[0];

  test("a Host it does not answer to gets 421, a web page's Origin 403, before the method runs", async () => {
    const faucetCall = '{"jsonrpc":"2.0","id":1,"method":"faucet","params":{"address":"pokt1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq","amount":"1"}}';
    const post = (headers: string) =>
      sendRaw(port, [Buffer.from(`POST / HTTP/1.1\r\n${headers}\r\nContent-Type: application/json\r\nContent-Length: ${faucetCall.length}\r\n\r\n${faucetCall}`)]);
    for (const host of [`evil.example:${port}`, `127.0.0.1:${port}#.evil`, `2130706433:${port}`, `127.1:${port}`, `localhost:${port + 1}`, "127.0.0.1"]) {
      assert.equal(statusLine(await post(`Host: ${host}`)), "HTTP/1.1 421 Misdirected Request", `Host ${host}`);
    }
    for (const origin of ["http://evil.example", `http://evil.example:${port}`, "null"]) {
      assert.equal(statusLine(await post(`Host: 127.0.0.1:${port}\r\nOrigin: ${origin}`)), "HTTP/1.1 403 Forbidden", `Origin ${origin}`);
    }
    const get = await sendRaw(port, [Buffer.from(`GET /status HTTP/1.1\r\nHost: rebound.evil.example:${port}\r\n\r\n`)]);
    assert.equal(statusLine(get), "HTTP/1.1 421 Misdirected Request");
    assert.doesNotMatch(get.toString("latin1"), /node_info/, "nothing of the chain is answered");

    // The node's own names, and its own origin, are answered.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      assert.match(statusLine(await sendRaw(port, [Buffer.from(`GET /health HTTP/1.1\r\nHost: ${host}\r\n\r\n`)])), /^HTTP\/1\.1 200 /, host);
    }
    const same = await sendRaw(port, [Buffer.from(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`)]);
    assert.match(statusLine(same), /^HTTP\/1\.1 200 /);
  });

  test("the WebSocket upgrade checks Host and Origin the same way", async () => {
    const upgrade = (host: string, headers: Record<string, string> = {}) => sendRaw(port, [webSocketHandshake("/websocket", host, headers)], 500);
    assert.equal(statusLine(await upgrade(`evil.example:${port}`)), "HTTP/1.1 421 Misdirected Request");
    assert.equal(statusLine(await upgrade(`127.0.0.1:${port}`, { Origin: "http://evil.example" })), "HTTP/1.1 403 Forbidden");
    const ws = new WebSocket(`ws://127.0.0.1:${port}/websocket`);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    const reply = new Promise<{ result?: unknown }>((resolve) => ws.once("message", (data) => resolve(JSON.parse(String(data)))));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query: "tm.event='NewBlock'" } }));
    assert.deepEqual((await reply).result, {});
    ws.close();
  });

  test("the faucet pays at most 100,000 POKT a request and 1,000,000 POKT an address an hour", async () => {
    const call = async (address: string, amount: bigint) => {
      const response = await fetch(localnet.rpcUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "faucet", params: { address, amount: amount.toString() } }),
      });
      return (await response.json()) as { result?: { height: string }; error?: { code: number; data: string } };
    };
    assert.equal(DEFAULT_FAUCET_LIMITS.maxPerRequestUpokt, 100_000n * POKT);
    const { address } = await testAccount("faucet-greedy");
    const huge = await call(address, 1_000_000_000n * POKT);
    assert.equal(huge.error?.code, -32602);
    assert.match(huge.error?.data ?? "", /at most 100,000 POKT per request/);
    assert.equal(localnet.chain.app.bank.balance(address), 0n, "nothing was paid");

    const paid = await Promise.all(Array.from({ length: 10 }, () => call(address, 100_000n * POKT)));
    assert.ok(paid.every((reply) => reply.result !== undefined), JSON.stringify(paid.find((reply) => reply.error)));
    assert.equal(localnet.chain.app.bank.balance(address), 1_000_000n * POKT);
    const more = await call(address, 1n);
    assert.match(more.error?.data ?? "", /received 1,000,000 POKT from the faucet in the last 60 min; .* Try again in 60 min/);
    assert.equal(localnet.chain.app.bank.balance(address), 1_000_000n * POKT);

    // Another address is still paid, and an hour later the first one is too.
    const other = await testAccount("faucet-modest");
    assert.ok((await call(other.address, 1_000n * POKT)).result);
    clock += 60 * 60 * 1000;
    assert.ok((await call(address, 1_000n * POKT)).result);
  });

  test("everyone together gets at most 10,000,000 POKT an hour", async () => {
    clock += 60 * 60 * 1000;
    const accounts = await Promise.all(Array.from({ length: 11 }, (_, i) => testAccount(`faucet-crowd-${i}`)));
    const pay = (address: string) => localnet.faucet(address, 100_000n * POKT);
    // Ten addresses take 1,000,000 POKT each: the hour's limit.
    await Promise.all(accounts.slice(0, 10).flatMap((account) => Array.from({ length: 10 }, () => pay(account.address))));
    await assert.rejects(pay(accounts[10]!.address), /paid out 10,000,000 POKT in the last 60 min, its limit for that time/);
    assert.equal(localnet.chain.app.bank.balance(accounts[10]!.address), 0n);
  });

  test("a restart keeps what the faucet paid in the hour: the caps hold across it and end on time", async () => {
    clock += 60 * 60 * 1000;
    const { address } = await testAccount("faucet-restart");
    await Promise.all(Array.from({ length: 10 }, () => localnet.faucet(address, 100_000n * POKT)));
    await localnet.dispose();
    const again = new Localnet({ dataDir, blockTimeMs: 25, genesis: localnetGenesis({}), now: () => clock });
    await again.start();
    try {
      await assert.rejects(again.faucet(address, 1n), /received 1,000,000 POKT from the faucet in the last 60 min; .* Try again in 60 min/);
      clock += 30 * 60 * 1000;
      await assert.rejects(again.faucet(address, 1n), /Try again in 30 min/);
      // Everyone together: 1,000,000 of the hour's 10,000,000 is spent, so 9,000,000 more is the most.
      const crowd = await Promise.all(Array.from({ length: 10 }, (_, i) => testAccount(`faucet-restart-${i}`)));
      await Promise.all(crowd.slice(0, 9).flatMap((account) => Array.from({ length: 10 }, () => again.faucet(account.address, 100_000n * POKT))));
      await assert.rejects(again.faucet(crowd[9]!.address, 1n), /paid out 10,000,000 POKT in the last 60 min/);
      clock += 30 * 60 * 1000;
      await again.faucet(address, 1n);
      assert.equal(again.chain.app.bank.balance(address), 1_000_000n * POKT + 1n);
    } finally {
      await again.dispose();
      await localnet.start();
    }
  });
});
