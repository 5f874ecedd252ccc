import { test } from "node:test";
import assert from "node:assert/strict";
import { findLayerViolations, importsOf } from "../helpers/layers.js";

test("import scanner sees static, dynamic, require and side-effect imports", () => {
  const source = `import a from "electron";\nimport { b } from './x.js';\nconst c = await import("node:fs");\nrequire('ws');\nimport "./styles.css";\nexport * from "../shared/y.js";`;
  assert.deepEqual(importsOf(source).sort(), ["../shared/y.js", "./styles.css", "./x.js", "electron", "node:fs", "ws"].sort());
});

test("no file crosses the rooms of DESIGN.md", () => {
  const violations = findLayerViolations();
  assert.deepEqual(
    violations.map((v) => `${v.file} -> ${v.specifier} (${v.rule})`),
    [],
  );
});
