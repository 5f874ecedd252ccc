import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { ApiError } from "../../../shared/api/index.js";
import { buildSupplierStakeCommand, shellQuote, type SupplierStakeInput } from "../../../electron/core/wallet/stake-command.js";
import { keyPairFromPrivateKey } from "../../../electron/core/wallet/hd-keys.js";

const addressOf = (hex: string) => keyPairFromPrivateKey(Uint8Array.from(Buffer.from(hex, "hex"))).address;
const OWNER = addressOf("a934aab7b08c21d9fd69773d5a8f365a375cc78edb8e46ea78f47e6657eb9656");
const OPERATOR = addressOf("93cfd3f4e710a74431b704fe7f7698a8250de98688976be9230fcb47b9c0be12");
const SOURCE_OWNER = addressOf("f6c64cb9161527368b4a5de4868b3053034c887669fc97ec533fbe84586e1b4d");

function input(overrides: Partial<SupplierStakeInput> = {}): SupplierStakeInput {
  return {
    ownerAddress: OWNER,
    operatorAddress: OPERATOR,
    stakeUpokt: "1000069",
    services: [{ serviceId: "llama-3-8b", endpoints: [{ publiclyExposedUrl: "https://rig.example.com:8545", rpcType: "JSON_RPC" }] }],
    network: { kind: "named", name: "main" },
    configFileName: "stake_supplier_config.yaml",
    fees: "1upokt",
    ...overrides,
  };
}

function rejection(value: SupplierStakeInput): ApiError {
  try {
    buildSupplierStakeCommand(value);
  } catch (error) {
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, "invalid_params");
    return error;
  }
  assert.fail("accepted");
}

describe("supplier stake command for an owner key kept elsewhere", () => {
  test("the YAML has the fields pocketd reads (docs/protocol.md §10.1), owner taking 100 % by default", () => {
    const result = buildSupplierStakeCommand(input());
    assert.equal(
      result.yaml,
      [
        `owner_address: ${OWNER}`,
        `operator_address: ${OPERATOR}`,
        "stake_amount: 1000069upokt",
        "default_rev_share_percent:",
        `  ${OWNER}: 100`,
        "services:",
        '  - service_id: "llama-3-8b"',
        "    endpoints:",
        '      - publicly_exposed_url: "https://rig.example.com:8545"',
        "        rpc_type: JSON_RPC",
        "",
      ].join("\n"),
    );
  });

  test("the command is signed --from the owner and names the config file and network", () => {
    const result = buildSupplierStakeCommand(input());
    assert.deepEqual(result.argv, [
      "pocketd", "tx", "supplier", "stake-supplier",
      "--config", "stake_supplier_config.yaml",
      "--from", OWNER,
      "--network", "main",
      "--gas", "auto",
      "--fees", "1upokt",
    ]);
    assert.equal(result.command, result.argv.join(" "));
    assert.equal(result.signerAddress, OWNER);
  });

  test("per-service shares, endpoint timeouts and an explicit node/chain id are written out", () => {
    const result = buildSupplierStakeCommand(input({
      services: [{
        serviceId: "qwen_7b",
        endpoints: [
          { publiclyExposedUrl: "https://a.example.com", rpcType: "REST", timeout: "30s" },
          { publiclyExposedUrl: "wss://b.example.com/ws", rpcType: "WEBSOCKET" },
        ],
        revSharePercent: { [OWNER]: 90, [SOURCE_OWNER]: 10 },
      }],
      defaultRevSharePercent: { [OPERATOR]: 100 },
      network: { kind: "custom", nodeUrl: "http://127.0.0.1:26657", chainId: "pocket-localnet" },
    }));
    assert.ok(result.yaml.includes(`default_rev_share_percent:\n  ${OPERATOR}: 100\n`));
    assert.ok(result.yaml.includes('        rpc_type: REST\n        config:\n          timeout: "30s"\n'));
    assert.ok(result.yaml.includes('      - publicly_exposed_url: "wss://b.example.com/ws"\n        rpc_type: WEBSOCKET\n'));
    assert.ok(result.yaml.endsWith(`    rev_share_percent:\n      ${OWNER}: 90\n      ${SOURCE_OWNER}: 10\n`));
    assert.deepEqual(result.argv.slice(8, 12), ["--node", "http://127.0.0.1:26657", "--chain-id", "pocket-localnet"]);
  });

  test("addresses are written in canonical lower case", () => {
    const result = buildSupplierStakeCommand(input({ ownerAddress: OWNER.toUpperCase() }));
    assert.ok(result.yaml.startsWith(`owner_address: ${OWNER}\n`));
  });

  test("arguments a shell would split or expand are quoted", () => {
    assert.equal(shellQuote("stake_supplier_config.yaml"), "stake_supplier_config.yaml");
    assert.equal(shellQuote("my stake.yaml"), "'my stake.yaml'");
    assert.equal(shellQuote("it's.yaml"), "'it'\\''s.yaml'");
    assert.equal(shellQuote("$(rm -rf ~).yaml"), "'$(rm -rf ~).yaml'");
    const result = buildSupplierStakeCommand(input({ configFileName: "my stake.yaml" }));
    assert.ok(result.command.includes("--config 'my stake.yaml' --from"));
  });

  test("an owner address of another chain is refused with an explanation", () => {
    const cosmosOwner = toBech32("cosmos", fromBech32(OWNER, 90).data);
    const error = rejection(input({ ownerAddress: cosmosOwner }));
    assert.equal(error.details?.reason, "prefix_mismatch");
    assert.match(error.message, /owner address starts with "cosmos1"/);
  });

  test("the chain's rules are checked before the user runs anything", () => {
    const cases: Array<[Partial<SupplierStakeInput>, RegExp]> = [
      [{ stakeUpokt: "0" }, /positive whole number/],
      [{ services: [] }, /at least one service/],
      [{ services: [{ serviceId: "ollama:mistral:7b", endpoints: [{ publiclyExposedUrl: "https://x.example", rpcType: "REST" }] }] }, /letters, digits/],
      [{ services: [{ serviceId: "a", endpoints: [] }] }, /at least one endpoint/],
      [{ services: [{ serviceId: "a", endpoints: [{ publiclyExposedUrl: "ftp://x.example", rpcType: "REST" }] }] }, /http\(s\) or ws\(s\)/],
      [{ services: [{ serviceId: "a", endpoints: [{ publiclyExposedUrl: "not a url", rpcType: "REST" }] }] }, /not a URL/],
      [{ defaultRevSharePercent: { [OWNER]: 60, [OPERATOR]: 30 } }, /adds up to 90 %/],
      [{ defaultRevSharePercent: { [OWNER]: 50, [OWNER.toUpperCase()]: 50 } }, /appears twice/],
      [{ fees: "1pokt" }, /upokt/],
    ];
    for (const [overrides, message] of cases) assert.match(rejection(input(overrides)).message, message);
    const twice = input().services[0];
    assert.match(rejection(input({ services: [twice, twice] })).message, /listed twice/);
  });
});
