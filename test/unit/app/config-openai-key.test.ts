import assert from "node:assert/strict";
import { test } from "node:test";
import { CONFIG_VERSION, ConfigSchema } from "../../../electron/core/app/config.js";
import { redactValue } from "../../../electron/core/app/diagnostics.js";

test("the OpenAI endpoint's API key is off by default, at least 16 characters when set, and never in a diagnostics bundle", () => {
  assert.equal(ConfigSchema.parse({ version: CONFIG_VERSION }).openAiApiKey, null);
  assert.throws(() => ConfigSchema.parse({ version: CONFIG_VERSION, openAiApiKey: "short" }), /at least 16 characters/);
  const config = ConfigSchema.parse({ version: CONFIG_VERSION, openAiApiKey: "sk-local-0123456789abcdef" });
  assert.equal(config.openAiApiKey, "sk-local-0123456789abcdef");
  assert.doesNotMatch(JSON.stringify(redactValue(config, [])), /0123456789abcdef/);
});
