import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { renderToStaticMarkup } from "react-dom/server";
import type { EngineStartup } from "../../../shared/api/index.js";
import { StartupScreen } from "../../../renderer/src/components/startup/StartupScreen.js";
import { followStartup, useEngine } from "../../../renderer/src/stores/engine-store.js";
import { FakeApi, settle } from "./fake-api.js";

const initial = useEngine.getState();
afterEach(() => useEngine.setState(initial, true));

const starting: EngineStartup = {
  state: "starting",
  steps: [
    { id: "wallet", label: "Opening the wallet and the ledger", state: "done", detail: null },
    { id: "workers", label: "Starting the inference workers", state: "running", detail: null },
    { id: "model", label: "Loading the last model", state: "pending", detail: "llama-3.2-1b.gguf" },
  ],
  error: null,
};

test("the start-up screen lists each step with its state, and how far the start has got", () => {
  const html = renderToStaticMarkup(<StartupScreen startup={starting} />);
  assert.match(html, /Starting PocketForge/);
  assert.match(html, /aria-valuenow="33.3"/);
  assert.match(html, /1 of 3 steps/);
  assert.match(html, /data-state="running"[^>]*>.*Starting the inference workers.*\(in progress\)/);
  assert.match(html, /llama-3\.2-1b\.gguf/);
  const failed = renderToStaticMarkup(<StartupScreen startup={{ ...starting, state: "failed", error: "PocketForge could not start: disk full." }} />);
  assert.match(failed, /role="alert"/);
  assert.match(failed, /disk full/);
  assert.match(failed, /Quit, fix what the message says/);
});

test("snapshots are taken once the engine says it is ready, once", async () => {
  const api = new FakeApi({ "app.startup": () => starting });
  let ready = 0;
  followStartup(api, () => ready++);
  await settle();
  assert.equal(useEngine.getState().startup?.state, "starting");
  assert.equal(ready, 0, "nothing else is asked while the engine starts");
  api.emit("app.startup", { ...starting, state: "ready" });
  api.emit("app.startup", { ...starting, state: "ready" });
  assert.equal(ready, 1);
  assert.equal(useEngine.getState().startup?.state, "ready");

  const already = new FakeApi({ "app.startup": () => ({ ...starting, state: "ready" }) });
  let readyAtOnce = 0;
  followStartup(already, () => readyAtOnce++);
  await settle();
  assert.equal(readyAtOnce, 1, "an engine that is already up is refreshed at once");
});
