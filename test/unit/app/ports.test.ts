import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigStore } from "../../../electron/core/app/config.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { PortsSettings } from "../../../electron/core/app/ports.js";

function setup(state: "running" | "stopped") {
  const config = new ConfigStore(mkdtempSync(join(tmpdir(), "pf-ports-")), silentLogger);
  const calls: string[] = [];
  const relayMiner = {
    status: () => ({ state }),
    stopMining: async () => calls.push("stop"),
    startMining: async () => calls.push("start"),
  };
  return { config, calls, ports: new PortsSettings({ config, effective: config.get(), relayMiner }) };
}

test("the saved addresses are the config's; nothing waits for a restart at first", () => {
  const { ports } = setup("stopped");
  const view = ports.view();
  assert.deepEqual(view.saved.dashboard, { host: "127.0.0.1", port: 8640 });
  assert.deepEqual(view.saved.relay, { host: "127.0.0.1", port: 8642 });
  assert.deepEqual(view.pendingRestart, []);
});

test("a new relay address is saved and a running relay miner restarts on it", async () => {
  const { ports, config, calls } = setup("running");
  const view = await ports.update({ relay: { host: "0.0.0.0", port: 9000 } });
  assert.deepEqual(config.get().relayMiner.listen, { host: "0.0.0.0", port: 9000 });
  assert.deepEqual(view.saved.relay, { host: "0.0.0.0", port: 9000 });
  assert.deepEqual(calls, ["stop", "start"]);
  assert.deepEqual(view.pendingRestart, []);
});

test("dashboard and OpenAI ports are saved for the next start and reported as pending", async () => {
  const { ports, calls } = setup("running");
  const view = await ports.update({ dashboard: { host: "127.0.0.1", port: 9640 }, openAi: { host: "127.0.0.1", port: 9641 } });
  assert.deepEqual(view.pendingRestart, ["dashboard", "openAi"]);
  assert.deepEqual(view.running, { dashboard: { host: "127.0.0.1", port: 8640 }, openAi: { host: "127.0.0.1", port: 8641 } });
  assert.deepEqual(calls, [], "the relay miner is left alone when its address did not change");
});

test("an invalid port is refused and nothing is saved", async () => {
  const { ports, config } = setup("stopped");
  await assert.rejects(ports.update({ relay: { host: "127.0.0.1", port: 70_000 } }));
  assert.equal(config.get().relayMiner.listen.port, 8642);
});
