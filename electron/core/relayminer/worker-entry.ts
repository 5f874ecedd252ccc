import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface WorkerEntry {
  /** A file path, or module source to evaluate when `eval` is true. */
  source: string;
  eval: boolean;
}

/**
 * How to start a worker thread for `name`: the bundled `relayminer-<name>.js` beside the bundle that holds this
 * code, or, when running from sources, a tiny bootstrap that registers tsx and imports `<name>.ts` (Node's
 * worker threads do not load TypeScript by themselves).
 */
export function resolveWorkerEntry(name: string, fromDir: string = dirname(fileURLToPath(import.meta.url))): WorkerEntry {
  const bundled = join(fromDir, `relayminer-${name}.js`);
  if (existsSync(bundled)) return { source: bundled, eval: false };
  const compiled = join(fromDir, `${name}.js`);
  if (existsSync(compiled)) return { source: compiled, eval: false };
  const source = join(fromDir, `${name}.ts`);
  if (!existsSync(source)) throw new Error(`Cannot find the ${name} worker; looked for ${bundled}, ${compiled} and ${source}`);
  const url = JSON.stringify(pathToFileURL(source).href);
  return {
    source: `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${url}); });`,
    eval: true,
  };
}
