// Does this Node satisfy `engines.node` in package.json? `node scripts/engines.mjs` exits 1 with what to install when
// it does not (.ci/run checks it before anything else). The ranges npm writes are small enough to read here without
// the semver package: alternatives joined by `||`, each a space-separated list of comparators
// (`^1.2.3`, `~1.2.3`, `>=1.2.3`, `>1.2.3`, `<=1.2.3`, `<1.2.3`, `=1.2.3` or `1.2.3`; missing parts are 0).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** [major, minor, patch] of "v20.19.1", "20.19" or "20"; prerelease tags are ignored. */
export function parseVersion(text) {
  const match = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  if (!match) throw new Error(`not a version: "${text}"`);
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function satisfiesComparator(version, comparator) {
  const match = /^(\^|~|>=|<=|>|<|=)?\s*(v?\d+(?:\.\d+){0,2})$/.exec(comparator);
  if (!match) throw new Error(`unsupported comparator "${comparator}"`);
  const [, operator = "=", text] = match;
  const bound = parseVersion(text);
  const order = compare(version, bound);
  switch (operator) {
    case "^": {
      // The first non-zero part of the bound may not change.
      const fixed = bound[0] !== 0 ? 1 : bound[1] !== 0 ? 2 : 3;
      return order >= 0 && version.slice(0, fixed).every((part, i) => part === bound[i]);
    }
    case "~":
      return order >= 0 && version[0] === bound[0] && version[1] === bound[1];
    case ">=":
      return order >= 0;
    case ">":
      return order > 0;
    case "<=":
      return order <= 0;
    case "<":
      return order < 0;
    default:
      return order === 0;
  }
}

/** Whether `version` (e.g. process.version) is in `range` (e.g. "^20.19.0 || >=22.12.0"). */
export function satisfies(version, range) {
  const parsed = parseVersion(version);
  return range.split("||").some((alternative) =>
    alternative
      .trim()
      .replace(/(\^|~|>=|<=|>|<|=)\s+/g, "$1")
      .split(/\s+/)
      .every((comparator) => satisfiesComparator(parsed, comparator)),
  );
}

/** `engines.node` of the project's package.json. */
export function requiredNode() {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return pkg.engines.node;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const range = requiredNode();
  if (!satisfies(process.version, range)) {
    console.error(`PocketForge needs Node ${range} (package.json engines); this is ${process.version}. Install a Node in that range.`);
    process.exit(1);
  }
  console.log(`Node ${process.version} satisfies engines ${range}`);
}
