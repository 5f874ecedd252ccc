// A paired node that turns hostile (or is replaced by a program holding its key and certificate) answers the front
// node's status queries with too much, garbage, or more models than a node may report, with a header block past the
// limit, and answers a request with a body that never ends. The front node marks it down, stays up, and a client that
// gives up on a never-ending answer frees the node's slot and closes the connection to it. Real HTTPS on loopback.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadOrCreateDashboardTls } from "../../electron/core/app/dashboard-tls.js";
import { FleetService } from "../../electron/core/fleet/fleet-service.js";
import { pairOnLoopback, testFleetService } from "../fixtures/fleet/fleet-service.js";

const dir = mkdtempSync(join(tmpdir(), "pf-fleet-hostile-node-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function fleet(name: string): FleetService {
  return testFleetService(dir, name, {
    localReport: () => ({ name, kind: "local", state: "idle", models: [], capacity: 0, active: 0, queued: 0, gpus: [], tokensPerSecond: null }),
    firstByteTimeoutMs: 10_000,
  });
}

type Behaviour = "huge" | "garbage" | "too-many-models" | "huge-headers" | "good";

test("a hostile node's answers cost the front node a down node, never more", { timeout: 60_000 }, async () => {
  const front = fleet("front");
  const node = fleet("node");
  await front.start();
  await node.start();
  let hostile: Server | null = null;
  let client: HttpServer | null = null;
  try {
    await pairOnLoopback(front, node);
    const port = Number(new URL(node.status().listenUrl!).port);
    await node.dispose();

    // The node's own key and certificate, so the front node's pinned TLS connects.
    const tls = await loadOrCreateDashboardTls(join(dir, "node"));
    let behaviour: Behaviour = "huge";
    let streamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (streamClosed = resolve));
    const report = (models: string[]) => JSON.stringify({ name: "node", kind: "pocketforge", state: "ready", models, capacity: 4, active: 0, queued: 0, gpus: [], tokensPerSecond: null });
    hostile = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      req.resume();
      if (req.url === "/fleet/v1/status") {
        // A valid report, padded past what a status answer may be (JSON allows the whitespace).
        if (behaviour === "huge") return void res.end(report(["m"]) + " ".repeat(2 * 1024 * 1024));
        if (behaviour === "garbage") return void res.end("\u0000not json at all");
        if (behaviour === "too-many-models") return void res.end(report(Array.from({ length: 65 }, (_, i) => `m${i}`)));
        if (behaviour === "huge-headers") {
          res.setHeader("x-junk", "j".repeat(64 * 1024));
          return void res.end(report(["m"]));
        }
        return void res.end(report(["m"]));
      }
      // An answer that never ends.
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: {}\n\n");
      const drip = setInterval(() => res.write("data: {}\n\n"), 20);
      res.on("close", () => {
        clearInterval(drip);
        streamClosed();
      });
    });
    await new Promise<void>((resolve) => hostile!.listen(port, "127.0.0.1", resolve));
    const paired = () => front.status().nodes.find((n) => n.kind === "pocketforge")!;

    for (const b of ["huge", "garbage", "too-many-models", "huge-headers"] as const) {
      behaviour = b;
      await front.refresh();
      assert.equal(paired().state, "down", `${b}: ${paired().lastError}`);
      if (b === "huge") assert.match(String(paired().lastError), /too large/);
    }
    behaviour = "good";
    await front.refresh();
    assert.equal(paired().state, "healthy", String(paired().lastError));

    // A client of the front node (its OpenAI endpoint) asks, reads a little of the never-ending answer, and leaves.
    client = createHttpServer((req, res) => front.route(req, res, "local", (_q, r) => r.end("local")));
    await new Promise<void>((resolve) => client!.listen(0, "127.0.0.1", resolve));
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${(client.address() as AddressInfo).port}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", stream: true, messages: [] }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await closed;
    await front.refresh();
    const after = front.status().nodes.find((n) => n.kind === "pocketforge")!;
    assert.equal(after.active, 0, "the node's slot is free again");
    assert.equal(after.state, "healthy");
  } finally {
    client?.closeAllConnections();
    client?.close();
    hostile?.closeAllConnections();
    hostile?.close();
    await Promise.all([front.dispose(), node.dispose()]);
  }
});
