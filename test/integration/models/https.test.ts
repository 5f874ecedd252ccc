import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DownloadError } from "../../../electron/core/models/download/errors.js";
import { ensureFreeSpace } from "../../../electron/core/models/download/free-space.js";
import { downloadWithRanges, type RangeDownloadOptions } from "../../../electron/core/models/download/http-range.js";
import { SequentialVerifiedWriter, type Expectation } from "../../../electron/core/models/download/verified-writer.js";
import { openFileTarget, type OpenWriteTarget } from "../../../electron/core/models/download/write-target.js";
import { startFileServer, type FileServerFixture } from "../../fixtures/models/http-file-server.js";
import { testModelPath } from "../../fixtures/paths.js";

const model = readFileSync(testModelPath());
const expected: Expectation = { sha256: createHash("sha256").update(model).digest("hex"), sizeBytes: model.length };
const work = mkdtempSync(join(tmpdir(), "pf-https-"));
const servers: FileServerFixture[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(work, { recursive: true, force: true });
});

async function server(body: Uint8Array = model, behaviour: Parameters<typeof startFileServer>[2] = {}): Promise<FileServerFixture> {
  const s = await startFileServer("model.gguf", body, behaviour);
  servers.push(s);
  return s;
}

let counter = 0;
async function download(
  urls: string[],
  extra: Partial<RangeDownloadOptions> & { expect?: Expectation; openTarget?: OpenWriteTarget; path?: string; resume?: boolean } = {},
) {
  const path = extra.path ?? join(work, `m-${++counter}.partial`);
  const writer = await SequentialVerifiedWriter.open(path, extra.openTarget ?? openFileTarget, extra.expect ?? expected, extra.resume ?? false);
  let progressed = 0;
  try {
    const result = await downloadWithRanges({
      urls,
      writer,
      fetch,
      signal: new AbortController().signal,
      retry: { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 },
      sleep: async () => {},
      expectedSize: (extra.expect ?? expected).sizeBytes,
      reserve: async () => {},
      onBytes: (n) => (progressed += n),
      ...extra,
    });
    const finished = await writer.finish();
    return { path, result, finished, progressed };
  } catch (error) {
    await writer.close();
    throw Object.assign(error as object, { path });
  }
}

test("a plain download streams into the partial file with its sha256", async () => {
  const s = await server();
  const { path, finished, progressed, result } = await download([s.url]);
  assert.deepEqual(readFileSync(path), model);
  assert.deepEqual(finished, { sha256: expected.sha256, sizeBytes: model.length });
  assert.equal(progressed, model.length);
  assert.equal(result.bytesTransferred, model.length);
  assert.deepEqual(s.ranges, [null]);
});

test("a connection cut half-way is resumed with a Range request, not fetched again", async () => {
  const s = await server(model, { dropFirstResponseAfter: 400_000 });
  const { path, finished, result } = await download([s.url]);
  assert.deepEqual(readFileSync(path), model);
  assert.equal(finished.sha256, expected.sha256);
  // The resume point is what actually arrived before the cut (a reset connection may lose a little in flight).
  const resumedAt = Number(/^bytes=(\d+)-$/.exec(s.ranges[1] ?? "")?.[1]);
  assert.equal(s.ranges.length, 2);
  assert.ok(resumedAt > 0 && resumedAt <= 400_000, `resumed at ${resumedAt}`);
  assert.equal(result.bytesTransferred, model.length, "every byte was received exactly once");
});

test("a partial file from an earlier session is resumed and still hashed from its first byte", async () => {
  const s = await server();
  const path = join(work, "earlier.partial");
  writeFileSync(path, model.subarray(0, 700_000));
  const { finished, result } = await download([s.url], { path, resume: true });
  assert.equal(finished.sha256, expected.sha256);
  assert.deepEqual(s.ranges, ["bytes=700000-"]);
  assert.equal(result.bytesTransferred, model.length - 700_000);
});

test("a resume sends If-Range with the first response's ETag; a file changed since is fetched whole again", async () => {
  const first = await server(model, { etag: '"v1"', dropFirstResponseAfter: 300_000 });
  const path = join(work, "validated.partial");
  const { finished } = await download([first.url], { path });
  assert.equal(finished.sha256, expected.sha256);
  assert.deepEqual(first.ifRanges, [null, '"v1"'], "the resume proved it continues the same file");

  // An unpinned model (no sha256 to catch a splice) whose file was replaced between two sessions.
  const replaced = Buffer.from(model);
  replaced[1_000_000] ^= 0xff;
  const second = await server(replaced, { etag: '"v2"' });
  const path2 = join(work, "changed.partial");
  writeFileSync(path2, model.subarray(0, 500_000));
  writeFileSync(`${path2}.validator`, '"v1"');
  let restarts = 0;
  const { finished: changed } = await download([second.url], {
    path: path2,
    resume: true,
    expect: { sizeBytes: model.length },
    onRestart: () => restarts++,
  });
  assert.deepEqual(second.ifRanges, ['"v1"']);
  assert.equal(restarts, 1);
  assert.equal(changed.sha256, createHash("sha256").update(replaced).digest("hex"), "no byte of the old file is left");
  assert.deepEqual(readFileSync(path2), replaced);
});

test("a server that ignores Range makes the download start over from byte 0", async () => {
  const s = await server(model, { ignoreRange: true });
  const path = join(work, "norange.partial");
  writeFileSync(path, model.subarray(0, 300_000));
  const { finished } = await download([s.url], { path, resume: true });
  assert.equal(finished.sha256, expected.sha256);
  assert.deepEqual(readFileSync(path), model);
});

test("mirrors fail over (404 is final for a mirror) and transient errors are retried", async () => {
  const missing = await server(model, { failFirst: [404, 404, 404] });
  const busy = await server(model, { failFirst: [503] });
  const { finished } = await download([missing.url, busy.url]);
  assert.equal(finished.sha256, expected.sha256);
  assert.equal(missing.ranges.length, 1, "a 404 mirror is not asked again");
  assert.equal(busy.ranges.length, 2);
});

test("a substituted file of the right size is refused and deleted", async () => {
  const evil = Buffer.from(model);
  evil[1000] ^= 1;
  const s = await server(evil);
  await assert.rejects(download([s.url]), (error: DownloadError & { path: string }) => {
    assert.equal(error.reason, "substituted");
    assert.match(error.message, /sha256.*not installed/);
    assert.equal(existsSync(error.path), false);
    return true;
  });
});

test("a source offering a different size is refused before anything is written", async () => {
  const s = await server(Buffer.concat([model, Buffer.alloc(10)]));
  await assert.rejects(download([s.url]), (error: DownloadError & { path: string }) => {
    assert.equal(error.reason, "substituted");
    assert.match(error.message, /catalog lists/);
    assert.equal(readFileSync(error.path).length, 0);
    return true;
  });
});

test("too little free space stops the download before the first byte", async () => {
  const s = await server();
  let written = 0;
  await assert.rejects(
    download([s.url], {
      reserve: (total, present) => ensureFreeSpace(work, total - present, async () => 1_000_000),
      onBytes: (n) => (written += n),
    }),
    (error: DownloadError & { path: string }) => {
      assert.equal(error.reason, "no_space");
      assert.match(error.message, /needs 65\.\d MiB but only 976\.6 KiB is free.*Free up/);
      assert.equal(readFileSync(error.path).length, 0);
      return true;
    },
  );
  assert.equal(written, 0);
});

test("a disk that fills up mid-download fails with no_space and keeps what was written", async () => {
  const s = await server();
  const fullAfter = 500_000;
  const smallDisk: OpenWriteTarget = async (path) => {
    const real = await openFileTarget(path);
    return {
      ...real,
      write: async (data, position) => {
        if (position + data.length > fullAfter) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
        return real.write(data, position);
      },
      read: real.read.bind(real),
      size: real.size.bind(real),
      truncate: real.truncate.bind(real),
      sync: real.sync.bind(real),
      close: real.close.bind(real),
    };
  };
  await assert.rejects(download([s.url], { openTarget: smallDisk }), (error: DownloadError & { path: string }) => {
    assert.equal(error.reason, "no_space");
    assert.match(error.message, /disk filled up.*resume/);
    assert.ok(readFileSync(error.path).length <= fullAfter);
    return true;
  });
});
