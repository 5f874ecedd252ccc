import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { CORE_ROOMS, findImportCycles, findLayerViolations, importsOf } from "../../../scripts/layers.js";

test("import scanner sees static, dynamic, require and side-effect imports", () => {
  const source = `import a from "electron";\nimport { b } from './x.js';\nconst c = await import("node:fs");\nrequire('ws');\nimport "./styles.css";\nexport * from "../shared/y.js";`;
  assert.deepEqual(importsOf(source).sort(), ["../shared/y.js", "./styles.css", "./x.js", "electron", "node:fs", "ws"].sort());
});

test("no file crosses the rooms of docs/architecture.md", () => {
  const violations = findLayerViolations();
  assert.deepEqual(
    violations.map((v) => `${v.file} -> ${v.specifier} (${v.rule})`),
    [],
  );
});

test("no import cycle in the engine, the shared contract or the renderer", () => {
  assert.deepEqual(findImportCycles(), []);
});

test("the room rules form a ladder: the kernel and the protocol library import no room; nothing imports the root", () => {
  assert.deepEqual(CORE_ROOMS.runtime, []);
  assert.deepEqual(CORE_ROOMS.pokt, []);
  for (const [room, allowed] of Object.entries(CORE_ROOMS)) {
    assert.ok(!allowed.includes("app"), `${room} may not import the composition root`);
    for (const dependency of allowed) {
      assert.ok(!(CORE_ROOMS[dependency] ?? []).includes(room), `${room} and ${dependency} may not import each other`);
    }
  }
});

test("the cycle finder reports a cycle through type-only imports and leaves a chain alone", () => {
  const root = mkdtempSync(join(tmpdir(), "pf-layers-"));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  try {
    write("src/a.ts", `import { b } from "./b.js";\nexport const a = b;`);
    write("src/b.ts", `import type { C } from "./deep/c.js";\nexport const b = 1 as unknown as C;`);
    write("src/deep/c.ts", `import type { a } from "../a.js";\nexport type C = typeof a;`);
    write("src/d.ts", `import { a } from "./a.js";\nexport const d = a;`);
    assert.deepEqual(findImportCycles(["src"], root), [["src/a.ts", "src/b.ts", "src/deep/c.ts", "src/a.ts"]]);
    write("src/deep/c.ts", `export type C = number;`);
    assert.deepEqual(findImportCycles(["src"], root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
