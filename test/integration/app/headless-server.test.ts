import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { get as httpsGet } from "node:https";
import type { TLSSocket } from "node:tls";
import WebSocket from "ws";
import { ApiRouter, type ApiHandlers } from "../../../electron/core/runtime/api-router.js";
import { EventBus } from "../../../electron/core/runtime/events.js";
import { createAppHandlers } from "../../../electron/core/app/handlers/app-handlers.js";
import { DashboardAccess, SESSION_COOKIE } from "../../../electron/core/app/dashboard-access.js";
import { HeadlessServer } from "../../../electron/core/app/headless-server.js";
import { sendRaw } from "../../fixtures/security/malformed-input.js";
import { LogSink } from "../../../electron/core/runtime/logger.js";
import { UNAUTHORIZED_CLOSE_CODE, WS_PATH, type ServerFrame } from "../../../shared/api/index.js";

function fixture() {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-headless-"));
  const rendererDir = join(dataDir, "renderer");
  mkdirSync(join(rendererDir, "assets"), { recursive: true });
  writeFileSync(join(rendererDir, "index.html"), "<!doctype html><title>PocketForge</title>");
  writeFileSync(join(rendererDir, "assets", "app.js"), "console.log('hi')");
  writeFileSync(join(dataDir, "secret.txt"), "do not serve");
  const events = new EventBus();
  const logs = new LogSink({ dir: null });
  const handlers = createAppHandlers({
    info: () => ({ name: "PocketForge", version: "9.9.9", apiVersion: 1, platform: "linux", arch: "x64", dataDir, network: "localnet", startedAt: 1 }),
    logs,
  }) as unknown as ApiHandlers; // only the app.* methods are exercised here
  const router = new ApiRouter(handlers, logs.logger());
  return { dataDir, rendererDir, events, logs, router };
}

/** Opens a socket and collects every frame it receives. */
async function connect(url: string, headers: Record<string, string> = {}, tls: { ca?: string; servername?: string } = {}) {
  const ws = new WebSocket(url, { headers, ...tls });
  const frames: ServerFrame[] = [];
  const waiters: Array<() => void> = [];
  ws.on("message", (data) => {
    frames.push(JSON.parse(String(data)));
    waiters.splice(0).forEach((w) => w());
  });
  const nextFrame = async (predicate: (f: ServerFrame) => boolean): Promise<ServerFrame> => {
    for (;;) {
      const found = frames.find(predicate);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { ws, frames, nextFrame };
}

describe("headless server on loopback", () => {
  const f = fixture();
  const server = new HeadlessServer({ host: "127.0.0.1", port: 0, dataDir: f.dataDir, rendererDir: f.rendererDir, router: f.router, events: f.events, logger: f.logs.logger() });
  let base: string;
  before(async () => {
    await server.start();
    base = server.url;
  });
  after(() => server.dispose());

  test("prints no token on loopback and serves the renderer with a strict CSP and an HttpOnly same-site session", async () => {
    assert.doesNotMatch(base, /token=/);
    const page = await fetch(base);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /PocketForge/);
    const csp = page.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const setCookie = page.headers.get("set-cookie")!;
    assert.match(setCookie, new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/$`));
    assert.ok(!setCookie.includes(server.token.value), "the cookie is a session of this run, not the access token");
    const asset = await fetch(new URL("assets/app.js", base));
    assert.equal(asset.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(asset.headers.get("set-cookie"), null, "assets carry no session");
    // Client-side routes fall back to the app; missing assets do not.
    assert.equal((await fetch(new URL("dashboard", base))).status, 200);
    assert.equal((await fetch(new URL("assets/missing.js", base))).status, 404);
  });

  test("a DNS-rebinding page is refused: any host name the engine does not answer to gets 421, cookie or not", async () => {
    const port = Number(new URL(base).port);
    for (const host of [`evil.example:${port}`, `localhost.evil.example:${port}`, `127.0.0.1:${port + 1}`, "", `user@127.0.0.1:${port}`]) {
      const page = await sendRaw(port, [Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`)]);
      assert.match(page.toString("latin1"), /^HTTP\/1\.1 (421|400) /, `Host "${host}"`);
      assert.doesNotMatch(page.toString("latin1"), /Set-Cookie/i);
    }
    const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}?token=${server.token.value}`, {
      headers: { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}`, Cookie: `${SESSION_COOKIE}=${server.token.value}` },
    });
    const [error] = await once(ws, "error");
    assert.match(String(error.message), /421/);
    for (const name of ["localhost", "127.0.0.1", "[::1]"]) {
      assert.ok(new DashboardAccess(server.token, "127.0.0.1").answersTo(`${name}:${port}`, port), name);
    }
  });

  test("an API connection without the session cookie or the token is closed with the unauthorized code", async () => {
    for (const [query, cookie] of [["", "forged"], ["?token=wrong-token-wrong-token-wrong-token", "forged"], ["", server.token.value]]) {
      // The access token is not a session: sent as the cookie it is refused too.
      const ws = new WebSocket(base.replace("http", "ws").replace(/\/$/, WS_PATH) + query, { headers: { Cookie: `${SESSION_COOKIE}=${cookie}` } });
      const [code] = await once(ws, "close");
      assert.equal(code, UNAUTHORIZED_CLOSE_CODE, `query "${query}"`);
    }
  });

  test("never serves files outside the renderer folder", async () => {
    for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt"]) {
      const response = await fetch(base.replace(/\/$/, "") + path);
      assert.notEqual(await response.text(), "do not serve", path);
    }
  });

  test("answers API calls and pushes events over the WebSocket, for the page's session cookie", async () => {
    const cookie = (await fetch(base)).headers.get("set-cookie")!.split(";")[0]!;
    const { ws, nextFrame } = await connect(base.replace("http", "ws").replace(/\/$/, WS_PATH), { Cookie: cookie, Origin: base.replace(/\/$/, "") });
    const hello = await nextFrame((fr) => fr.type === "hello");
    assert.deepEqual(hello, { type: "hello", apiVersion: 1 });
    ws.send(JSON.stringify({ type: "call", id: 7, method: "app.info", params: {} }));
    const result = await nextFrame((fr) => fr.type === "result" && fr.id === 7);
    assert.equal((result as any).result.version, "9.9.9");
    assert.equal((result as any).result.transport, "websocket");

    ws.send(JSON.stringify({ type: "call", id: 8, method: "logs.tail", params: { limit: -1 } }));
    const error = await nextFrame((fr) => fr.type === "error" && fr.id === 8);
    assert.equal((error as any).error.code, "invalid_params");
    assert.match((error as any).error.message, /limit/);

    f.events.emit("inference.token", { requestId: "r", delta: "Once" });
    const event = await nextFrame((fr) => fr.type === "event");
    assert.deepEqual(event, { type: "event", event: "inference.token", payload: { requestId: "r", delta: "Once" } });
    ws.close();
  });

  test("refuses WebSocket connections from other origins", async () => {
    const ws = new WebSocket(base.replace("http", "ws").replace(/\/$/, WS_PATH), { headers: { Origin: "https://evil.example" } });
    const [error] = await once(ws, "error");
    assert.match(String(error.message), /403/);
  });
});

describe("headless server on a LAN address", () => {
  const f = fixture();
  // 0.0.0.0 is not loopback, so HTTPS and a token are required; the test still connects over 127.0.0.1.
  const server = new HeadlessServer({ host: "0.0.0.0", port: 0, dataDir: f.dataDir, rendererDir: f.rendererDir, router: f.router, events: f.events, logger: f.logs.logger() });
  let port: number;
  before(async () => {
    await server.start();
    port = Number(new URL(server.url).port);
  });
  after(() => server.dispose());

  /** GET over HTTPS trusting only the server's own certificate; returns the status, the cookie and the peer's fingerprint. */
  function get(path: string): Promise<{ status: number; cookie: string | null; fingerprint: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsGet(`https://127.0.0.1:${port}${path}`, { ca: server.tls!.cert, servername: "localhost" }, (res) => {
        res.resume();
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        res.on("end", () => resolve({ status: res.statusCode!, cookie: (res.headers["set-cookie"] ?? [null])[0], fingerprint }));
      });
      req.on("error", reject);
    });
  }

  test("serves HTTPS with a self-signed certificate kept 0600, whose fingerprint is the one served; plain HTTP gets nothing", async () => {
    assert.match(server.url, /^https:\/\//);
    assert.equal(server.tls!.source, "generated");
    assert.equal(statSync(join(f.dataDir, "tls", "self-signed-key.pem")).mode & 0o777, 0o600);
    const page = await get("/");
    assert.equal(page.status, 200);
    assert.equal(page.fingerprint, server.tls!.fingerprint256);
    const plain = await sendRaw(port, [Buffer.from("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")]);
    assert.doesNotMatch(plain.toString("latin1"), /PocketForge|Set-Cookie/);
    const again = new HeadlessServer({ host: "0.0.0.0", port: 0, dataDir: f.dataDir, rendererDir: f.rendererDir, router: f.router, events: f.events, logger: f.logs.logger() });
    await again.start();
    assert.equal(again.tls!.fingerprint256, server.tls!.fingerprint256, "the same certificate after a restart");
    await again.dispose();
  });

  test("generates a token, stores it 0600 and puts it in the printed URL", () => {
    assert.match(server.url, new RegExp(`\\?token=${server.token!.value}$`));
    assert.equal(statSync(join(f.dataDir, "access-token")).mode & 0o777, 0o600);
  });

  test("closes connections without the token with the unauthorized code, accepts the right one", async () => {
    for (const query of ["", "?token=wrong-token-wrong-token-wrong-token"]) {
      const ws = new WebSocket(`wss://127.0.0.1:${port}${WS_PATH}${query}`, { ca: server.tls!.cert, servername: "localhost" } as WebSocket.ClientOptions);
      const [code] = await once(ws, "close");
      assert.equal(code, UNAUTHORIZED_CLOSE_CODE, `query "${query}"`);
    }
    const { ws, nextFrame } = await connect(`wss://127.0.0.1:${port}${WS_PATH}?token=${server.token!.value}`, {}, { ca: server.tls!.cert, servername: "localhost" });
    await nextFrame((fr) => fr.type === "hello");
    ws.send(JSON.stringify({ type: "call", id: 1, method: "app.info", params: {} }));
    assert.equal(((await nextFrame((fr) => fr.type === "result")) as any).result.network, "localnet");
    ws.close();
  });

  test("the page gets the session only with the printed URL's token; address literals are answered, other names are not", async () => {
    assert.equal((await get("/")).cookie, null);
    const cookie = (await get(`/?token=${server.token.value}`)).cookie;
    assert.match(cookie ?? "", new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/; Secure$`));
    assert.ok(!cookie!.includes(server.token.value));
    const { ws, nextFrame } = await connect(`wss://127.0.0.1:${port}${WS_PATH}`, { Cookie: cookie!.split(";")[0]! }, { ca: server.tls!.cert, servername: "localhost" });
    assert.deepEqual(await nextFrame((fr) => fr.type === "hello"), { type: "hello", apiVersion: 1 });
    ws.close();
    const access = new DashboardAccess(server.token, "0.0.0.0", "rig-7");
    for (const host of [`192.168.1.20:${port}`, `[fe80::1]:${port}`, `rig-7:${port}`, `rig-7.local:${port}`]) assert.ok(access.answersTo(host, port), host);
    for (const host of [`evil.example:${port}`, `rig-8.local:${port}`, `192.168.1.20:${port + 1}`]) assert.ok(!access.answersTo(host, port), host);
  });

  test("keeps the same token across restarts", async () => {
    const again = new HeadlessServer({ host: "0.0.0.0", port: 0, dataDir: f.dataDir, rendererDir: f.rendererDir, router: f.router, events: f.events, logger: f.logs.logger() });
    assert.equal(again.token.value, server.token.value);
  });
});
