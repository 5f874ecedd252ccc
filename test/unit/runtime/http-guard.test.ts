import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { once } from "node:events";
import { createServer } from "node:http";
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { boundServer, decodeComponent, guardedListener, isOwnOrigin, originFormUrl, requestUrl, serverOptions } from "../../../electron/core/runtime/http-guard.js";
import { installLastResortHandlers } from "../../../electron/core/runtime/last-resort.js";
import { LogSink } from "../../../electron/core/runtime/logger.js";
import { sendRaw } from "../../fixtures/security/malformed-input.js";

test("parsers answer null for what URL and decodeURIComponent would throw on", () => {
  assert.equal(requestUrl({ url: "//[" }), null);
  assert.equal(requestUrl({ url: "/v1/models?x=1" })!.pathname, "/v1/models");
  assert.equal(decodeComponent("%E0%A4%A"), null);
  assert.equal(decodeComponent("caf%C3%A9"), "café");
  assert.equal(isOwnOrigin("http://[", "127.0.0.1:8640", false), false);
  assert.equal(isOwnOrigin("null", "127.0.0.1:8640", false), false);
  assert.equal(isOwnOrigin("file:///etc", "127.0.0.1:8640", false), false);
  assert.equal(isOwnOrigin("http://127.0.0.1:8640", "127.0.0.1:8640", false), true);
});

test("originFormUrl takes a path only: absolute-form and authority-form targets are null, and // starts a path, not a host", () => {
  const url = originFormUrl({ url: "/ipfs/bafy?format=raw" })!;
  assert.equal(url.pathname, "/ipfs/bafy");
  assert.equal(url.searchParams.get("format"), "raw");
  for (const target of ["http://other.example/ipfs/bafy", "HTTP://127.0.0.1:8644/ipfs/bafy", "https://other.example/", "other.example:443", "*", ""]) {
    assert.equal(originFormUrl({ url: target }), null, target);
  }
  assert.equal(originFormUrl({ url: "//other.example/ipfs/bafy" })!.pathname, "//other.example/ipfs/bafy");
  assert.equal(originFormUrl({ url: "//other.example/ipfs/bafy" })!.host, "localhost");
});

test("an Origin is the listener's own only with its scheme and its Host", () => {
  assert.equal(isOwnOrigin("https://127.0.0.1:8640", "127.0.0.1:8640", false), false, "an https page is another origin than an http listener");
  assert.equal(isOwnOrigin("http://192.168.1.5:8640", "192.168.1.5:8640", true), false, "an http page is another origin than the https dashboard");
  assert.equal(isOwnOrigin("https://192.168.1.5:8640", "192.168.1.5:8640", true), true);
  assert.equal(isOwnOrigin("http://127.0.0.1:8641", "127.0.0.1:8640", false), false, "another port");
  assert.equal(isOwnOrigin("http://127.0.0.1:8640", undefined, false), false, "no Host");
});

test("a handler that throws or rejects costs one 500 reply, logged; the server keeps serving", async () => {
  const logs = new LogSink({ dir: null });
  let calls = 0;
  const server = createServer(
    serverOptions(),
    guardedListener((req, res) => {
      calls++;
      if (req.url === "/sync") throw new Error("boom");
      if (req.url === "/async") return Promise.reject(new Error("later boom"));
      res.end("ok");
    }, logs.logger("t"), "test listener"),
  );
  boundServer(server, logs.logger("t"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    assert.equal((await fetch(`${base}/sync`)).status, 500);
    assert.equal((await fetch(`${base}/async`)).status, 500);
    assert.equal(await (await fetch(`${base}/fine`)).text(), "ok");
    assert.equal(calls, 3);
    const errors = logs.tail(10, "error").map((e) => e.message);
    assert.deepEqual(errors, ["test listener: a request failed unexpectedly", "test listener: a request failed unexpectedly"]);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("a request Node's parser refuses gets 400 and the bounds are applied", async () => {
  const logs = new LogSink({ dir: null });
  const server = createServer(serverOptions({ maxHeaderBytes: 1024 }), (_req, res) => res.end("ok"));
  boundServer(server, logs.logger("t"), { headersTimeoutMs: 5_000, maxConnections: 7 });
  assert.equal(server.headersTimeout, 5_000);
  assert.equal(server.maxConnections, 7);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const junk = await sendRaw(port, [Buffer.from("GET / HTTP/1.1\r\nBad Header\r\n\r\n")]);
    assert.match(junk.toString("latin1"), /^HTTP\/1\.1 400 Bad Request/);
    const tooLarge = await sendRaw(port, [Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nCookie: ${"c".repeat(4096)}\r\n\r\n`)]);
    assert.match(tooLarge.toString("latin1"), /^HTTP\/1\.1 4(00|31)/);
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), "ok");
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("the last resort logs an escaped error and rejection, and can be removed", () => {
  const logs = new LogSink({ dir: null });
  const fakeProcess = new EventEmitter() as unknown as NodeJS.Process;
  const remove = installLastResortHandlers(logs.logger("process"), fakeProcess);
  (fakeProcess as unknown as EventEmitter).emit("uncaughtException", new Error("escaped"));
  (fakeProcess as unknown as EventEmitter).emit("unhandledRejection", new Error("rejected"));
  const messages = logs.tail(10, "error").map((e) => e.message);
  assert.deepEqual(messages, [
    "an error escaped every handler; the engine keeps running",
    "a promise rejection escaped every handler; the engine keeps running",
  ]);
  remove();
  assert.equal(fakeProcess.listenerCount("uncaughtException"), 0);
  assert.equal(fakeProcess.listenerCount("unhandledRejection"), 0);
});

test("idle half-open connections are closed after the header timeout and free their place under the connection cap", { timeout: 20_000 }, async () => {
  const logs = new LogSink({ dir: null });
  const server = createServer({ ...serverOptions(), connectionsCheckingInterval: 50 }, (_req, res) => res.end("ok"));
  boundServer(server, logs.logger("t"), { headersTimeoutMs: 200, maxConnections: 3 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    // Sockets that send nothing and never close their side: only the server can end them.
    const idle = await Promise.all(
      Array.from({ length: 3 }, () => new Promise<Socket>((resolve) => {
        const socket = connect({ host: "127.0.0.1", port, allowHalfOpen: true }, () => resolve(socket));
        socket.on("error", () => undefined);
        socket.resume();
      })),
    );
    // The server ends its side (the client stays half-open) and must drop the socket itself.
    await Promise.all(idle.map((socket) => once(socket, "end")));
    const open = () => new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
    while ((await open()) > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const socket of idle) socket.destroy();
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), "ok", "the cap has room again");
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
