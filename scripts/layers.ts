// The rooms of docs/architecture.md as rules over imports: which folder may import which, and no import cycle.
// Used by `npm run lint` (scripts/check-layers.ts) and by test/scripts/layers.test.ts.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface LayerViolation {
  file: string;
  specifier: string;
  rule: string;
}

const IMPORT_PATTERN = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s+["']([^"']+)["']/g;

/** Every module specifier a TypeScript file imports (static, dynamic, require, side-effect). */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(IMPORT_PATTERN)) found.push(match[1] ?? match[2] ?? match[3] ?? match[4]);
  return found;
}

function sourceFiles(dir: string, root = repoRoot): string[] {
  const abs = join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(root, path), root);
    return /\.(ts|tsx|mts|cts)$/.test(name) ? [relative(root, path)] : [];
  });
}

function resolvesInto(file: string, specifier: string, folder: string): boolean {
  if (!specifier.startsWith(".")) return false;
  const target = resolve(repoRoot, dirname(file), specifier);
  const root = resolve(repoRoot, folder);
  return target === root || target.startsWith(root + sep);
}

/**
 * The engine's rooms (folders of electron/core) and the rooms each may import. `runtime` is the shared kernel
 * below every domain; `app` is the composition root above all of them. A room absent from a list is out of reach.
 */
export const CORE_ROOMS: Readonly<Record<string, readonly string[]>> = {
  runtime: [],
  pokt: [],
  ledger: ["runtime"],
  hardware: ["runtime"],
  models: ["runtime"],
  inference: ["runtime"],
  serving: ["runtime"],
  chain: ["runtime", "pokt"],
  wallet: ["runtime", "pokt"],
  localnet: ["runtime", "pokt", "chain"],
  relayminer: ["runtime", "pokt", "chain", "ledger", "serving"],
  staking: ["runtime", "pokt", "chain", "wallet", "localnet"],
  reach: ["runtime"],
  app: ["runtime", "pokt", "ledger", "hardware", "models", "inference", "serving", "chain", "wallet", "localnet", "relayminer", "staking", "reach"],
};

/** Files directly in electron/core (entry points) are above every room. */
const CORE_ENTRY_ROOM = "(entry)";

function coreRoomOf(absolute: string): string | undefined {
  const core = resolve(repoRoot, "electron", "core");
  if (!absolute.startsWith(core + sep)) return undefined;
  const parts = relative(core, absolute).split(sep);
  return parts.length === 1 ? CORE_ENTRY_ROOM : parts[0];
}

/** Resolves a relative import of `file` to the source file it names (".js" written for ".ts"/".tsx"). */
function resolveSource(file: string, specifier: string, root: string): string {
  const target = resolve(root, dirname(file), specifier);
  for (const candidate of [target.replace(/\.js$/, ".ts"), target.replace(/\.js$/, ".tsx"), target, `${target}.ts`, join(target, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next spelling
    }
  }
  return target;
}

/**
 * Rooms and walls: electron/core never imports electron; shared/ is pure (no node:, electron, react);
 * renderer/ imports only shared/, its own files and browser libraries; the preload only electron and shared/;
 * each room of electron/core only the rooms CORE_ROOMS allows; source and tools never import tests, and
 * benchmarks only their fixtures.
 */
export function findLayerViolations(): LayerViolation[] {
  const violations: LayerViolation[] = [];
  const check = (dir: string, rule: string | ((file: string, specifier: string) => string), forbidden: (file: string, specifier: string) => boolean) => {
    for (const file of sourceFiles(dir)) {
      for (const specifier of importsOf(readFileSync(join(repoRoot, file), "utf8"))) {
        if (forbidden(file, specifier)) violations.push({ file, specifier, rule: typeof rule === "string" ? rule : rule(file, specifier) });
      }
    }
  };
  const isElectron = (s: string) => s === "electron" || s.startsWith("electron/");
  const isNodeBuiltin = (s: string) => s.startsWith("node:") || ["fs", "path", "os", "crypto", "child_process", "http", "net", "url", "util", "stream", "events", "worker_threads"].includes(s);

  check("electron/core", "electron/core must run in plain Node: never import electron", (_f, s) => isElectron(s));
  check("shared", "shared/ must stay pure TypeScript: no node:, electron or react", (_f, s) =>
    isNodeBuiltin(s) || isElectron(s) || s === "react" || s.startsWith("react-") || s.startsWith("react/"),
  );
  check("renderer/src", "renderer/ may import only shared/, its own files and browser libraries", (f, s) =>
    isNodeBuiltin(s) || isElectron(s) || resolvesInto(f, s, "electron") || (s.startsWith(".") && !resolvesInto(f, s, "renderer") && !resolvesInto(f, s, "shared")),
  );
  check("electron/preload", "the preload may import only electron and shared/", (f, s) => !isElectron(s) && !resolvesInto(f, s, "shared"));
  for (const tools of ["scripts", "electron", "shared", "renderer/src"]) {
    check(tools, "source and tools never import from test/", (f, s) => resolvesInto(f, s, "test"));
  }
  check("bench", "benchmarks may use test/fixtures/ (fakes and harnesses), not tests", (f, s) => resolvesInto(f, s, "test") && !resolvesInto(f, s, "test/fixtures"));
  const roomRule = (file: string, specifier: string) => {
    const from = coreRoomOf(resolve(repoRoot, file))!;
    const to = coreRoomOf(resolve(repoRoot, dirname(file), specifier));
    return `electron/core/${from} may import only ${CORE_ROOMS[from]?.join(", ") || "nothing else in electron/core"}, not ${to}`;
  };
  check("electron/core", roomRule, (f, s) => {
    if (!s.startsWith(".")) return false;
    const from = coreRoomOf(resolve(repoRoot, f));
    const to = coreRoomOf(resolve(repoRoot, dirname(f), s));
    if (from === undefined || to === undefined || from === to || from === CORE_ENTRY_ROOM) return false;
    const allowed = CORE_ROOMS[from];
    return allowed === undefined || !allowed.includes(to);
  });
  return violations;
}

/** Every import cycle among the files under `dirs` (type-only imports included: they are design cycles too). */
export function findImportCycles(dirs: readonly string[] = ["electron", "shared", "renderer/src"], root = repoRoot): string[][] {
  const graph = new Map<string, string[]>();
  for (const dir of dirs) {
    for (const file of sourceFiles(dir, root)) {
      const abs = resolve(root, file);
      const targets = importsOf(readFileSync(abs, "utf8"))
        .filter((s) => s.startsWith("."))
        .map((s) => resolveSource(file, s, root));
      graph.set(abs, targets);
    }
  }
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      const seen = state.get(next);
      if (seen === "open") cycles.push([...stack.slice(stack.indexOf(next)), next].map((p) => relative(root, p)));
      else if (seen === undefined) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}
