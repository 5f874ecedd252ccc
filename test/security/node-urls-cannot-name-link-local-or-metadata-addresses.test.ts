// A custom network's RPC, a shared localnet, the endpoint staked with and a tunnel's URL are settings anyone with API
// access can change, and the engine connects to each of them itself (the chain client, the signed test relay of the
// endpoint and reachability checks). They may name this machine or the LAN (a full node at home, the embedded
// localnet), but a link-local address would make the engine fetch a cloud's metadata service (SSRF), and an
// unspecified or multicast one is no node at all: such URLs are refused with the reason, and nothing changes.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { createCore } from "../../electron/core/app/create-core.js";
import { checkNodeUrl } from "../../electron/core/runtime/outbound-url.js";
import { ApiError } from "../../shared/api/index.js";

const REFUSED = [
  "http://169.254.169.254/latest/meta-data/",
  "http://[fd00:ec2::254]/latest/meta-data/",
  "http://[fe80::1]:26657",
  "http://[::ffff:169.254.169.254]/",
  "http://2852039166/", // 169.254.169.254 as one number
  "http://0.0.0.0:26657",
  "http://[::]:26657",
  "http://224.0.0.251:5353",
  "https://user:secret@node.example.org",
  "ftp://node.example.org",
];

const ACCEPTED = ["http://127.0.0.1:26657", "http://192.168.1.20:26657", "http://[fd12:3456::1]:26657", "https://rpc.example.org:443"];

test("node URLs: link-local, metadata, unspecified and multicast addresses, credentials and other schemes are refused; loopback, LAN and public ones pass", async () => {
  for (const url of REFUSED) await assert.rejects(checkNodeUrl(url, "The RPC URL"), /^OutboundUrlError: The RPC URL /, url);
  for (const url of ACCEPTED) assert.ok(await checkNodeUrl(url, "The RPC URL"), url);
});

describe("through the API", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-node-urls-"));
  const core = createCore({
    dataDir,
    version: "0.0.0-test",
    probeCompute: async () => ({ backend: "cpu", deviceNames: [], vramTotalBytes: null }),
    overrides: (config) => void (config.openAi.port = 0),
    telemetryIntervalMs: 3_600_000,
  });
  after(async () => {
    await core.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function refusal(method: "chain.setNetwork" | "staking.setEndpoint" | "reach.configure", params: unknown): Promise<ApiError> {
    try {
      await core.router.call(method, params, { transport: "internal" });
    } catch (error) {
      return ApiError.from(error);
    }
    assert.fail(`${method} accepted ${JSON.stringify(params)}`);
  }

  test("chain.setNetwork refuses such an RPC for a custom network and a shared localnet, and stays on its network", async () => {
    const before = (await core.router.call("chain.status", {}, { transport: "internal" })) as { network: string };
    for (const rpcUrl of ["http://169.254.169.254:26657", "http://[fe80::1%25eth0]:26657", "http://0.0.0.0:26657"]) {
      for (const network of ["custom", "localnet"] as const) {
        const error = await refusal("chain.setNetwork", { network, rpcUrl });
        assert.equal(error.code, "invalid_params", rpcUrl);
        assert.match(error.message, /RPC URL (points at|is not a valid URL)/, rpcUrl);
      }
    }
    const afterwards = (await core.router.call("chain.status", {}, { transport: "internal" })) as { network: string };
    assert.equal(afterwards.network, before.network);
  });

  test("staking.setEndpoint refuses a metadata address and keeps the endpoint it had; a LAN address is taken", async () => {
    const lan = (await core.router.call("staking.setEndpoint", { publicUrl: "http://192.168.1.20:8642" }, { transport: "internal" })) as { publicUrl: string | null };
    assert.equal(lan.publicUrl, "http://192.168.1.20:8642");
    const error = await refusal("staking.setEndpoint", { publicUrl: "http://169.254.169.254/latest/meta-data/" });
    assert.equal(error.code, "invalid_params");
    assert.equal(error.details?.field, "publicUrl");
    assert.match(error.message, /^The public endpoint points at 169\.254\.169\.254, a link-local, unspecified or multicast address/);
    const kept = (await core.router.call("staking.endpoint", {}, { transport: "internal" })) as { publicUrl: string | null };
    assert.equal(kept.publicUrl, "http://192.168.1.20:8642");
  });

  test("reach.configure refuses a tunnel URL on a link-local address", async () => {
    const error = await refusal("reach.configure", { method: "tunnel", tunnelUrl: "https://[fd00:ec2::254]/" });
    assert.equal(error.code, "invalid_params");
    assert.equal(error.details?.field, "tunnelUrl");
    assert.match(error.message, /^The tunnel's public URL points at \[fd00:ec2::254\]/);
  });
});
