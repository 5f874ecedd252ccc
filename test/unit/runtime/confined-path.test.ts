import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { insideFolder } from "../../../electron/core/runtime/confined-path.js";

test("paths inside the folder are kept; traversal, absolute paths elsewhere and links out are refused", () => {
  const base = mkdtempSync(join(tmpdir(), "pf-confined-"));
  try {
    const data = join(base, "data");
    mkdirSync(join(data, "models"), { recursive: true });
    writeFileSync(join(data, "models", "a.gguf"), "GGUF");
    writeFileSync(join(base, "outside.txt"), "secret");
    symlinkSync(join(base, "outside.txt"), join(data, "models", "link.gguf"));
    symlinkSync(base, join(data, "escape"));
    assert.equal(insideFolder(data, "models/a.gguf"), join(data, "models", "a.gguf"));
    assert.equal(insideFolder(data, join(data, "models", "a.gguf")), join(data, "models", "a.gguf"));
    assert.equal(insideFolder(data, "published/new.car"), join(data, "published", "new.car"), "a file still to be written");
    for (const bad of ["../outside.txt", join(base, "outside.txt"), "models/link.gguf", "escape/outside.txt", "escape/new.car", "models/../../outside.txt", "/etc/passwd", "a\0b"]) {
      assert.equal(insideFolder(data, bad), null, bad);
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
