import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ApiError, type InferenceStatus } from "../../../shared/api/index.js";
import { createInferenceHandlers, type InferenceFacade } from "../../../electron/core/inference/api-handlers.js";
import { ModelPaths } from "../../../electron/core/models/model-paths.js";

test("inference.load checks the file before the loaded model is replaced, and never echoes its contents", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-inference-load-"));
  try {
    const paths = new ModelPaths(dataDir);
    mkdirSync(paths.importDir, { recursive: true });
    const secret = join(paths.importDir, "wallet-backup.gguf");
    writeFileSync(secret, "SECRET-MNEMONIC-WORDS abandon abandon");
    const loads: string[] = [];
    const status = { state: "ready", model: null, message: null, endpoint: null, activeRequests: 0, queuedRequests: 0, workerRestarts: 0 } as unknown as InferenceStatus;
    const facade = {
      status: () => status,
      load: async (options: { modelPath: string }) => (loads.push(options.modelPath), status),
    } as unknown as InferenceFacade;
    const remembered: Array<string | null> = [];
    const handlers = createInferenceHandlers(facade, () => undefined, (path) => remembered.push(path), (path, context) => paths.checkModelFile(path, context));
    const load = async (modelPath: string, transport: "ipc" | "websocket") => handlers["inference.load"]({ modelPath } as never, { transport });

    for (const [path, transport, code] of [
      [secret, "ipc", "invalid_params"],
      [join(dataDir, "missing.gguf"), "websocket", "not_found"],
      [paths.importDir, "websocket", "invalid_params"],
      ["/etc/hostname", "websocket", "invalid_params"],
    ] as const) {
      await assert.rejects(load(path, transport), (error: ApiError) => {
        assert.equal(error.code, code, path);
        assert.doesNotMatch(error.message, /SECRET|abandon/);
        return true;
      });
    }
    assert.deepEqual(loads, [], "the loaded model was never replaced");
    assert.deepEqual(remembered, []);

    const real = join(paths.importDir, "real.gguf");
    writeFileSync(real, Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(16)]));
    await load(real, "websocket");
    assert.deepEqual(loads, [real]);
    assert.deepEqual(remembered, [real]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
