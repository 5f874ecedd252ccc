import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import type { DownloadProgress, InstalledModel, WalletSnapshot } from "../../../shared/api/index.js";
import { applyDownload, bindModels, refreshModels, useModels } from "../../../renderer/src/stores/models-store.js";
import { bindWallet, refreshWallet, useWallet } from "../../../renderer/src/stores/wallet-store.js";
import { bindSettings, useSettings } from "../../../renderer/src/stores/settings-store.js";
import { FakeApi, settle } from "./fake-api.js";

const initialModels = useModels.getState();
const initialWallet = useWallet.getState();
afterEach(() => {
  useModels.setState(initialModels, true);
  useWallet.setState(initialWallet, true);
});

function download(modelId: string, state: DownloadProgress["state"], bytesDone = 0): DownloadProgress {
  return { modelId, state, source: "ipfs", via: null, bytesDone, bytesTotal: 100, bytesPerSecond: 0, etaSeconds: null, blocksRejected: 0, suppliers: [], error: null, startedAt: 0, updatedAt: 0 };
}

const plan = { devices: [], fits: [], recommendation: null, method: "m" };

test("download events replace that model's progress, and a cancelled download disappears", () => {
  let downloads = applyDownload({}, download("a", "downloading", 10));
  downloads = applyDownload(downloads, download("b", "downloading", 5));
  downloads = applyDownload(downloads, download("a", "downloading", 60));
  assert.equal(downloads.a.bytesDone, 60);
  downloads = applyDownload(downloads, download("b", "cancelled"));
  assert.deepEqual(Object.keys(downloads), ["a"]);
});

test("the models store mirrors snapshots, then follows events; an install asks the engine for a new plan", async () => {
  const installed = [{ id: "test-stories260k", catalogId: "test-stories260k" } as InstalledModel];
  const api = new FakeApi({
    "models.catalog": () => ({ entries: [], installedIds: [], problems: [], remote: { url: null, fetchedAt: null, error: null } }),
    "models.installed": () => [],
    "models.downloads": () => [download("x", "paused", 40)],
    "models.benchmarks": () => [],
    "models.plan": () => plan,
  });
  const off = bindModels(api);
  await refreshModels(api);
  assert.equal(useModels.getState().downloads.x.state, "paused");
  assert.deepEqual(useModels.getState().installed, []);
  const plansBefore = api.called("models.plan");

  api.emit("models.download", download("x", "downloading", 70));
  assert.equal(useModels.getState().downloads.x.bytesDone, 70);

  api.emit("models.changed", { installed });
  assert.deepEqual(useModels.getState().installed, installed);
  assert.deepEqual(useModels.getState().catalog?.installedIds, ["test-stories260k"]);
  await settle();
  assert.equal(api.called("models.plan"), plansBefore + 1);

  off();
  assert.equal(api.listenerCount("models.download"), 0);
});

test("a failed snapshot leaves an error to show instead of an empty list", async () => {
  const api = new FakeApi({});
  await refreshModels(api);
  assert.match(useModels.getState().error ?? "", /no answer for models\./);
  assert.equal(useModels.getState().installed, null);
});

test("the wallet store follows wallet.changed and never holds more than the snapshot", async () => {
  const locked: WalletSnapshot = { state: "locked", problem: null, accounts: [], operatorAddress: null, owner: null, device: { remembered: false, availability: "not_supported" } };
  const api = new FakeApi({ "wallet.status": () => locked });
  bindWallet(api);
  await refreshWallet(api);
  assert.equal(useWallet.getState().snapshot?.state, "locked");
  api.emit("wallet.changed", { ...locked, state: "unlocked" });
  assert.equal(useWallet.getState().snapshot?.state, "unlocked");
  assert.deepEqual(Object.keys(useWallet.getState()).sort(), ["error", "snapshot"]);
});

test("alerts accumulate newest last, and settings follow settings.changed", () => {
  const api = new FakeApi();
  bindSettings(api);
  const alert = (key: string) => ({ kind: "low_operator_balance" as const, key, title: "t", message: "m", route: "wallet" as const, time: 1 });
  api.emit("alerts.raised", alert("one"));
  api.emit("alerts.raised", alert("two"));
  assert.deepEqual(useSettings.getState().alerts.map((a) => a.key), ["one", "two"]);
  const settings = { availability: { mode: "idle" } } as never;
  api.emit("settings.changed", settings);
  assert.equal(useSettings.getState().settings, settings);
});
