import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { ModelCatalog } from "../../../electron/core/models/catalog.js";
import {
  CATALOG_SCHEMA,
  CatalogEntry,
  ServiceId,
  mergeCatalogs,
  parseCatalog,
} from "../../../shared/models/catalog-schema.js";
import { estimateNeeds } from "../../../shared/models/memory-estimate.js";
import { repoRoot, sharedAssetsDir } from "../../fixtures/paths.js";

const builtInDocument = JSON.parse(readFileSync(resolve(repoRoot, "models", "catalog.json"), "utf8"));
const builtIn = parseCatalog(builtInDocument, "built-in");

function entry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...structuredClone(builtInDocument.models[0]), id: "extra-model", ...overrides };
}

test("the built-in catalog is valid and spans small to 70B-class models", () => {
  assert.deepEqual(builtIn.problems, []);
  const real = builtIn.entries.filter((e) => !e.testOnly);
  assert.ok(real.length >= 12, `${real.length} real models`);
  const sizes = real.map((e) => e.parameters);
  assert.ok(Math.min(...sizes) <= 0.6e9, "has a ~0.5B model");
  assert.ok(Math.max(...sizes) >= 65e9, "has a 70B-class model");
  assert.ok(new Set(real.map((e) => e.family)).size >= 5, "several families");
  for (const e of builtIn.entries) {
    assert.equal(e.verified, e.sha256 !== undefined, e.id);
    assert.ok(ServiceId.safeParse(e.pokt.serviceId).success, e.id);
    assert.ok(e.sources.length > 0, e.id);
  }
});

test("needs in the catalog are the memory estimate of each entry's own facts", () => {
  for (const e of builtIn.entries) {
    if (e.sizeBytes === undefined) continue;
    const expected = estimateNeeds(e.sizeBytes, e.architecture, e.needs.contextTokens);
    assert.deepEqual(e.needs, expected, e.id);
    assert.ok(e.needs.vramBytes > e.sizeBytes, `${e.id} needs more than its weights`);
  }
});

test("the two test models carry the sha256 of the real files and their UnixFS CIDs", () => {
  const expected: Record<string, { file: string; cid: string }> = {
    "test-stories260k": { file: "stories260K.gguf", cid: "bafybeiatwpy6miidvwxi2klvvabcgj4raczu7er7fe3phd3pqs2tr2kmoe" },
    "test-llama-2-tiny-random": {
      file: "llama-2-tiny-random.gguf",
      cid: "bafybeiczhyewdgtpdctrcbzmbcrlnl2kovxz5o5oqhx6u67ii2tf65e5ba",
    },
  };
  for (const [id, { file, cid }] of Object.entries(expected)) {
    const e = builtIn.entries.find((x) => x.id === id);
    assert.ok(e?.testOnly, id);
    const bytes = readFileSync(resolve(sharedAssetsDir, "models", file));
    assert.equal(e.sha256, createHash("sha256").update(bytes).digest("hex"), id);
    assert.equal(e.sizeBytes, bytes.length, id);
    assert.deepEqual(e.sources.find((s) => s.kind === "ipfs"), { kind: "ipfs", cid });
  }
});

test("service ids follow the chain's rule: letters, digits, _ and -, at most 42 characters", () => {
  assert.equal(ServiceId.safeParse("ollama:mistral:7b").success, false);
  assert.equal(ServiceId.safeParse("a".repeat(43)).success, false);
  assert.equal(ServiceId.safeParse("").success, false);
  assert.equal(ServiceId.safeParse("a".repeat(42)).success, true);
  assert.equal(ServiceId.safeParse("qwen2_5-7b-instruct").success, true);
});

test("verified must agree with the presence of a sha256", () => {
  const withoutSha = entry({ sha256: undefined, verified: true });
  delete withoutSha.sha256;
  assert.match(JSON.stringify(CatalogEntry.safeParse(withoutSha).error?.issues), /verified: false/);
  assert.equal(CatalogEntry.safeParse(entry({ verified: false })).success, false);
  assert.equal(CatalogEntry.safeParse(entry({ sha256: "ABC", verified: true })).success, false);
});

test("bad entries are reported one by one and the good ones kept", () => {
  const parsed = parseCatalog(
    {
      schema: CATALOG_SCHEMA,
      models: [
        entry({ id: "good-one" }),
        entry({ id: "bad-service", pokt: { serviceId: "ollama:mistral:7b", weight: 1 } }),
        entry({ id: "bad-source", sources: [{ kind: "https", url: "http://plain.example/model.gguf" }] }),
        entry({ id: "good-one" }),
      ],
    },
    "remote",
  );
  assert.deepEqual(parsed.entries.map((e) => e.id), ["good-one"]);
  assert.deepEqual(parsed.problems.map((p) => p.entry), ["bad-service", "bad-source", "good-one"]);
  assert.match(parsed.problems[0].message, /pokt\.serviceId/);
  assert.match(parsed.problems[1].message, /https/);
  assert.match(parsed.problems[2].message, /duplicate/);

  const wrongSchema = parseCatalog({ schema: "something-else", models: [] }, "remote");
  assert.equal(wrongSchema.entries.length, 0);
  assert.match(wrongSchema.problems[0].message, /pocketforge-catalog-v1/);
});

test("a remote catalog adds models but cannot replace a built-in one", () => {
  const firstId = builtIn.entries[0].id;
  const remote = parseCatalog(
    { schema: CATALOG_SCHEMA, models: [entry({ id: "remote-extra" }), entry({ id: firstId, sha256: "0".repeat(64) })] },
    "https://catalog.example/models.json",
  );
  const merged = mergeCatalogs(builtIn, remote, "https://catalog.example/models.json");
  assert.equal(merged.entries.length, builtIn.entries.length + 1);
  assert.equal(merged.entries.find((e) => e.id === firstId)?.sha256, builtIn.entries[0].sha256);
  assert.match(merged.problems.find((p) => p.entry === firstId)?.message ?? "", /built-in entry is kept/);
});

test("ModelCatalog merges a fetched remote catalog and falls back to the built-in one when it fails", async () => {
  const responses: Array<() => Response> = [
    () => Response.json({ schema: CATALOG_SCHEMA, models: [entry({ id: "remote-extra" }), { id: "broken" }] }),
    () => new Response("not json", { status: 200 }),
    () => new Response("gone", { status: 404 }),
  ];
  const requested: string[] = [];
  const catalog = new ModelCatalog({
    logger: silentLogger,
    fetch: async (input) => {
      requested.push(String(input));
      return responses.shift()!();
    },
    now: () => 1234,
  });
  const count = catalog.snapshot().entries.length;

  const good = await catalog.refresh("https://catalog.example/models.json");
  assert.equal(good.entries.length, count + 1);
  assert.ok(catalog.get("remote-extra"));
  assert.deepEqual(good.problems.map((p) => p.entry), ["broken"]);
  assert.deepEqual(good.remote, { url: "https://catalog.example/models.json", fetchedAt: 1234, error: null });

  const invalid = await catalog.refresh("https://catalog.example/models.json");
  assert.equal(invalid.entries.length, count);
  assert.match(invalid.remote.error ?? "", /not valid JSON/);

  const missing = await catalog.refresh("https://catalog.example/models.json");
  assert.match(missing.remote.error ?? "", /HTTP 404/);
  assert.equal(catalog.get("remote-extra"), undefined);
  assert.equal(requested.length, 3);

  const rejected = await catalog.refresh("file:///etc/passwd");
  assert.match(rejected.remote.error ?? "", /http:\/\/ or https:\/\//);
  assert.equal(requested.length, 3, "a non-http URL is never fetched");
});
