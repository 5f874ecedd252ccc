// `engines.node` in package.json must be true: this Node satisfies it, and every Node it admits can run the toolchain
// (Vite 8 and rolldown need ^20.19.0 || >=22.12.0). scripts/engines.mjs is what .ci/run checks first.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { requiredNode, satisfies } from "../../../scripts/engines.mjs";
import { repoRoot } from "../../fixtures/paths.js";

const enginesOf = (pkg: string) => JSON.parse(readFileSync(join(repoRoot, "node_modules", pkg, "package.json"), "utf8")).engines.node as string;

/** Versions around every bound that matters: Node 18, 20 before and after 20.19, 21, 22 before and after 22.12, 24. */
const SAMPLES = ["18.20.4", "20.10.0", "20.18.3", "20.19.0", "20.20.2", "21.7.3", "22.0.0", "22.11.0", "22.12.0", "23.1.0", "24.4.1", "26.0.0"];

describe("engines.node", () => {
  test("the running Node satisfies it", () => {
    assert.ok(satisfies(process.version, requiredNode()), `${process.version} is outside engines.node ${requiredNode()}`);
  });

  test("every Node it admits runs Vite 8, its React plugin and rolldown", () => {
    const admitted = SAMPLES.filter((version) => satisfies(version, requiredNode()));
    assert.ok(admitted.length > 0);
    for (const pkg of ["vite", "@vitejs/plugin-react", "rolldown"]) {
      for (const version of admitted) assert.ok(satisfies(version, enginesOf(pkg)), `${pkg} (${enginesOf(pkg)}) refuses Node ${version}, which engines.node admits`);
    }
    assert.ok(!satisfies("20.18.3", requiredNode()), "Node before 20.19 cannot run Vite 8");
  });

  test("the range reader follows npm's meaning of ^, ~, >=, <, spaces and ||", () => {
    const cases: Array<[string, string, boolean]> = [
      ["v20.19.0", "^20.19.0 || >=22.12.0", true],
      ["20.18.9", "^20.19.0 || >=22.12.0", false],
      ["21.7.3", "^20.19.0 || >=22.12.0", false],
      ["22.11.0", "^20.19.0 || >=22.12.0", false],
      ["22.12.0", "^20.19.0 || >=22.12.0", true],
      ["25.0.0", "^20.19.0 || >=22.12.0", true],
      ["0.2.5", "^0.2.3", true],
      ["0.3.0", "^0.2.3", false],
      ["1.2.9", "~1.2.3", true],
      ["1.3.0", "~1.2.3", false],
      ["20.5.0", ">=20 <21", true],
      ["21.0.0", ">=20 <21", false],
      ["22.12.0", ">= 22.12.0", true],
    ];
    for (const [version, range, expected] of cases) assert.equal(satisfies(version, range), expected, `${version} in "${range}"`);
    // What it cannot read (x-ranges, hyphen ranges) is an error, never a silent yes or no.
    assert.throws(() => satisfies("20.1.0", "20.x || 22.x"), /unsupported comparator/);
  });
});
