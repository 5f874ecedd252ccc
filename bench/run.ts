// `npm run bench -- <name> [<name> …] [--option value …]`: runs the named benchmarks (all when none is named) and
// prints their figures. `inference` takes --model FILE, --rounds, --tokens, --threads, --context and --sequences (and env LLAMA_BENCH).
import { printRows, type BenchRow } from "./types.js";

const BENCHMARKS: Record<string, () => Promise<BenchRow[]>> = {
  downloads: async () => (await import("./downloads.js")).benchDownloads(),
  fleet: async () => (await import("./fleet.js")).benchFleet(),
  headless: async () => (await import("./headless.js")).benchHeadless(),
  inference: async () => (await import("./inference.js")).benchInference(),
  ledger: async () => (await import("./ledger.js")).benchLedger(),
  localnet: async () => (await import("./localnet.js")).benchLocalnet(),
  pokt: async () => (await import("./pokt.js")).benchPokt(),
  relayminer: async () => (await import("./relayminer.js")).benchRelayminer(),
  sharing: async () => (await import("./sharing.js")).benchSharing(),
  streaming: async () => (await import("./streaming.js")).benchStreaming(),
};

// Options with a value (`--model FILE`) belong to the benchmarks that read them, not to the list of names.
const VALUE_OPTIONS = new Set(["--model", "--rounds", "--tokens", "--threads", "--context", "--sequences"]);
const args = process.argv.slice(2);
const requested = args.filter((a, i) => !a.startsWith("-") && !VALUE_OPTIONS.has(args[i - 1] ?? ""));
const names = requested.length ? requested : Object.keys(BENCHMARKS);
let missedTarget = false;
for (const name of names) {
  const run = BENCHMARKS[name];
  if (!run) {
    console.error(`Unknown benchmark "${name}". Available: ${Object.keys(BENCHMARKS).join(", ")}`);
    process.exit(2);
  }
  const rows = await run();
  printRows(`bench ${name}`, rows);
  missedTarget ||= rows.some((r) => r.ok === false);
}
if (missedTarget) console.log("\nSome targets were missed (✗). Figures on a shared machine vary; rerun before drawing conclusions.");
