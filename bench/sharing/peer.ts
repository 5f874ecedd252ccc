// The peer of `npm run bench -- sharing`, in its own process as it would be on its own machine: a ModelService holding
// the 48 MiB model, its LAN gateway (default limits), and a plain static-file HTTP server for the same file.
import { createReadStream, mkdtempSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelService } from "../../electron/core/models/model-service.js";
import { DEFAULT_SHARING_SETTINGS } from "../../electron/core/models/sharing/sharing-service.js";
import { PeerGateway } from "../../electron/core/models/sharing/peer-gateway.js";
import { silentLogger } from "../../electron/core/runtime/logger.js";
import type { HardwareInfo } from "../../shared/api/index.js";

const [modelPath] = process.argv.slice(2);
const dataDir = mkdtempSync(join(tmpdir(), "pf-bench-peer-"));
const models = new ModelService({ dataDir, logger: silentLogger, emit: () => {}, hardware: { getInfo: async () => ({}) as HardwareInfo } });
await models.start();
const installed = await models.import(modelPath!, null);
const gateway = new PeerGateway({
  library: models,
  logger: silentLogger,
  id: "bench-peer",
  name: "bench",
  perPeerRequestsPerSecond: DEFAULT_SHARING_SETTINGS.perPeerRequestsPerSecond,
  uploadBytesPerSecond: null,
});
const { port } = await gateway.start("127.0.0.1", 0);
const size = statSync(installed.path).size;
const plain = createServer((req, res) => {
  if (req.url !== "/model.gguf") return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": size });
  createReadStream(installed.path).pipe(res);
});
await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
process.send!({
  gateway: `http://127.0.0.1:${port}`,
  plain: `http://127.0.0.1:${(plain.address() as AddressInfo).port}/model.gguf`,
  cid: installed.cid,
  sha256: installed.sha256,
  size,
  dataDir,
});
