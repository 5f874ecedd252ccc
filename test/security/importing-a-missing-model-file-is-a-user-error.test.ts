// models.import with a path that names nothing (a typo, a file moved away, a probe for which paths exist): the caller
// gets a not_found error that says what to do, not an "internal" error (which the router logs as the engine's own
// failure, and which tells the person nothing). A folder is refused the same way, as their mistake.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createModelHandlers } from "../../electron/core/models/api-handlers.js";
import { ModelPaths } from "../../electron/core/models/model-paths.js";
import { ModelService } from "../../electron/core/models/model-service.js";
import { LogSink } from "../../electron/core/runtime/logger.js";
import { ApiError, parseCall, type HardwareInfo } from "../../shared/api/index.js";

const hardware: HardwareInfo = {
  cpu: { manufacturer: "Test", brand: "Test CPU", cores: 2, physicalCores: 2, speedGHz: 3 },
  memory: { totalBytes: 8 * 1024 ** 3, availableBytes: 6 * 1024 ** 3 },
  os: { platform: "linux", distro: "test", release: "1", arch: "x64" },
  gpus: [],
  compute: { backend: "cpu", deviceNames: [], vramTotalBytes: null, advice: [] },
};

test("importing a file that is not there is not_found with what to do; a folder is invalid_params; neither is internal", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-import-missing-"));
  const logs = new LogSink({ dir: null });
  const models = new ModelService({ dataDir, logger: logs.logger("models"), emit: () => undefined, hardware: { getInfo: async () => hardware } });
  const paths = new ModelPaths(dataDir);
  const handlers = createModelHandlers(models, paths);
  const call = async (params: unknown, transport: "ipc" | "websocket"): Promise<ApiError> => {
    const parsed = parseCall("models.import", params);
    try {
      await handlers["models.import"](parsed.params as never, { transport, peer: "127.0.0.1" } as never);
    } catch (error) {
      return ApiError.from(error);
    }
    assert.fail("the import succeeded");
  };
  try {
    await models.start();
    const missing = join(dataDir, "nowhere", "model.gguf");
    const desktop = await call({ path: missing }, "ipc");
    assert.equal(desktop.code, "not_found");
    assert.equal(desktop.message, `There is no file at ${missing}. Check the path: the file is read on the computer the engine runs on.`);
    assert.equal(desktop.details?.field, "path");

    mkdirSync(paths.importDir, { recursive: true });
    const fromBrowser = await call({ path: join(paths.importDir, "typo.gguf") }, "websocket");
    assert.equal(fromBrowser.code, "not_found");
    assert.match(fromBrowser.message, new RegExp(`inside ${paths.importDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`), "a browser is told where to put the file");

    const folder = await call({ path: paths.importDir }, "websocket");
    assert.equal(folder.code, "invalid_params");
    assert.match(folder.message, /is a folder, not a file/);

    // The service itself (called without the API's check) says the same.
    const direct = await models.import(missing, null).then(
      () => assert.fail("imported"),
      (error: unknown) => ApiError.from(error),
    );
    assert.equal(direct.code, "not_found");
    assert.deepEqual(logs.tail(100, "error"), [], "nothing was logged as the engine's own failure");
  } finally {
    await models.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
