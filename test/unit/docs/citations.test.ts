// Citations of the project's documents (`docs/protocol.md §4.4`, `docs/architecture.md §5`) must point at a document
// that is in the repository and at a section that is a heading in it. A bare `protocol.md` or `DESIGN.md` (documents
// of the steering folder, not of this repository) is a broken citation too.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../fixtures/paths.js";

/** Where source citations live (tests may name the steering folder's documents on purpose). */
const SCANNED = ["electron", "shared", "renderer/src", "scripts", "bench"];
const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED_DIRS = new Set(["node_modules", "dist"]);

/** Documents of the steering folder that code used to cite by bare name. */
const STEERING_DOCUMENTS = new Set(["protocol.md", "DESIGN.md", "protocol-streaming.md", "mainnet.md"]);

/** A document path (`docs/protocol.md`, `protocol.md`, `../shared/DESIGN.md`) and the section list after it. */
const CITATION = /(?<![\w./-])((?:\.{1,2}\/)*(?:[\w-]+\/)*[\w-]+\.md)\b((?:[ ,]*(?:and |or )?§\d+(?:\.\d+)*(?:[–-]\d+(?:\.\d+)*)?)*)/g;
const SECTION = /§(\d+(?:\.\d+)*)(?:[–-](\d+(?:\.\d+)*))?/g;
/** `## §4 …`, `### §4.4 …` */
const HEADING = /^#{1,6}\s+§(\d+(?:\.\d+)*)\b/gm;

interface BrokenCitation {
  file: string;
  line: number;
  citation: string;
  reason: string;
}

function sourceFiles(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).flatMap((name) => {
    if (SKIPPED_DIRS.has(name)) return [];
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return sourceFiles(root, relative(root, path));
    return SOURCE_FILE.test(name) ? [relative(root, path)] : [];
  });
}

/** Every citation under `dirs` of `root` whose document or section does not exist. */
function findBrokenCitations(root: string, dirs: readonly string[] = SCANNED): BrokenCitation[] {
  const sectionsOf = new Map<string, Set<string> | null>();
  const sections = (document: string): Set<string> | null => {
    if (!sectionsOf.has(document)) {
      const path = resolve(root, document);
      const inside = path.startsWith(resolve(root) + sep);
      sectionsOf.set(
        document,
        inside && existsSync(path) ? new Set([...readFileSync(path, "utf8").matchAll(HEADING)].map((m) => m[1])) : null,
      );
    }
    return sectionsOf.get(document)!;
  };
  const broken: BrokenCitation[] = [];
  for (const file of dirs.flatMap((dir) => sourceFiles(root, dir))) {
    const text = readFileSync(join(root, file), "utf8");
    for (const match of text.matchAll(CITATION)) {
      const [citation, document, sectionList] = match;
      const name = document.split("/").pop()!;
      if (!document.startsWith("docs/") && !STEERING_DOCUMENTS.has(name)) continue;
      const line = text.slice(0, match.index).split("\n").length;
      const headings = sections(document);
      if (headings === null) {
        broken.push({ file, line, citation, reason: `${document} is not a document of this repository` });
        continue;
      }
      for (const section of sectionList.matchAll(SECTION)) {
        for (const number of [section[1], section[2]]) {
          if (number !== undefined && !headings.has(number)) {
            broken.push({ file, line, citation, reason: `${document} has no heading §${number}` });
          }
        }
      }
    }
  }
  return broken;
}

const describe = (broken: BrokenCitation[]) => broken.map((b) => `${b.file}:${b.line} "${b.citation.trim()}": ${b.reason}`);

test("every citation in the source points at a document of this repository and a section it has", () => {
  assert.deepEqual(describe(findBrokenCitations(repoRoot)), []);
});

test("the documents number their sections, so there is something to cite", () => {
  for (const document of ["docs/protocol.md", "docs/architecture.md"]) {
    const headings = [...readFileSync(join(repoRoot, document), "utf8").matchAll(HEADING)].map((m) => m[1]);
    assert.ok(headings.length >= 5, `${document} has numbered headings`);
    assert.equal(new Set(headings).size, headings.length, `${document} numbers each section once`);
  }
});

test("the check fails on a missing document, a missing section and a steering-folder name", () => {
  const root = mkdtempSync(join(tmpdir(), "pocketforge-citations-"));
  try {
    mkdirSync(join(root, "docs"));
    mkdirSync(join(root, "electron"));
    writeFileSync(join(root, "docs", "protocol.md"), "# Protocol\n\n## §1 One\n\n### §1.2 Two\n\n## §3 Three\n");
    writeFileSync(
      join(root, "electron", "a.ts"),
      [
        "// fine: docs/protocol.md §1, §1.2 and §3; range docs/protocol.md §1–1.2",
        "// wrong section: docs/protocol.md §2.1",
        "// wrong end of a range: docs/protocol.md §1.2–1.9",
        "// no such document: docs/missing.md §1",
        "// steering folder: protocol.md §4.3 and DESIGN.md",
        "// outside the repository: ../shared/protocol.md §1",
        "// not a citation: README.md, CHANGELOG.md §2",
        "",
      ].join("\n"),
    );
    assert.deepEqual(
      findBrokenCitations(root, ["electron"]).map((b) => `${b.line}: ${b.reason}`),
      [
        "2: docs/protocol.md has no heading §2.1",
        "3: docs/protocol.md has no heading §1.9",
        "4: docs/missing.md is not a document of this repository",
        "5: protocol.md is not a document of this repository",
        "5: DESIGN.md is not a document of this repository",
        "6: ../shared/protocol.md is not a document of this repository",
      ],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
