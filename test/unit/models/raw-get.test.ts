// rawGet against raw TCP servers that answer whatever a test writes: what a PocketForge gateway sends is read, and a
// hostile or broken peer's answer is refused with a reason instead of being half-read or waited on for ever.
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { rawGet } from "../../../electron/core/models/ipfs/raw-get.js";
import { ReceiveRing } from "../../../electron/core/models/ipfs/receive-ring.js";

const servers: Server[] = [];
after(() => servers.forEach((server) => server.close()));

/** A server that reads one request and answers with `reply` (written as given), then ends or holds the connection. */
async function answering(reply: Buffer | string, options: { end?: boolean } = {}): Promise<{ url: URL; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((socket) => {
    let request = "";
    socket.on("data", (chunk) => {
      request += chunk.toString("latin1");
      if (!request.includes("\r\n\r\n")) return;
      requests.push(request);
      socket.write(reply);
      if (options.end !== false) socket.end();
    });
    socket.on("error", () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), requests };
}

async function body(url: URL, signal = new AbortController().signal): Promise<{ status: number; text: string }> {
  const response = await rawGet(url, "/ipfs/x?format=car", { accept: "application/vnd.ipld.car" }, signal, { ring: new ReceiveRing(64 * 1024, 1024) });
  const parts: Buffer[] = [];
  try {
    let position = 0;
    for await (const part of response.body) {
      parts.push(Buffer.from(part));
      position += part.length;
      response.release(position);
    }
  } finally {
    response.destroy();
  }
  return { status: response.statusCode, text: Buffer.concat(parts).toString("latin1") };
}

test("a response with a Content-Length is read to that length; bytes past it are not part of the body", async () => {
  const { url, requests } = await answering("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.ipld.car\r\nContent-Length: 5\r\n\r\nhelloEXTRA");
  assert.deepEqual(await body(url), { status: 200, text: "hello" });
  assert.match(requests[0]!, /^GET \/ipfs\/x\?format=car HTTP\/1\.1\r\n/);
  assert.match(requests[0]!, new RegExp(`\r\nhost: ${url.host}\r\n`));
  assert.match(requests[0]!, /\r\nconnection: close\r\n/);
});

test("a status other than 200 comes back as it is, with its body", async () => {
  const { url } = await answering("HTTP/1.1 429 Too Many Requests\r\ncontent-length: 4\r\n\r\nslow");
  assert.deepEqual(await body(url), { status: 429, text: "slow" });
});

test("what a PocketForge gateway never sends is refused: chunked, no or a bad length, two lengths, a bad status line", async () => {
  const cases: Array<[string, RegExp]> = [
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", /chunked/],
    ["HTTP/1.1 200 OK\r\n\r\nhello", /without a valid Content-Length/],
    ["HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello", /without a valid Content-Length/],
    ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", /two Content-Length/],
    ["SSH-2.0-OpenSSH\r\n\r\n", /malformed status line/],
    ["HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", /malformed response header/],
  ];
  for (const [reply, reason] of cases) {
    const { url } = await answering(reply);
    await assert.rejects(body(url), reason, JSON.stringify(reply));
  }
});

test("headers that never end are refused once they pass 16 KiB, not buffered further", async () => {
  const { url } = await answering(`HTTP/1.1 200 OK\r\nX-Pad: ${"a".repeat(20_000)}`, { end: false });
  await assert.rejects(body(url), /response headers too large/);
});

test("a body cut short, or a connection that ends before its headers, fails with what happened", async () => {
  const short = await answering("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
  await assert.rejects(body(short.url), /cut short/);
  const silent = await answering("");
  await assert.rejects(body(silent.url), /closed before the response headers/);
});

test("the signal ends a response that is being waited on", async () => {
  const { url } = await answering("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhal", { end: false });
  const controller = new AbortController();
  const reading = body(url, controller.signal);
  controller.abort(new Error("stopped by the test"));
  await assert.rejects(reading, /stopped by the test/);
});

test("a body many times the ring's size is read whole as the reader releases it; bytes it holds are never overwritten", { timeout: 30_000 }, async () => {
  const pattern = Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7 + (i >> 13)) % 256));
  const { url } = await answering(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${pattern.length}\r\n\r\n`), pattern]));
  const response = await rawGet(url, "/ipfs/x?format=car", {}, new AbortController().signal, { ring: new ReceiveRing(64 * 1024, 8 * 1024) });
  // The reader keeps up to 40 KiB of views unreleased (as blocks being written are), and checks them as it lets go; it
  // lets the event loop turn after each view, so the socket gets ahead of it (libuv reads many times per turn).
  const held: Array<{ view: Buffer; at: number }> = [];
  let position = 0;
  let heldBytes = 0;
  try {
    for await (const view of response.body) {
      held.push({ view, at: position });
      await new Promise(setImmediate);
      position += view.length;
      heldBytes += view.length;
      while (heldBytes > 40 * 1024) {
        const oldest = held.shift()!;
        assert.ok(oldest.view.equals(pattern.subarray(oldest.at, oldest.at + oldest.view.length)), `bytes at ${oldest.at} changed while held`);
        heldBytes -= oldest.view.length;
        response.release(oldest.at + oldest.view.length);
      }
    }
  } finally {
    response.destroy();
  }
  assert.equal(position, pattern.length);
  for (const { view, at } of held) assert.ok(view.equals(pattern.subarray(at, at + view.length)));
});

test("reads the reader has not taken yet are held as one view of the ring, however many reads the peer split them into", { timeout: 10_000 }, async () => {
  // A peer that sends a byte per TCP segment while the reader is busy (its groups being written) would otherwise make
  // us hold an object per byte: about 100 bytes of heap for each byte the ring holds.
  let peerSide: (socket: Socket) => void = () => {};
  const connected = new Promise<Socket>((resolve) => (peerSide = resolve));
  const body = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 13) % 256));
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.once("data", () => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
      peerSide(socket);
    });
    socket.on("error", () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const ring = new ReceiveRing(64 * 1024, 1024);
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const response = await rawGet(url, "/ipfs/x?format=car", {}, new AbortController().signal, { ring });
  const socket = await connected;
  try {
    // A byte at a time, each stored before the next is sent: one read per byte, none taken by the reader yet.
    for (const byte of body) {
      const free = ring.free;
      socket.write(Buffer.from([byte]));
      while (ring.free === free) await new Promise(setImmediate);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
    assert.ok(Buffer.concat(chunks).equals(body));
    assert.equal(chunks.length, 1, "300 reads side by side in the ring come out as one chunk");
  } finally {
    response.destroy();
    socket.destroy();
  }
});
