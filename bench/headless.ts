// `npm run bench -- headless`: how fast the rig entry starts and how much memory it holds once started, run from the
// TypeScript sources through tsx (what the systemd unit ran before) against the compiled bundle it runs now
// (dist/headless/headless.mjs). Start-up is process start → the "PocketForge dashboard:" line; memory is the RSS
// of the whole process tree at that moment (tsx's command-line wrapper included). Each variant starts on a fresh
// data folder with free ports, several times in turn; figures are medians of one run.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DASHBOARD_LINE, freshDataDir, headlessArgs, startHeadless } from "../test/fixtures/headless-process.js";
import { repoRoot } from "../test/fixtures/paths.js";
import { median, type BenchRow } from "./types.js";

const ROUNDS = 3;
const MIB = 1024 * 1024;

interface Variant {
  name: string;
  command: string;
  args: (dataDir: string) => string[];
  /** A fresh environment per start (tsx's transform cache lives in the temporary folder). */
  env?: () => NodeJS.ProcessEnv;
}

/** Resident memory of `pid` and every process below it, in bytes (ps reports KiB). */
function treeRss(pid: number): number {
  const table = execFileSync("ps", ["-A", "-o", "pid=,ppid=,rss="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const inTree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of table) {
      if (inTree.has(parent) && !inTree.has(child)) {
        inTree.add(child);
        grew = true;
      }
    }
  }
  return table.filter(([p]) => inTree.has(p)).reduce((sum, [, , rss]) => sum + rss * 1024, 0);
}

async function startOnce(variant: Variant): Promise<{ startMs: number; rssBytes: number }> {
  const dataDir = freshDataDir("pf-bench-headless-");
  const started = performance.now();
  const engine = startHeadless(variant.command, variant.args(dataDir), variant.env?.());
  try {
    await engine.waitForLine(DASHBOARD_LINE);
    const startMs = performance.now() - started;
    const rssBytes = treeRss(engine.child.pid!);
    engine.child.kill("SIGTERM");
    const { code } = await engine.exited;
    if (code !== 0) throw new Error(`${variant.name} exited with ${code} on SIGTERM`);
    return { startMs, rssBytes };
  } finally {
    if (engine.child.exitCode === null && engine.child.signalCode === null) engine.child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchHeadless(): Promise<BenchRow[]> {
  // The bundle from the current sources (the dashboard is not needed for the line this measures).
  execFileSync(process.execPath, [join(repoRoot, "scripts", "build-headless.mjs")], { cwd: repoRoot, stdio: "ignore" });
  const tsx = join(repoRoot, "node_modules", ".bin", "tsx");
  const coldCaches: string[] = [];
  const variants: Variant[] = [
    {
      // systemd gives the service a private /tmp (PrivateTmp=yes), so tsx found no transform cache at any start.
      name: "tsx, cold cache",
      command: tsx,
      args: (dataDir) => ["electron/core/headless.ts", ...headlessArgs(dataDir)],
      env: () => {
        const dir = mkdtempSync(join(tmpdir(), "pf-bench-tsx-cache-"));
        coldCaches.push(dir);
        return { TMPDIR: dir };
      },
    },
    { name: "tsx, warm cache", command: tsx, args: (dataDir) => ["electron/core/headless.ts", ...headlessArgs(dataDir)] },
    { name: "compiled", command: process.execPath, args: (dataDir) => [join("dist", "headless", "headless.mjs"), ...headlessArgs(dataDir)] },
  ];
  // One unmeasured start of the tsx variant fills its warm cache (and the OS's file cache for everyone).
  await startOnce(variants[1]!);
  const results = new Map(variants.map((v) => [v.name, { startMs: [] as number[], rssBytes: [] as number[] }]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of variants) {
        const { startMs, rssBytes } = await startOnce(variant);
        results.get(variant.name)!.startMs.push(startMs);
        results.get(variant.name)!.rssBytes.push(rssBytes);
      }
    }
  } finally {
    for (const dir of coldCaches) rmSync(dir, { recursive: true, force: true });
  }
  const start = (name: string) => median(results.get(name)!.startMs);
  const rss = (name: string) => median(results.get(name)!.rssBytes) / MIB;
  const round1 = (value: number) => Math.round(value * 10) / 10;
  const rows: BenchRow[] = [];
  for (const variant of variants) rows.push({ name: `start-up, ${variant.name}`, value: Math.round(start(variant.name)), unit: "ms" });
  for (const variant of variants) rows.push({ name: `RSS after start, ${variant.name}`, value: round1(rss(variant.name)), unit: "MiB" });
  const startRatio = start("tsx, cold cache") / start("compiled");
  const rssRatio = rss("tsx, cold cache") / rss("compiled");
  rows.push({ name: "start-up, tsx cold / compiled", value: round1(startRatio), unit: "x", target: "> 1", ok: startRatio > 1 });
  rows.push({ name: "start-up, tsx warm / compiled", value: round1(start("tsx, warm cache") / start("compiled")), unit: "x" });
  rows.push({ name: "RSS, tsx cold / compiled", value: round1(rssRatio), unit: "x", target: "> 1", ok: rssRatio > 1 });
  return rows;
}
