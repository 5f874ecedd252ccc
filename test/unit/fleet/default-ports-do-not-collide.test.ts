// Each listener of one engine has a default port of its own: two that share one fail to start side by side on a
// machine that uses both (a rig that shares models on the LAN and is an inference node: the model gateway and the
// fleet listener both listening beyond loopback), and whichever starts second reports EADDRINUSE.
import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultConfig } from "../../../electron/core/app/config.js";
import { DEFAULT_FLEET_PORT } from "../../../electron/core/fleet/fleet-settings.js";
import { DEFAULT_OPENAI_PORT } from "../../../electron/core/inference/openai/server.js";
import { DEFAULT_SHARING_SETTINGS } from "../../../electron/core/models/sharing/sharing-service.js";
import { DEFAULT_METRICS_PORT, DEFAULT_RELAY_PORT } from "../../../electron/core/relayminer/config.js";

test("the dashboard, OpenAI endpoint, relay miner, metrics, model gateway and fleet listener default to different ports", () => {
  const config = defaultConfig();
  const ports = {
    dashboard: config.dashboard.port,
    openAi: config.openAi.port,
    openAiServer: DEFAULT_OPENAI_PORT,
    relayMiner: DEFAULT_RELAY_PORT,
    metrics: DEFAULT_METRICS_PORT,
    modelGateway: DEFAULT_SHARING_SETTINGS.port,
    fleet: DEFAULT_FLEET_PORT,
  };
  const owners = new Map<number, string[]>();
  for (const [name, port] of Object.entries(ports)) owners.set(port, [...(owners.get(port) ?? []), name]);
  const shared = [...owners.entries()].filter(([port, names]) => names.length > 1 && !(port === DEFAULT_OPENAI_PORT && names.every((n) => n.startsWith("openAi"))));
  assert.deepEqual(shared, [], "no two listeners share a default port");
});
