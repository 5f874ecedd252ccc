// The harness rule of ../shared/vectors/README.md: every *.json in ../shared/vectors and in
// $POCKETFORGE_EXTRA_VECTORS, every vector its own test case named kind/name, and an unknown kind fails.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { vectorsDir } from "../../fixtures/paths.js";
import type { VectorCheck } from "./vector-checks/types.js";
import { smstChecks } from "./vector-checks/smst.js";
import { ringChecks } from "./vector-checks/ring.js";
import { signatureChecks } from "./vector-checks/signature.js";
import { randomnessChecks } from "./vector-checks/randomness.js";

const checks: Record<string, VectorCheck> = {
  ...smstChecks,
  ...ringChecks,
  ...signatureChecks,
  ...randomnessChecks,
};

interface VectorFile {
  vectors: Array<{ kind: string; name: string; inputs: any; expected: any }>;
}

function vectorFiles(): string[] {
  const dirs = [vectorsDir, process.env.POCKETFORGE_EXTRA_VECTORS].filter((d): d is string => !!d);
  return dirs.flatMap((dir) => {
    assert.ok(existsSync(dir), `vector directory ${dir} does not exist`);
    return readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => join(dir, f));
  });
}

const files = vectorFiles();
test("at least one vector file is loaded", () => assert.ok(files.length > 0));

for (const file of files) {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as VectorFile;
  describe(file.split("/").pop()!, () => {
    test("has vectors", () => assert.ok(Array.isArray(parsed.vectors) && parsed.vectors.length > 0));
    for (const vector of parsed.vectors ?? []) {
      test(`${vector.kind}/${vector.name}`, () => {
        const check = checks[vector.kind];
        assert.ok(check, `unknown vector kind "${vector.kind}": add a check for it`);
        check(vector.inputs, vector.expected, vector);
      });
    }
  });
}
