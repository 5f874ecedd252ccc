// A web page that rebinds a domain of its own to 127.0.0.1 could read the relay miner's metrics (operators, services,
// earnings-bearing counters) from the loopback metrics listener. Bound to loopback, it answers only its own names
// (421 otherwise) and refuses a foreign browser Origin (403), while Prometheus and curl still scrape it.
import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { MetricsServer } from "../../electron/core/relayminer/metrics-server.js";

function get(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/metrics", agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("the loopback metrics listener answers 421 to a rebound host name and 403 to a web page, 200 to a scraper", async () => {
  const secret = 'relayminer_requests_total{service_id="llm",supplier_operator_address="pokt1operator"} 42\n';
  const server = new MetricsServer({ host: "127.0.0.1", port: 0, render: () => secret });
  await server.start();
  try {
    const port = Number(new URL(server.url!).port);
    for (const host of [`rebind.evil.example:${port}`, `evil.example`, `127.0.0.1.nip.io:${port}`, `localhost:${port + 1}`]) {
      const reply = await get(port, { Host: host });
      assert.equal(reply.status, 421, host);
      assert.doesNotMatch(reply.body, /relayminer_/, `nothing is revealed to Host ${host}`);
    }
    const fromPage = await get(port, { Host: `127.0.0.1:${port}`, Origin: "https://evil.example" });
    assert.equal(fromPage.status, 403);
    assert.doesNotMatch(fromPage.body, /relayminer_/);

    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const scrape = await get(port, { Host: host, "User-Agent": "Prometheus/2.53.0" });
      assert.equal(scrape.status, 200, host);
      assert.equal(scrape.body, secret);
    }
  } finally {
    await server.stop();
  }
});
