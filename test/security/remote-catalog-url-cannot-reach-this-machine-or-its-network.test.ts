// remoteCatalogUrl is a setting anyone with API access can change, and the engine fetches it itself: pointed at
// loopback, the LAN, link-local or a cloud metadata service it would make the engine a proxy onto them (SSRF). Such
// URLs are refused when saved, with a message that says why; and a URL that got into the settings file anyway (an
// older version, a hand edit, a name that resolves elsewhere later) is refused when fetched, before any connection.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ModelService } from "../../electron/core/models/model-service.js";
import { LogSink } from "../../electron/core/runtime/logger.js";
import { isPublicAddress } from "../../electron/core/runtime/outbound-url.js";
import { ApiError, type HardwareInfo } from "../../shared/api/index.js";
import { CATALOG_SCHEMA } from "../../shared/models/catalog-schema.js";

const hardware: HardwareInfo = {
  cpu: { manufacturer: "Test", brand: "Test CPU", cores: 2, physicalCores: 2, speedGHz: 3 },
  memory: { totalBytes: 8 * 1024 ** 3, availableBytes: 6 * 1024 ** 3 },
  os: { platform: "linux", distro: "test", release: "1", arch: "x64" },
  gpus: [],
  compute: { backend: "cpu", deviceNames: [], vramTotalBytes: null, advice: [] },
};

const REFUSED = [
  "https://127.0.0.1/catalog.json",
  "https://127.8.9.10:8443/catalog.json",
  "https://2130706433/catalog.json", // 127.0.0.1 as one number
  "https://0x7f.1/catalog.json",
  "https://[::1]/catalog.json",
  "https://[::ffff:127.0.0.1]/catalog.json",
  "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
  "https://[fd00:ec2::254]/latest/meta-data/",
  "https://[fe80::1]/catalog.json",
  "https://10.0.0.1/catalog.json",
  "https://172.16.5.4/catalog.json",
  "https://192.168.1.1/catalog.json",
  "https://100.64.0.1/catalog.json",
  "https://0.0.0.0/catalog.json",
  "https://localhost/catalog.json", // a name: refused after DNS resolution
];

function service(dataDir: string, logs: LogSink, allowLoopbackCatalog = false): ModelService {
  return new ModelService({ dataDir, logger: logs.logger("models"), emit: () => undefined, hardware: { getInfo: async () => hardware }, allowLoopbackCatalog });
}

test("saving a remote catalog URL on this machine or its network is refused with the reason; http:// is refused too", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-ssrf-save-"));
  const models = service(dataDir, new LogSink({ dir: null }));
  try {
    for (const url of REFUSED) {
      const error = await models.updateSettings({ remoteCatalogUrl: url }).then(
        () => assert.fail(`${url} was saved`),
        (e: unknown) => ApiError.from(e),
      );
      assert.equal(error.code, "invalid_params", url);
      assert.match(error.message, /^The remote catalog URL points at .*private network.*public https:\/\/ servers$/, url);
      assert.equal(error.details?.field, "remoteCatalogUrl");
    }
    const plain = await models.updateSettings({ remoteCatalogUrl: "http://catalog.example.org/models.json" }).catch((e: unknown) => ApiError.from(e));
    assert.match((plain as ApiError).message, /must be an https:\/\/ address/);
    assert.equal(models.settings().remoteCatalogUrl, null, "nothing was saved");
    // A public https:// URL is accepted (it need not resolve here: the fetch reports that).
    assert.equal((await models.updateSettings({ remoteCatalogUrl: "https://catalog.invalid/models.json" })).remoteCatalogUrl, "https://catalog.invalid/models.json");
  } finally {
    await models.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a private URL already in the settings file is refused when fetched, before any connection is made", async () => {
  let connections = 0;
  const listener = createTcpServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const port = (listener.address() as AddressInfo).port;
  const dataDir = mkdtempSync(join(tmpdir(), "pf-ssrf-stored-"));
  try {
    for (const url of [`https://127.0.0.1:${port}/catalog.json`, `https://localhost:${port}/catalog.json`, `http://127.0.0.1:${port}/catalog.json`]) {
      mkdirSync(join(dataDir, "models"), { recursive: true });
      const settings = { ipfsGateways: ["https://ipfs.io"], arweaveGateways: ["https://arweave.net"], minArweaveConfirmations: 10, remoteCatalogUrl: url, ipfsConcurrency: 8, cpuBandwidthGBps: null };
      writeFileSync(join(dataDir, "models", "settings.json"), JSON.stringify({ format: "pocketforge-model-settings-v1", settings }));
      const models = service(dataDir, new LogSink({ dir: null }));
      try {
        const view = await models.catalogView(true);
        assert.match(view.remote.error ?? "", /points at .*private network|must be an https:\/\/ address/, url);
      } finally {
        await models.dispose();
      }
    }
    assert.equal(connections, 0, "the engine never connected");
  } finally {
    listener.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("with the development allowance a catalog on this machine is fetched (the LAN and metadata stay refused)", async () => {
  const document = { schema: CATALOG_SCHEMA, models: [] };
  const server = createHttpServer((req, res) => {
    if (req.url === "/redirect") {
      res.writeHead(302, { Location: "http://169.254.169.254/latest/meta-data/" }).end();
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(document));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const dataDir = mkdtempSync(join(tmpdir(), "pf-ssrf-dev-"));
  const models = service(dataDir, new LogSink({ dir: null }), true);
  try {
    await models.updateSettings({ remoteCatalogUrl: `http://localhost:${port}/catalog.json` });
    const view = await models.catalogView(true);
    assert.equal(view.remote.error, null, `fetched: ${view.remote.error}`);
    assert.equal(typeof view.remote.fetchedAt, "number");

    // A redirect is not followed, wherever it points.
    await models.updateSettings({ remoteCatalogUrl: `http://127.0.0.1:${port}/redirect` });
    const redirected = await models.catalogView(true);
    assert.match(redirected.remote.error ?? "", /redirects \(HTTP 302\) to http:\/\/169\.254\.169\.254\/latest\/meta-data\/; redirects are not followed/);

    for (const url of ["https://169.254.169.254/latest/meta-data/", "https://192.168.1.1/catalog.json"]) {
      await assert.rejects(models.updateSettings({ remoteCatalogUrl: url }), (e: ApiError) => e.code === "invalid_params", url);
    }
  } finally {
    await models.dispose();
    server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("public addresses pass; IPv4-mapped private ones do not", () => {
  for (const address of ["1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "172.32.0.1", "100.128.0.1"]) assert.ok(isPublicAddress(address), address);
  for (const address of ["::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "not-an-address"]) assert.ok(!isPublicAddress(address), address);
});
