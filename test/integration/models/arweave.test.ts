import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadFromArweave, type ArweaveDownloadOptions } from "../../../electron/core/models/download/arweave.js";
import { DownloadError } from "../../../electron/core/models/download/errors.js";
import { SequentialVerifiedWriter } from "../../../electron/core/models/download/verified-writer.js";
import { openFileTarget } from "../../../electron/core/models/download/write-target.js";
import { fakeTxId, startArweaveGateway, type ArweaveGatewayFixture, type ArweaveTx } from "../../fixtures/models/arweave-gateway.js";
import { testModelPath } from "../../fixtures/paths.js";

// arlocal cannot be installed here (it depends on a GitHub git URL), so the gateway is a loopback fixture speaking
// the real gateway HTTP API: /{txid} with Range, /tx/{txid}/status, /tx/{txid}/data.
const model = readFileSync(testModelPath());
const sha256 = createHash("sha256").update(model).digest("hex");
const txId = fakeTxId(model);
const work = mkdtempSync(join(tmpdir(), "pf-arweave-"));
const gateways: ArweaveGatewayFixture[] = [];
after(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  rmSync(work, { recursive: true, force: true });
});

async function gateway(confirmations: number | null, behaviour = {}, txs?: Map<string, ArweaveTx>) {
  const g = await startArweaveGateway(txs ?? new Map([[txId, { data: model, confirmations }]]), behaviour);
  gateways.push(g);
  return g;
}

let counter = 0;
async function download(urls: string[], extra: Partial<ArweaveDownloadOptions> = {}) {
  const path = join(work, `tx-${++counter}.partial`);
  const writer = await SequentialVerifiedWriter.open(path, openFileTarget, { sha256, sizeBytes: model.length }, false);
  try {
    const result = await downloadFromArweave({
      txId,
      gateways: urls,
      minConfirmations: 10,
      writer,
      fetch,
      signal: new AbortController().signal,
      retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
      sleep: async () => {},
      expectedSize: model.length,
      reserve: async () => {},
      onBytes: () => {},
      ...extra,
    });
    return { path, result, finished: await writer.finish() };
  } finally {
    await writer.close();
  }
}

test("a confirmed transaction is checked, then downloaded from /{txid}", async () => {
  const g = await gateway(25);
  const { path, result, finished } = await download([g.url]);
  assert.equal(finished.sha256, sha256);
  assert.deepEqual(readFileSync(path), model);
  assert.equal(result.confirmations, 25);
  assert.deepEqual(g.requests, [`GET /tx/${txId}/status`, `GET /${txId}`]);
});

test("a transaction below the minimum confirmations is refused, with how long to wait", async () => {
  const g = await gateway(3);
  await assert.rejects(download([g.url]), (error: DownloadError) => {
    assert.equal(error.reason, "unconfirmed");
    assert.match(error.message, /has 3 confirmation\(s\).*waits for 10.*about 14 minutes/);
    return true;
  });
  assert.deepEqual(g.requests, [`GET /tx/${txId}/status`], "no data was fetched");
});

test("a pending transaction is refused", async () => {
  const g = await gateway(null);
  await assert.rejects(download([g.url]), (error: DownloadError) => error.reason === "unconfirmed" && /pending/.test(error.message));
});

test("a cut connection resumes with Range on the same transaction", async () => {
  const g = await gateway(12, { dropFirstResponseAfter: 500_000 });
  const { finished } = await download([g.url]);
  assert.equal(finished.sha256, sha256);
  assert.deepEqual(g.requests.slice(0, 2), [`GET /tx/${txId}/status`, `GET /${txId}`]);
  assert.equal(g.requests.length, 3, "one resumed request");
  // The resume starts where the client's bytes ended: after some data, never past the cut (bytes still in flight
  // when the socket died are lost, so the offset can be below the cut under load).
  const resumedFrom = Number(/bytes=(\d+)-$/.exec(g.requests[2])?.[1]);
  assert.ok(resumedFrom > 0 && resumedFrom <= 500_000, `resumed from ${g.requests[2]}`);
});

test("a gateway that does not know the transaction is skipped for the next one", async () => {
  const empty = await gateway(0, {}, new Map());
  const good = await gateway(40);
  const { finished } = await download([empty.url, good.url]);
  assert.equal(finished.sha256, sha256);
  assert.deepEqual(empty.requests, [`GET /tx/${txId}/status`, `GET /${txId}`]);
});

test("without /{txid} the base64url /tx/{txid}/data endpoint is used", async () => {
  const g = await gateway(30, { noRawPath: true });
  const { finished, result } = await download([g.url]);
  assert.equal(finished.sha256, sha256);
  assert.match(result.url, /\/tx\/.+\/data$/);
});
