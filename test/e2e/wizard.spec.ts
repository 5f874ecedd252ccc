import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { formatUpokt } from "../../shared/format.js";
import { startIpfsGateway, type GatewayFixture } from "../fixtures/models/ipfs-gateway.js";
import { buildUnixfs } from "../fixtures/models/unixfs-blocks.js";
import { sharedAssetsDir } from "../fixtures/paths.js";
import { expectAccessible } from "./a11y.js";
import { expectClockAxes, expectNoHorizontalOverflow } from "./layout.js";
import { EngineApi } from "./engine-api.js";

const SHOTS = "artifacts/screenshots";
const PASSPHRASE = "lantern mossy violin orbit quarry";
const TINY_ID = "test-stories260k";

// One engine, one story: a fresh install walks through the wizard, then the dashboard must show it earning.
test.describe.configure({ mode: "serial" });

let gateway: GatewayFixture;
let deadGateway: GatewayFixture;
let engine: EngineApi;
/** The recovery phrase the wizard showed, to prove later that no bundle or page leaks it. */
let phrase: string[] = [];

test.beforeAll(async ({ baseURL }) => {
  // The tiny model, served block by block by a local IPFS trustless gateway (its CID is pinned in the catalog).
  const bytes = readFileSync(resolve(sharedAssetsDir, "models", "stories260K.gguf"));
  const dag = await buildUnixfs(bytes);
  gateway = await startIpfsGateway(dag.blocks);
  deadGateway = await startIpfsGateway(new Map());
  engine = await EngineApi.connect(baseURL!);
});

test.afterAll(async () => {
  engine?.close();
  await gateway?.close();
  await deadGateway?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  // From the top: sticky parts (sidebar, step list) would otherwise be drawn where the page was last scrolled to.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function next(page: Page): Promise<void> {
  await page.getByTestId("wizard-next").click();
}

test("a fresh install goes from the wizard to a settled session on the dashboard", async ({ page }) => {
  test.setTimeout(300_000);

  // The engine downloads from the fixture gateway: set in Settings, as a person would.
  await page.goto("/#/settings");
  const sources = page.getByTestId("model-sources-form");
  await sources.getByLabel("IPFS gateways").fill(gateway.url);
  await sources.getByRole("button", { name: "Save" }).click();
  await expect(sources.getByRole("status")).toHaveText("Saved.");

  // A fresh engine opened without a page lands in the wizard.
  await page.goto("/");
  await expect(page).toHaveURL(/#\/setup\/welcome$/);
  await expect(page.getByRole("heading", { level: 1, name: "Welcome" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "What it costs" })).toBeVisible();
  await shot(page, "setup-1-welcome");
  await expectAccessible(page, "setup welcome");
  await next(page);

  // Hardware: this machine's facts, with a CPU-only warning here.
  await expect(page.getByRole("heading", { level: 1, name: "Hardware check" })).toBeVisible();
  await expect(page.getByTestId("step-hardware").getByTestId("hw-backend")).toContainText(/CPU|CUDA|VULKAN|METAL/, { timeout: 30_000 });
  await shot(page, "setup-2-hardware");
  await expectAccessible(page, "setup hardware");
  await next(page);

  // Wallet: create, write down, confirm three words.
  await expect(page.getByRole("heading", { level: 1, name: "Wallet" })).toBeVisible();
  const create = page.getByTestId("create-wallet");
  await create.getByLabel("Wallet passphrase", { exact: true }).fill(PASSPHRASE);
  await expect(create.getByTestId("passphrase-strength")).toContainText(/Strength: (fair|good|strong)/);
  await create.getByLabel("Repeat the wallet passphrase").fill(PASSPHRASE);
  await shot(page, "setup-3-wallet-create");
  await create.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("mnemonic").locator("li")).toHaveCount(24, { timeout: 30_000 });
  const words = await page.getByTestId("mnemonic").locator("li").allTextContents();
  expect(words).toHaveLength(24);
  phrase = words;
  await shot(page, "setup-3-wallet-phrase");
  await page.getByLabel(/I wrote down all 24 words/).check();
  await page.getByRole("button", { name: "Next: confirm three words" }).click();
  const confirm = page.getByTestId("confirm-words");
  for (const input of await confirm.locator("input").all()) {
    const label = await page.locator(`label[for="${await input.getAttribute("id")}"]`).textContent();
    const position = Number(/#(\d+)/.exec(label ?? "")![1]);
    await input.fill(words[position - 1]);
  }
  await confirm.getByRole("button", { name: "Confirm words" }).click();
  await expect(page.getByTestId("owner-choice")).toBeVisible();
  await shot(page, "setup-3-wallet-done");
  await expectAccessible(page, "setup wallet");
  await next(page);

  // Network: the local test network is preselected and connected.
  await expect(page.getByRole("heading", { level: 1, name: "Network" })).toBeVisible();
  await expect(page.getByRole("radio", { name: /Local test network/ })).toBeChecked();
  await expect(page.getByTestId("network-status")).toContainText("pocketforge-localnet", { timeout: 60_000 });
  await shot(page, "setup-4-network");
  await expectAccessible(page, "setup network");
  await next(page);

  // Model: the tiny test model from the fixture gateway; it downloads, is verified, and loads.
  await expect(page.getByRole("heading", { level: 1, name: "Model" })).toBeVisible();
  const tiny = page.getByTestId(`catalog-${TINY_ID}`);
  await tiny.getByRole("button", { name: "Download and use" }).click();
  await expect(page.getByTestId("model-selected")).toContainText("Serving stories260K", { timeout: 60_000 });
  // The service comes from the chain's x/service: ai-inference (bring your own model) is the default, as on mainnet;
  // the test model's own service is not registered here, so it is not offered.
  const serviceChoice = page.getByTestId("service-choice");
  await expect(serviceChoice.getByRole("radio", { name: /ai-inference/ })).toBeChecked({ timeout: 30_000 });
  await expect(serviceChoice.getByTestId("service-offer-ai-inference")).toContainText("bring your own model");
  await expect(serviceChoice.getByTestId("model-service-missing")).toContainText("pocketforge-test-stories260k");
  await shot(page, "setup-5-model");
  await expectAccessible(page, "setup model");
  await next(page);

  // Test: a quick benchmark gives time to first token and tokens/s.
  await expect(page.getByRole("heading", { level: 1, name: "Test" })).toBeVisible();
  // Segmented choices are styled labels over native radios: a person clicks the label.
  await page.locator("label", { hasText: "15 seconds (quick)" }).click();
  await expect(page.getByRole("radio", { name: "15 seconds (quick)" })).toBeChecked();
  await page.getByRole("button", { name: "Run the benchmark" }).click();
  await expect(page.getByRole("progressbar", { name: /Benchmarking/ })).toBeVisible();
  const result = page.getByTestId("benchmark-result");
  await expect(result).toContainText("tokens/s", { timeout: 60_000 });
  await expect(result.locator(".stat-value").first()).not.toHaveText("—");
  // The measured speed, priced with the chain's own parameters.
  await expect(page.getByTestId("economics-estimate")).toContainText(/≈ .* POKT an hour/);
  await expect(page.getByTestId("economics-assumption")).toContainText("tokens per relay (assumed)");
  await shot(page, "setup-6-test");
  await expectAccessible(page, "setup test");
  await next(page);

  // Endpoint: automatic on localnet, proven by a signed test relay through the address.
  await expect(page.getByRole("heading", { level: 1, name: "Endpoint" })).toBeVisible();
  await expect(page.getByTestId("endpoint-check")).toContainText("Reachable.", { timeout: 60_000 });
  await shot(page, "setup-7-endpoint");
  await expectAccessible(page, "setup endpoint");
  await next(page);

  // Stake: the chain's rules (a mainnet-like localnet: 59,500 POKT minimum), faucet funds, stake the minimum for ai-inference.
  await expect(page.getByRole("heading", { level: 1, name: "Stake" })).toBeVisible();
  const params = await engine.call("staking.params", {});
  await expect(page.getByRole("radio", { name: /^I stake .* myself/ })).toBeChecked();
  await expect(page.getByRole("radio", { name: /Someone else owns the stake/ })).toBeVisible();
  const economics = page.getByTestId("economics-card");
  await expect(economics).toContainText(formatUpokt(params.minStakeUpokt));
  await expect(economics).toContainText("Price per compute unit");
  await expect(economics).toContainText("Proof rule");
  await expect(economics).toContainText("Unbonding");
  const stakeForm = page.getByTestId("stake-form");
  await stakeForm.getByRole("button", { name: /from the faucet/ }).click();
  await expect(stakeForm.getByTestId("funds-balance")).toHaveText(formatUpokt(params.startingFundsUpokt), { timeout: 30_000 });
  // A service that does not exist here shows the add-service fee read from the chain and needs an explicit yes.
  const serviceField = stakeForm.getByLabel("Service", { exact: true });
  await expect(serviceField).toHaveValue("ai-inference");
  await serviceField.fill("pocketforge-test-stories260k");
  const unregistered = stakeForm.getByTestId("service-missing");
  await expect(unregistered).toBeVisible({ timeout: 30_000 });
  await expect(unregistered.getByTestId("service-fee")).toHaveText(formatUpokt(params.addServiceFeeUpokt));
  const register = unregistered.getByRole("button", { name: /Register the service/ });
  await expect(register).toBeDisabled();
  await expect(unregistered.getByLabel("Wallet passphrase")).toHaveCount(0);
  await unregistered.getByRole("checkbox", { name: /add-service fee/ }).check();
  await expect(unregistered.getByLabel("Wallet passphrase")).toBeVisible();
  await expect(register).toBeDisabled();
  // Back to the network's LLM service, which exists (the localnet registers it at genesis, like mainnet has it).
  await serviceField.fill("ai-inference");
  await expect(stakeForm.getByTestId("service-found")).toContainText("ai-inference", { timeout: 30_000 });
  await expect(stakeForm.getByTestId("service-found")).toContainText("bring your own model");
  await expect(stakeForm.getByTestId("service-missing")).toHaveCount(0);
  await expect(stakeForm.getByTestId("stake-estimate")).toBeVisible({ timeout: 30_000 });
  await stakeForm.getByRole("checkbox", { name: /^Stake / }).check();
  await stakeForm.getByLabel("Wallet passphrase").fill(PASSPHRASE);
  await shot(page, "setup-8-stake");
  await expectAccessible(page, "setup stake");
  await stakeForm.getByRole("button", { name: "Stake", exact: true }).click();
  await expect(page.getByTestId("stake-status")).toContainText("Staked.", { timeout: 60_000 });
  await next(page);

  // Start: the relay miner serves, and the local traffic generator plays the gateways.
  await expect(page.getByRole("heading", { level: 1, name: "Start serving" })).toBeVisible();
  const start = page.getByRole("button", { name: "Start serving" });
  await expect(start.or(page.getByTestId("serving-started"))).toBeVisible({ timeout: 30_000 });
  if (await start.isVisible()) await start.click();
  await expect(page.getByTestId("serving-started")).toBeVisible({ timeout: 60_000 });
  await shot(page, "setup-9-start");
  await expectAccessible(page, "setup start");
  await page.getByTestId("go-dashboard").click();

  // Dashboard: relays arrive, then a session settles with the ledger's reward.
  await expect(page.getByTestId("serving-status")).toHaveText("Serving");
  await expect(page.getByTestId("economics-card")).toContainText("One ai-inference relay");
  await expect(page.getByTestId("session-relays")).not.toHaveText(/^(—|0)/, { timeout: 60_000 });
  // The relays are answered by the model itself (the gateway checks the signed reply and its inner HTTP status).
  await expect.poll(async () => (await engine.call("localnet.trafficStats", {})).succeeded, { timeout: 30_000 }).toBeGreaterThan(0);
  const settled = page.locator('[data-testid="session-row"][data-stage="settled"]').first();
  await expect(settled).toBeVisible({ timeout: 180_000 });
  const ledger = await engine.call("earnings.summary", { days: 30 });
  expect(BigInt(ledger.settledUpokt)).toBeGreaterThan(0n);
  await expect(page.getByTestId("earnings-settled-total")).toHaveText(formatUpokt(ledger.settledUpokt));
  const sessions = await engine.call("earnings.sessions", { limit: 50 });
  const firstSettled = sessions.find((s) => s.stage === "settled")!;
  await expect(page.locator('[data-testid="session-row"][data-stage="settled"]').filter({ hasText: firstSettled.sessionId.slice(0, 10) }).getByTestId("session-reward")).toHaveText(formatUpokt(firstSettled.rewardUpokt));
  await shot(page, "dashboard");
  await expectAccessible(page, "dashboard");
});

test("every page renders, passes the accessibility check, fits 1024×640 and 1920×1080 in both themes, and is captured", async ({ page }) => {
  test.setTimeout(240_000);
  const pages = [
    ["dashboard", "Dashboard"],
    ["models", "Models"],
    ["wallet", "Wallet"],
    ["staking", "Staking"],
    ["settings", "Settings"],
    // The wizard resumes at a step, whose name is its heading.
    ["setup", "."],
    ["logs", "Logs"],
  ] as const;
  for (const [hash, heading] of pages) {
    await page.goto(`/#/${hash}`);
    await expect(page.getByRole("heading", { level: 1, name: new RegExp(heading) }).first()).toBeVisible();
    if (hash !== "setup") await expectAccessible(page, hash);
    await shot(page, hash);
  }
  await expect(page.getByTestId("supplier-stake").or(page.getByRole("log"))).toBeVisible();
  await page.goto("/#/dashboard");
  await expectClockAxes(page);
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const size of [{ width: 1024, height: 640 }, { width: 1920, height: 1080 }]) {
      await page.setViewportSize(size);
      for (const [hash, heading] of pages) {
        await page.goto(`/#/${hash}`);
        await expect(page.getByRole("heading", { level: 1, name: new RegExp(heading) }).first()).toBeVisible();
        if (hash === "dashboard") await expect(page.getByTestId("status-panel")).toBeVisible();
        await expectNoHorizontalOverflow(page, `${hash} at ${size.width}×${size.height} (${scheme})`);
        if (scheme === "dark" && size.width === 1024 && ["dashboard", "staking", "wallet"].includes(hash)) {
          await expectAccessible(page, `${hash} (dark)`);
          await shot(page, `${hash}-dark`);
        }
        await shot(page, `${hash}-${size.width}x${size.height}-${scheme}`);
      }
    }
  }
});

test("operator only: someone else owns the stake; the wizard prepares their stake with this user's rev-share", async ({ page }) => {
  const OWNER = "pokt1zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3umgkwh";
  const wallet = await engine.call("wallet.status", {});
  await page.goto("/#/setup/stake");
  await page.locator("label", { hasText: "Someone else owns the stake" }).click();
  const form = page.getByTestId("operator-only");
  await expect(form).toContainText("Someone else can own the stake");
  await form.getByLabel("Owner's address").fill(OWNER);
  await form.getByLabel("Your share of the rewards (%)").fill("30");
  await form.getByLabel("Wallet passphrase").fill(PASSPHRASE);
  await form.getByRole("button", { name: "Use this owner" }).click();
  // This engine's operator was staked by itself above: the chain would refuse another owner, and the page says so.
  await expect(form.getByTestId("owner-cannot-change")).toContainText(wallet.operatorAddress!);
  await form.getByRole("button", { name: "Prepare the stake command" }).click();
  const yaml = form.locator("pre").first();
  await expect(yaml).toContainText(`owner_address: ${OWNER}`);
  await expect(yaml).toContainText(`operator_address: ${wallet.operatorAddress}`);
  await expect(yaml).toContainText('service_id: "ai-inference"');
  await expect(yaml).toContainText("rpc_type: REST");
  await expect(yaml).toContainText(`${OWNER}: 70`);
  await expect(yaml).toContainText(`${wallet.operatorAddress}: 30`);
  await expect(form.locator("pre").nth(1)).toContainText(`--from ${OWNER}`);
  await shot(page, "setup-8-stake-operator-only");
  await expectAccessible(page, "setup stake (operator only)");
  // Back to owning the stake with the operator, as the rest of this story has it.
  await engine.call("wallet.setOwner", { address: null, passphrase: PASSPHRASE });
});

test("a wrong passphrase says so and what to do; the right one unlocks", async ({ page }) => {
  await page.goto("/#/wallet");
  await page.getByRole("button", { name: "Lock wallet" }).click();
  const form = page.getByTestId("unlock-form");
  await form.getByLabel("Wallet passphrase").fill("not the passphrase");
  await form.getByRole("button", { name: "Unlock" }).click();
  await expect(form.getByText("Wrong passphrase.")).toBeVisible();
  await expect(page.getByTestId("unlock-error")).toContainText("case-sensitive");
  await shot(page, "wallet-wrong-passphrase");
  await form.getByLabel("Wallet passphrase").fill(PASSPHRASE);
  await form.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("button", { name: "Lock wallet" })).toBeVisible();
});

test("a download that no gateway can serve fails with what to do next", async ({ page }) => {
  await engine.call("models.updateSettings", { ipfsGateways: [deadGateway.url] });
  await page.goto("/#/models");
  const row = page.getByTestId("catalog-test-llama-2-tiny-random");
  await row.getByRole("button", { name: "Download" }).click();
  const failure = page.getByTestId("download-error").first();
  await expect(failure).toContainText("The download stopped.", { timeout: 60_000 });
  await expect(failure).toContainText("Press Retry");
  await shot(page, "models-download-failed");
  await page.getByTestId("download-test-llama-2-tiny-random").first().getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("download-error")).toHaveCount(0);
  await engine.call("models.updateSettings", { ipfsGateways: [gateway.url] });
});

test("the diagnostics bundle downloads from the Logs page and holds no secret", async ({ page }) => {
  await page.goto("/#/logs");
  await expect(page.getByRole("log").locator(".log-line").first()).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export diagnostics" }).click();
  const text = readFileSync(await (await download).path(), "utf8");
  const bundle = JSON.parse(text);
  expect(bundle.format).toBe("pocketforge-diagnostics-v1");
  expect(bundle.wallet.operatorAddress).toMatch(/^pokt1/);
  expect(bundle.logs.length).toBeGreaterThan(0);
  expect(text).not.toContain(PASSPHRASE);
  expect(phrase).toHaveLength(24);
  expect(text).not.toContain(phrase.slice(0, 3).join(" "));
  await page.getByRole("button", { name: "Open log folder" }).click();
  await expect(page.getByText("cannot open folders on the engine's computer")).toBeVisible();
  await shot(page, "logs");
});
