// LAN model sharing in Chromium, on the headless dashboard: Settings turns the gateway on (on loopback, a free port,
// limits with their units), a peer typed wrong is refused with the engine's message, one typed right is listed as
// "listed by hand" and removed again; the Models page shows the installed test model's CID, the one the engine holds.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import type { SharingSettings } from "../../shared/api/sharing.js";
import { testModelPath } from "../fixtures/paths.js";
import { EngineApi } from "./engine-api.js";

const SCREENSHOTS = "artifacts/screenshots";
// TEST-NET-1 (RFC 5737): an address no machine answers at, so listing it reaches nothing.
const PEER = "http://192.0.2.10:8644";

let engine: EngineApi | null = null;
let before: SharingSettings | null = null;
let importedId: string | null = null;
let importedCopy: string | null = null;

test.afterAll(async () => {
  // The engine under test is shared with the other specs: sharing and the models folder are left as they were found.
  if (engine) {
    if (before) await engine.call("sharing.update", before);
    if (importedId) await engine.call("models.delete", { modelId: importedId });
    engine.close();
  }
  if (importedCopy) rmSync(importedCopy, { force: true });
});

test("Settings turns LAN sharing on with its limits and lists a peer added by hand; Models shows the installed model's CID", async ({ page, baseURL }) => {
  engine = await EngineApi.connect(baseURL!);
  before = (await engine.call("sharing.status", {})).settings;
  expect(before.serve, "sharing starts off").toBe(false);

  // The tiny test model, installed through the engine's import folder (a browser may name no other path).
  const importDir = join(process.env.E2E_DATA_DIR!, "import");
  mkdirSync(importDir, { recursive: true });
  importedCopy = join(importDir, "sharing-e2e.gguf");
  copyFileSync(testModelPath(), importedCopy);
  const installed = await engine.call("models.import", { path: importedCopy });
  importedId = installed.id;

  await page.goto("/#/settings");
  const card = page.getByTestId("settings-sharing");
  await expect(card.getByRole("heading", { name: "Sharing models on the LAN" })).toBeVisible();
  await expect(card.getByTestId("sharing-gateway-state")).toHaveText("off");

  // On: this computer only (no passphrase asked), a free port, a 50 MiB/s cap and 200 requests/s per peer.
  const form = card.getByTestId("sharing-form");
  await form.getByLabel("Share installed models with PocketForge machines on this network").check();
  await form.getByLabel("Listen address").fill("127.0.0.1");
  await form.getByLabel("Port (TCP)").fill("0");
  await form.getByLabel("Upload cap (MiB/s, all peers together)").fill("50");
  await form.getByLabel("Rate limit per peer (requests/s)").fill("200");
  await expect(form.getByLabel("Wallet passphrase")).toHaveCount(0);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(card.getByTestId("sharing-gateway-state")).toHaveText("serving");
  await expect(card.getByTestId("sharing-gateway-url")).toHaveText(/^http:\/\/127\.0\.0\.1:\d+$/);
  const saved = await engine.call("sharing.status", {});
  expect(saved.gateway.state).toBe("listening");
  expect(saved.settings).toMatchObject({ serve: true, host: "127.0.0.1", port: 0, uploadLimitMiBps: 50, perPeerRequestsPerSecond: 200 });
  await expect(card.getByTestId("sharing-gateway-url")).toHaveText(saved.gateway.urls[0]!);

  // A peer typed wrong: the engine refuses it and the card says why in the engine's words.
  const peers = card.getByTestId("sharing-peers");
  await peers.getByLabel("Add a peer by address").fill("ftp://192.0.2.10:8644");
  await peers.getByRole("button", { name: "Add peer" }).click();
  await expect(peers.getByRole("alert")).toContainText("a peer is http://address:port");
  expect((await engine.call("sharing.status", {})).settings.peers).toEqual(before.peers);

  // Typed right: listed by hand, in the card and in the engine's settings.
  await peers.getByLabel("Add a peer by address").fill(PEER);
  await peers.getByRole("button", { name: "Add peer" }).click();
  const row = peers.getByTestId("sharing-peer").filter({ hasText: PEER });
  await expect(row).toBeVisible();
  await expect(row).toContainText("listed by hand");
  await expect(peers.getByRole("alert")).toHaveCount(0);
  await expect(peers.getByLabel("Add a peer by address")).toHaveValue("");
  expect((await engine.call("sharing.status", {})).settings.peers).toContain(PEER);
  // "Check peers now" asks again: a documentation address answers nobody, so the row says so, with the reason.
  const check = peers.getByRole("button", { name: "Check peers now" });
  await check.click();
  await expect(row.getByTestId("sharing-peer-state")).toContainText("unreachable", { timeout: 15_000 });
  await expect(check).toBeEnabled();
  await expect(peers.getByRole("alert")).toHaveCount(0);
  expect((await engine.call("sharing.status", {})).peers.find((p) => p.url === PEER)?.error).toBeTruthy();
  await page.screenshot({ path: `${SCREENSHOTS}/settings-sharing.png`, fullPage: true });

  // The Models page: the installed model's CID, the engine's own (computed at install).
  await page.goto("/#/models");
  const cidCell = page.getByTestId(`installed-${installed.id}`).getByTestId("model-cid");
  await expect(cidCell.locator("code")).toHaveAttribute("data-cid", /^b[a-z2-7]{20,}$/, { timeout: 60_000 });
  const cid = await cidCell.locator("code").getAttribute("data-cid");
  const listed = (await engine.call("models.installed", {})).find((m) => m.id === installed.id);
  expect(listed?.cid).toBe(cid);
  await expect(cidCell.getByRole("button", { name: "Copy CID" })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/models-cid.png`, fullPage: true });

  // The gateway shares it; the peer is removed again from Settings.
  await page.goto("/#/settings");
  await expect(card.getByTestId("sharing-counters")).toContainText(/^\d+ models? shared/);
  expect((await engine.call("sharing.status", {})).gateway.models).toBeGreaterThanOrEqual(1);
  await row.getByRole("button", { name: "Remove" }).click();
  await expect(row).toHaveCount(0);
  expect((await engine.call("sharing.status", {})).settings.peers).not.toContain(PEER);
});
