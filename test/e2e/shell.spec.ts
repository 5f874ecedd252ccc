import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { totalmem } from "node:os";
import si from "systeminformation";
import { testModelPath } from "../fixtures/paths.js";

const SCREENSHOTS = "artifacts/screenshots";

test("the shell loads with every page in the navigation", async ({ page }) => {
  // An explicit page: a fresh engine (no wallet yet) sends a bare "/" to the setup wizard.
  await page.goto("/#/dashboard");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  for (const name of ["Setup", "Dashboard", "Models", "Wallet", "Staking", "Settings", "Logs"]) {
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true })).toBeVisible();
  }
  await page.getByRole("link", { name: "Staking", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Staking" })).toBeVisible();
  // Nothing is staked on a fresh engine: the empty state says how to change that.
  await expect(page.getByText("Not staked yet")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("link", { name: "Stake in the setup wizard" })).toBeVisible();
  await page.getByRole("link", { name: "Logs", exact: true }).click();
  await expect(page.getByRole("log")).toContainText("starting engine");
  await page.screenshot({ path: `${SCREENSHOTS}/logs-shell.png` });
});

test("Settings says a headless engine's updates are managed outside the app, with no Check now", async ({ page }) => {
  await page.goto("/#/settings");
  const panel = page.getByTestId("updates-panel");
  await expect(panel).toHaveAttribute("data-state", "unmanaged");
  await expect(panel).toContainText("Updates are managed outside this app");
  await expect(panel).toContainText("your package manager");
  await expect(panel.getByRole("button", { name: "Check now" })).toHaveCount(0);
});

test("the hardware card shows this machine's CPU and RAM", async ({ page }) => {
  const cpu = await si.cpu();
  await page.goto("/#/dashboard");
  const card = page.getByTestId("hardware-card");
  await expect(card.getByTestId("hw-cpu")).toContainText(cpu.brand, { timeout: 30_000 });
  await expect(card.getByTestId("hw-cpu")).toContainText(`${cpu.cores} threads`);
  const totalGiB = (totalmem() / 1024 ** 3).toFixed(1);
  await expect(card.getByTestId("hw-ram")).toContainText(`${totalGiB} GiB total`);
  await expect(card.getByTestId("hw-backend")).toContainText(/CPU|CUDA|VULKAN|METAL/);
  await page.screenshot({ path: `${SCREENSHOTS}/dashboard-hardware.png`, fullPage: true });
});

test("a model loads from the data folder's import folder and a chat prompt streams a reply", async ({ page }) => {
  await page.goto("/#/models");
  // A browser may not name files outside the data folder: the engine says where to put the file instead.
  await page.getByLabel("GGUF file on this machine").fill(testModelPath());
  await page.getByRole("button", { name: "Load model" }).click();
  await expect(page.getByText(/copy the \.gguf there|put the file in/).first()).toBeVisible();
  const importDir = join(process.env.E2E_DATA_DIR!, "import");
  mkdirSync(importDir, { recursive: true });
  copyFileSync(testModelPath(), join(importDir, "stories260K.gguf"));
  await page.getByLabel("GGUF file on this machine").fill(join(importDir, "stories260K.gguf"));
  await page.getByRole("button", { name: "Load model" }).click();
  await expect(page.getByTestId("inference-state")).toHaveText("ready", { timeout: 60_000 });
  await expect(page.getByTestId("model-name")).toContainText("stories260K");

  // Record every text the reply element shows, to prove tokens arrive one by one rather than all at the end.
  await page.getByTestId("chat-reply").evaluate((element) => {
    const seen: string[] = [];
    (window as any).__replyTexts = seen;
    new MutationObserver(() => seen.push(element.textContent ?? "")).observe(element, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await page.getByLabel("Prompt").fill("Once upon a time");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("chat-stats")).toContainText("tokens/s", { timeout: 60_000 });
  const reply = (await page.getByTestId("chat-reply").textContent()) ?? "";
  expect(reply.trim().length).toBeGreaterThan(10);
  const texts: string[] = await page.evaluate(() => (window as any).__replyTexts);
  const partials = new Set(texts.filter((t) => t && t !== "…" && t !== reply));
  expect(partials.size, "intermediate streamed states of the reply").toBeGreaterThanOrEqual(2);
  await page.screenshot({ path: `${SCREENSHOTS}/models-chat.png`, fullPage: true });
});
