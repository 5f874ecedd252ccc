// The Fleet page in Chromium, on the headless dashboard: the engine under test becomes a front node, a second headless
// engine (its own process and data folder, the tiny model loaded) pairs with it by the code the front node's page shows
// (a wrong code first, refused), and a wire-level stand-in for vLLM is added by URL with an API key. The front node's
// page lists both with their models; the inference node's own page names the front node it serves.
import { rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { DASHBOARD_LINE, freshDataDir, headlessArgs, startHeadless, type HeadlessProcess } from "../fixtures/headless-process.js";
import { repoRoot, testModelPath } from "../fixtures/paths.js";
import { EngineApi } from "./engine-api.js";

const SCREENSHOTS = "artifacts/screenshots";
const STUB_MODEL = "stub-vllm-model";
const STUB_KEY = "stub-api-key-e2e";

/** What vLLM answers at the wire level for the calls a front node makes of it; every request it receives is kept. */
function vllmStandIn(): { server: Server; received: Array<{ method: string; url: string; authorization: string | undefined }> } {
  const received: Array<{ method: string; url: string; authorization: string | undefined }> = [];
  const server = createServer((req: IncomingMessage, res) => {
    received.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
    req.resume();
    if (req.method === "GET" && req.url === "/v1/models") {
      const body = JSON.stringify({ object: "list", data: [{ id: STUB_MODEL, object: "model", created: 0, owned_by: "vllm" }] });
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    // vLLM has no llama-server /props: the front node assumes its default capacity.
    res.writeHead(404, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ detail: "Not Found" }));
  });
  return { server, received };
}

let node: HeadlessProcess | null = null;
let stub: Server | null = null;
let front: EngineApi | null = null;
let nodeApi: EngineApi | null = null;
let nodeDataDir: string | null = null;

test.afterAll(async () => {
  // The engine under test is shared with the other specs: it leaves the fleet as it found it.
  if (front) {
    const status = await front.call("fleet.status", {});
    for (const n of status.nodes) if (n.kind !== "local") await front.call("fleet.removeNode", { id: n.id });
    await front.call("fleet.configure", { role: "off" });
    front.close();
  }
  nodeApi?.close();
  if (node) {
    node.child.kill("SIGTERM");
    await node.exited;
  }
  if (nodeDataDir) rmSync(nodeDataDir, { recursive: true, force: true });
  if (stub) await new Promise<void>((resolve) => stub!.close(() => resolve()));
});

test("a front node pairs an inference node by its code (a wrong code refused) and lists it with a vLLM server added by URL", async ({ page, context, baseURL }) => {
  test.setTimeout(180_000);
  // Both fleet listeners on free ports (8644 by default): the front node's and the inference node's share this machine.
  const frontApi = await EngineApi.connect(baseURL!);
  front = frontApi;
  await frontApi.call("fleet.configure", { listen: { host: "127.0.0.1", port: 0 } });

  nodeDataDir = freshDataDir("pf-e2e-fleet-node-");
  node = startHeadless(process.execPath, [join(repoRoot, "dist", "headless", "headless.mjs"), ...headlessArgs(nodeDataDir, ["--model", testModelPath(), "--fleet-name", "rig-b"])]);
  const nodeUrl = new URL((await node.waitForLine(DASHBOARD_LINE))[1]!);
  nodeApi = await EngineApi.connect(nodeUrl.origin, nodeDataDir);
  await nodeApi.call("fleet.configure", { listen: { host: "127.0.0.1", port: 0 } });

  const vllm = vllmStandIn();
  stub = vllm.server;
  await new Promise<void>((resolve) => vllm.server.listen(0, "127.0.0.1", resolve));
  const stubUrl = `http://127.0.0.1:${(vllm.server.address() as AddressInfo).port}/v1`;

  // The front node: its role, then a pairing code.
  await page.goto("/#/fleet");
  await expect(page.getByRole("heading", { name: "Fleet" })).toBeVisible();
  await page.getByRole("button", { name: "Front node" }).click();
  const nodes = page.getByTestId("fleet-nodes");
  await expect(nodes).toBeVisible();
  // The listener's address from the page (loopback here: no passphrase asked); a new free port each time.
  const listenCard = page.getByTestId("fleet-listen");
  const before = (await frontApi.call("fleet.status", {})).listenUrl;
  await listenCard.getByLabel("Listen on address").fill("127.0.0.1");
  await listenCard.getByLabel("Port").fill("0");
  await expect(listenCard.getByLabel(/Wallet passphrase/)).toHaveCount(0);
  await listenCard.getByRole("button", { name: "Listen here" }).click();
  await expect.poll(async () => (await frontApi.call("fleet.status", {})).listenUrl).not.toBe(before);
  const listenUrl = (await frontApi.call("fleet.status", {})).listenUrl!;
  expect(listenUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  await expect(page.getByText(`Fleet listener: ${listenUrl}`)).toBeVisible();
  await page.getByRole("button", { name: "Show a pairing code" }).click();
  const pairing = page.getByTestId("fleet-pairing");
  await expect(pairing).toContainText(/Address https:\/\/127\.0\.0\.1:\d+ · code [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/);
  const [, frontAddress, code] = (await pairing.textContent())!.match(/Address (\S+) · code (\S+)/)!;
  expect(frontAddress).toBe(listenUrl);

  // The inference node's own dashboard, in another tab: the same page, in the other role.
  const nodePage = await context.newPage();
  await nodePage.goto(new URL("#/fleet", nodeUrl).href);
  await nodePage.getByRole("button", { name: "Inference node" }).click();
  const frontCard = nodePage.getByTestId("fleet-front");
  await frontCard.getByLabel("Front node address").fill(frontAddress!);
  // A code of the right shape that is not the one shown: the front node refuses it and the node stays unpaired.
  const wrong = code!.startsWith("A") ? `B${code!.slice(1)}` : `A${code!.slice(1)}`;
  await frontCard.getByLabel("Pairing code").fill(wrong);
  await frontCard.getByRole("button", { name: "Join" }).click();
  const refused = frontCard.getByTestId("fleet-join-error");
  await expect(refused).toContainText("The front node refused the pairing code");
  // What to do next is about the code, not this dashboard's access token.
  await expect(refused).toContainText("Check the code on the front node's Fleet page");
  await expect(refused).not.toContainText("token");
  await expect(frontCard.getByRole("button", { name: "Leave the fleet" })).toHaveCount(0);
  await expect(nodes).not.toContainText("rig-b");

  await frontCard.getByLabel("Pairing code").fill(code!);
  await frontCard.getByRole("button", { name: "Join" }).click();
  await expect(frontCard).toContainText("Serving e2e-front at");
  await expect(frontCard).toContainText(new URL(frontAddress!).origin);
  await nodePage.screenshot({ path: `${SCREENSHOTS}/fleet-inference-node.png`, fullPage: true });

  // The front node lists the node it paired, healthy, with the model it serves.
  const nodeRow = nodes.getByRole("row").filter({ hasText: "rig-b" });
  await expect(nodeRow).toContainText("PocketForge");
  await expect(nodeRow).toContainText("stories260K", { timeout: 30_000 });
  await expect(nodeRow).not.toContainText("down");

  // A vLLM server by URL with its API key: listed with the models it reports, asked with that key.
  await page.getByLabel("Base URL").fill(stubUrl);
  await page.getByLabel("API key (optional)").fill(STUB_KEY);
  await page.getByRole("button", { name: "Add server" }).click();
  const stubRow = nodes.getByRole("row").filter({ hasText: stubUrl });
  await expect(stubRow).toContainText(STUB_MODEL);
  await expect(stubRow).toContainText("0/4");
  await expect(stubRow).toContainText("not reported");
  const modelCalls = vllm.received.filter((r) => r.method === "GET" && r.url === "/v1/models");
  expect(modelCalls.length).toBeGreaterThanOrEqual(1);
  expect(modelCalls.every((r) => r.authorization === `Bearer ${STUB_KEY}`)).toBe(true);
  // This machine's own engine is one of the nodes.
  await expect(nodes.getByRole("row").filter({ hasText: "this machine" })).toHaveCount(1);
  await page.screenshot({ path: `${SCREENSHOTS}/fleet-front-node.png`, fullPage: true });
});
