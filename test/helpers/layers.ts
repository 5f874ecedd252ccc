import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, dirname, sep } from "node:path";
import { repoRoot } from "./paths.js";

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

function sourceFiles(dir: string): string[] {
  const abs = join(repoRoot, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(repoRoot, path));
    return /\.(ts|tsx|mts|cts)$/.test(name) ? [relative(repoRoot, path)] : [];
  });
}

function resolvesInto(file: string, specifier: string, folder: string): boolean {
  if (!specifier.startsWith(".")) return false;
  const target = resolve(repoRoot, dirname(file), specifier);
  const root = resolve(repoRoot, folder);
  return target === root || target.startsWith(root + sep);
}

/**
 * DESIGN.md's rooms: electron/core never imports electron; shared/ is pure (no node:, electron, react, DOM-only
 * code lives in renderer/); renderer/ imports only shared/, its own files and browser libraries.
 */
export function findLayerViolations(): LayerViolation[] {
  const violations: LayerViolation[] = [];
  const check = (dir: string, rule: string, forbidden: (file: string, specifier: string) => boolean) => {
    for (const file of sourceFiles(dir)) {
      for (const specifier of importsOf(readFileSync(join(repoRoot, file), "utf8"))) {
        if (forbidden(file, specifier)) violations.push({ file, specifier, rule });
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
  check("electron/preload", "the preload may import only electron and shared/", (f, s) =>
    !isElectron(s) && !resolvesInto(f, s, "shared"),
  );
  return violations;
}
