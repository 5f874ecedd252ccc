// A dashboard client that opens the API socket and then stops reading (a hung tab, a script that never reads): every
// broadcast, log.entry events included, would pile up in the engine's memory for as long as the socket lives. Once
// more than 4 MiB wait for it, it is closed with 1013 and a log line, and nothing more is queued for it; a client that
// reads keeps its connection and every event.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import WebSocket from "ws";
import { HeadlessServer } from "../../electron/core/app/headless-server.js";
import { DEFAULT_MAX_BUFFERED_BYTES, SLOW_CLIENT_CLOSE_CODE } from "../../electron/core/app/websocket-transport.js";
import { ApiRouter, type ApiHandlers } from "../../electron/core/runtime/api-router.js";
import { EventBus } from "../../electron/core/runtime/events.js";
import { LogSink } from "../../electron/core/runtime/logger.js";
import { WS_PATH, type LogEntry } from "../../shared/api/index.js";

/** Opens the API socket with the token and resolves once the hello frame arrived. */
async function open(url: string): Promise<{ ws: WebSocket; bytes: () => number; frames: () => number; next: () => Promise<void> }> {
  const ws = new WebSocket(url);
  let bytes = 0;
  let frames = 0;
  let wake: (() => void) | undefined;
  ws.on("message", (data: Buffer) => {
    bytes += data.length;
    frames += 1;
    wake?.();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("message", () => resolve());
    ws.once("error", reject);
  });
  return { ws, bytes: () => bytes, frames: () => frames, next: () => new Promise<void>((resolve) => (wake = resolve)) };
}

test("a client that stops reading is closed with 1013 once 4 MiB wait for it; a reading client keeps everything", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-slow-client-"));
  const rendererDir = join(dir, "renderer");
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, "index.html"), "<!doctype html>");
  const events = new EventBus();
  let closedLine: LogEntry | undefined;
  const logs = new LogSink({
    dir: null,
    onEntry: (entry) => {
      if (entry.message === "closed a dashboard connection that stopped reading") {
        closedLine ??= entry;
      }
    },
  });
  const server = new HeadlessServer({ host: "127.0.0.1", port: 0, dataDir: dir, rendererDir, router: new ApiRouter({} as ApiHandlers, logs.logger()), events, logger: logs.logger("dashboard") });
  await server.start();
  try {
    const url = `${server.url.replace("http", "ws").replace(/\/$/, WS_PATH)}?token=${server.token.value}`;
    const slow = await open(url);
    const reader = await open(url);
    slow.ws.pause(); // stops reading from the socket: the kernel's buffers fill, then the engine's

    const entry = { time: 1, level: "info" as const, scope: "flood", message: "x".repeat(64 * 1024) };
    const MAX_EVENTS = 1000; // 64 MB: far more than the kernel's socket buffers and the cap together
    let sent = 0;
    while (closedLine === undefined && sent < MAX_EVENTS) {
      const delivered = reader.next();
      events.emit("log.entry", entry);
      sent++;
      await delivered; // the reading client has each event before the next one is sent
    }
    assert.ok(closedLine, `the stalled client was still served after ${sent} events of 64 KiB`);
    assert.ok(closedLine.fields?.bufferedBytes as number <= DEFAULT_MAX_BUFFERED_BYTES, "closed before more than the cap was queued");
    assert.equal(closedLine.level, "warn");
    const sentBeforeClose = sent;
    // Later events are not queued for the closed client.
    for (let i = 0; i < 100; i++) {
      const delivered = reader.next();
      events.emit("log.entry", entry);
      sent++;
      await delivered;
    }
    assert.equal(reader.ws.readyState, WebSocket.OPEN, "the reading client is still connected");
    assert.equal(reader.frames(), 1 + sent, "and received every event");

    const closed = new Promise<number>((resolve) => slow.ws.once("close", (code) => resolve(code)));
    slow.ws.resume();
    assert.equal(await closed, SLOW_CLIENT_CLOSE_CODE);
    assert.ok(slow.frames() < 1 + sentBeforeClose, `the stalled client got ${slow.frames()} frames: none of the ${sent - sentBeforeClose} sent after it was closed, nor the one that crossed the cap`);
    reader.ws.close();
  } finally {
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
