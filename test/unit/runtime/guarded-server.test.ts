// The one helper every listener of the engine is opened with: each guard it owns is checked here over real HTTP on
// loopback, so dropping one (Host, Origin, body size, per-address connections, header timeout, error containment)
// fails a test.
import assert from "node:assert/strict";
import { once } from "node:events";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { createGuardedServer, readBoundedBody, type GuardedServer, type ListenerPolicy } from "../../../electron/core/runtime/guarded-server.js";
import { HostNames } from "../../../electron/core/runtime/host-names.js";
import { LogSink } from "../../../electron/core/runtime/logger.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer; chunked?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path ?? "/", agent: false, headers: { Host: `127.0.0.1:${port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    // A refusal that closes the connection before the whole upload is sent may reset the client's write side.
    req.on("error", reject);
    if (options.body && options.chunked) {
      req.write(options.body.subarray(0, options.body.length / 2));
      req.end(options.body.subarray(options.body.length / 2));
    } else req.end(options.body);
  });
}

/** A raw connection from `localAddress` that sends one keep-alive request and resolves once its reply has arrived. */
async function openKeptConnection(port: number, localAddress: string): Promise<Socket> {
  const socket = connect({ host: "127.0.0.1", port, localAddress });
  await once(socket, "connect");
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  // Read with a listener, not for-await: leaving a for-await loop destroys the socket.
  const text = await new Promise<string>((resolve, reject) => {
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n\r\nok")) resolve(received);
    });
    socket.once("close", () => reject(new Error(`the connection from ${localAddress} was closed: ${received}`)));
  });
  assert.match(text, /^HTTP\/1\.1 200/);
  return socket;
}

/** Everything the server sends on a connection that writes `data` and then waits, until the server closes it. */
function untilClosed(port: number, data: string, localAddress = "127.0.0.1"): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const socket = connect({ host: "127.0.0.1", port, localAddress }, () => socket.write(data));
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => resolve(text));
  });
}

describe("createGuardedServer", () => {
  const logs = new LogSink({ dir: null });
  const refused: Array<number | null> = [];
  let handled = 0;
  let guarded: GuardedServer;
  let port = 0;
  const policy: ListenerPolicy = {
    name: "test listener",
    logger: logs.logger("t"),
    hosts: new HostNames("127.0.0.1"),
    origin: "same-origin",
    maxBodyBytes: 1024,
    // The request timeout is far beyond the test's own limit, so only the header timeout can close a slow client in time.
    bounds: { headersTimeoutMs: 500, requestTimeoutMs: 120_000, maxConnections: 50 },
    maxConnectionsPerAddress: 3,
    onRefused: (status) => refused.push(status),
  };

  before(async () => {
    guarded = createGuardedServer(policy, {
      request: async (req, res) => {
        handled++;
        if (req.url === "/throw") throw new Error("boom");
        if (req.method === "POST") {
          const body = await readBoundedBody(req, 1024);
          if (body === null) return void res.writeHead(413, { Connection: "close" }).end("too large in transit");
          return void res.end(`read ${body.length}`);
        }
        res.end("ok");
      },
    });
    port = (await guarded.listen(0, "127.0.0.1")).port;
  });
  after(() => guarded.close());

  test("a Host the listener does not answer to gets 421 and never reaches the handler", async () => {
    const before = handled;
    for (const host of [`evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost:${port + 1}`, `2130706433:${port}`]) {
      const reply = await send(port, { headers: { Host: host } });
      assert.equal(reply.status, 421, host);
      assert.equal(reply.headers.connection, "close", "a refused connection is not kept");
    }
    assert.equal(handled, before);
    assert.equal((await send(port, { headers: { Host: `localhost:${port}` } })).body, "ok");
  });

  test("a foreign browser Origin gets 403; the listener's own origin and no Origin pass", async () => {
    const before = handled;
    for (const origin of ["https://evil.example", "null", `https://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`, "garbage"]) {
      assert.equal((await send(port, { headers: { Origin: origin } })).status, 403, origin);
    }
    assert.equal(handled, before);
    assert.equal((await send(port, { headers: { Origin: `http://127.0.0.1:${port}` } })).status, 200);
    assert.equal((await send(port)).status, 200);
  });

  test("a body over the limit gets 413: declared before the handler runs, or as it arrives", async () => {
    const before = handled;
    const declared = await send(port, { method: "POST", body: Buffer.alloc(2048, 1) });
    assert.equal(declared.status, 413);
    assert.equal(handled, before, "a declared oversize body never reaches the handler");
    const chunked = await send(port, { method: "POST", body: Buffer.alloc(4096, 1), chunked: true, headers: { "Transfer-Encoding": "chunked" } });
    assert.equal(chunked.status, 413);
    assert.equal(chunked.body, "too large in transit");
    assert.equal((await send(port, { method: "POST", body: Buffer.alloc(1024, 1) })).body, "read 1024");
  });

  test("one address may hold only its share of connections; another address is still served", async () => {
    const kept: Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) kept.push(await openKeptConnection(port, "127.0.0.1"));
      const refusedBefore = refused.filter((status) => status === null).length;
      const fourth = await untilClosed(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      assert.equal(fourth, "", "the connection beyond the cap is closed without an answer");
      assert.equal(refused.filter((status) => status === null).length, refusedBefore + 1);
      const other = await openKeptConnection(port, "127.0.0.2");
      kept.push(other);
    } finally {
      for (const socket of kept) socket.destroy();
    }
  });

  test("a client that sends its headers too slowly is cut off", { timeout: 15_000 }, async () => {
    const before = handled;
    // Half a header block, then nothing: the server must close the connection by itself (its header timeout).
    const text = await untilClosed(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`, "127.0.0.3");
    assert.doesNotMatch(text, /^HTTP\/1\.1 200/);
    assert.equal(handled, before);
  });

  test("a handler that throws costs one 500 and the listener keeps serving", async () => {
    assert.equal((await send(port, { path: "/throw" })).status, 500);
    assert.equal((await send(port)).body, "ok");
  });
});

describe("createGuardedServer: the other origin rules, a listener's own refusals and upgrades", () => {
  const logs = new LogSink({ dir: null });

  test("origin 'none' refuses every Origin, even the listener's own; 'any' checks none", async () => {
    for (const [origin, expected] of [["none", 403], ["any", 200]] as const) {
      const guarded = createGuardedServer({ name: "t", logger: logs.logger("t"), hosts: null, origin }, { request: (_req, res) => res.end("ok") });
      const port = (await guarded.listen(0, "127.0.0.1")).port;
      try {
        assert.equal((await send(port, { headers: { Origin: `http://127.0.0.1:${port}` } })).status, expected, origin);
        assert.equal((await send(port, { headers: { Origin: "https://evil.example" } })).status, expected, origin);
        assert.equal((await send(port, { headers: { Host: "any.name.example" } })).status, 200, "hosts: null checks no Host");
      } finally {
        await guarded.close();
      }
    }
  });

  test("refusals are written in the listener's own format and close the connection", async () => {
    const guarded = createGuardedServer(
      {
        name: "t",
        logger: logs.logger("t"),
        hosts: new HostNames("127.0.0.1"),
        origin: "same-origin",
        refuse: (res, status) => res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify({ error: status })),
      },
      { request: (_req, res) => res.end("ok") },
    );
    const port = (await guarded.listen(0, "127.0.0.1")).port;
    try {
      const reply = await send(port, { headers: { Host: "evil.example" } });
      assert.equal(reply.status, 421);
      assert.deepEqual(JSON.parse(reply.body), { error: 421 });
      assert.equal(reply.headers.connection, "close");
    } finally {
      await guarded.close();
    }
  });

  test("an upgrade passes the same Host and Origin guards before the listener sees it", async () => {
    let upgrades = 0;
    const guarded = createGuardedServer(
      { name: "t", logger: logs.logger("t"), hosts: new HostNames("127.0.0.1"), origin: "same-origin" },
      {
        request: (_req, res) => res.end("ok"),
        upgrade: (_req, socket) => {
          upgrades++;
          socket.end("HTTP/1.1 418 I'm a teapot\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", () => socket.destroy());
        },
      },
    );
    const port = (await guarded.listen(0, "127.0.0.1")).port;
    const upgrade = (headers: string) => untilClosed(port, `GET /ws HTTP/1.1\r\n${headers}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
    try {
      assert.match(await upgrade("Host: evil.example\r\n"), /^HTTP\/1\.1 421 /);
      assert.match(await upgrade(`Host: 127.0.0.1:${port}\r\nOrigin: https://evil.example\r\n`), /^HTTP\/1\.1 403 /);
      assert.equal(upgrades, 0);
      assert.match(await upgrade(`Host: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n`), /^HTTP\/1\.1 418 /);
      assert.equal(upgrades, 1);
    } finally {
      await guarded.close();
    }
  });
});
