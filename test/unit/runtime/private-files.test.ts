import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { keepPrivate, tightenPermissions } from "../../../electron/core/runtime/private-files.js";

test("files left readable by others are made owner-only; links are not followed", () => {
  const base = mkdtempSync(join(tmpdir(), "pf-private-"));
  try {
    const data = join(base, "data");
    mkdirSync(join(data, "ledger"), { recursive: true, mode: 0o755 });
    chmodSync(data, 0o755);
    chmodSync(join(data, "ledger"), 0o755);
    writeFileSync(join(data, "ledger", "ledger.sqlite"), "x", { mode: 0o644 });
    writeFileSync(join(data, "config.json"), "{}", { mode: 0o600 });
    const outside = join(base, "outside.txt");
    writeFileSync(outside, "x", { mode: 0o644 });
    symlinkSync(outside, join(data, "link"));
    assert.equal(tightenPermissions(data), 3);
    assert.equal(statSync(data).mode & 0o777, 0o700);
    assert.equal(statSync(join(data, "ledger")).mode & 0o777, 0o700);
    assert.equal(statSync(join(data, "ledger", "ledger.sqlite")).mode & 0o777, 0o600);
    assert.equal(statSync(join(data, "config.json")).mode & 0o777, 0o600);
    assert.equal(statSync(outside).mode & 0o777, 0o644, "the link's target is outside and untouched");
    assert.equal(tightenPermissions(data), 0, "nothing left to change");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("from keepPrivate on, new files are 0600 and new folders 0700", () => {
  const umasks: number[] = [];
  keepPrivate({ umask: ((mask?: number) => (mask !== undefined && umasks.push(mask), 0o022)) as NodeJS.Process["umask"] });
  assert.deepEqual(umasks, [0o077]);
});
