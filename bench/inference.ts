// Inference speed and memory against the engine's own baselines, for one model in one run:
//   endpoint     the OpenAI endpoint (streamed /v1/completions) over a worker process, as relays and apps use it
//   direct       node-llama-cpp called directly in a process of its own, same model, threads and context
//   llama-bench  llama.cpp's own benchmark (when env LLAMA_BENCH names the binary, see ../shared/perf/README.md),
//                at the app's thread count and at its own best count
// Threads are the app's choice: the model benchmark's thread trials (models/benchmark.ts), as the wizard runs them.
// Paths run interleaved round by round and the figures are medians, so load from elsewhere on a shared machine
// affects every path alike. Peak RSS: the worker and the direct process (VmHWM), and llama-bench at the same context.
//   npm run bench -- inference [--model FILE] [--rounds N] [--tokens N] [--threads N] [--context N] [--sequences N]
// --threads skips the thread trials; --context and --sequences replace the reservation by need (e.g. 2048 and 4, the
// fixed reservation of earlier versions).
import { fork, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { silentLogger } from "../electron/core/runtime/logger.js";
import { OpenAiServer, WorkerSupervisor } from "../electron/core/inference/index.js";
import { workerEnvironment } from "../electron/core/inference/worker-launcher.js";
import { runBenchmark, threadCandidates } from "../electron/core/models/benchmark.js";
import { repoRoot, testModelPath } from "../test/fixtures/paths.js";
import { peakRssBytes, type DirectReply, type DirectRequest, type DirectSetup } from "./inference-direct.js";
import { median, printRows, type BenchRow } from "./types.js";

const PROMPT = "Once upon a time";
const MIB = 1024 * 1024;

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  if (at >= 0) return args[at + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/**
 * The worker and the direct runner as the app ships its workers: esbuild bundles beside node_modules, run by plain
 * node (from sources the worker would carry tsx's loader, ~45 MB of RSS the product does not have).
 */
async function buildBundles(): Promise<{ worker: string; direct: string }> {
  const outdir = join(repoRoot, "dist", "bench");
  await build({
    absWorkingDir: repoRoot,
    entryPoints: { "inference-worker": "electron/core/inference/worker/entry.ts", "inference-direct": "bench/inference-direct.ts" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    logLevel: "warning",
    outdir,
  });
  return { worker: join(outdir, "inference-worker.js"), direct: join(outdir, "inference-direct.js") };
}

/** CPU time (user + system, all threads) a process has used so far, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
/** Linux reports /proc CPU times in clock ticks, 100 per second on every mainstream kernel. */
const CLOCK_TICKS = 100;

/** node-llama-cpp in its own process, driven over IPC. */
class DirectProcess {
  private readonly replies: Array<(reply: DirectReply) => void> = [];
  get pid(): number {
    return this.child.pid!;
  }

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (reply: DirectReply) => this.replies.shift()?.(reply));
  }

  static async start(script: string, setup: DirectSetup): Promise<DirectProcess> {
    // The worker's environment too (one libuv thread), so the comparison is of the endpoint's work alone.
    const child = fork(script, [JSON.stringify(setup)], { execArgv: [], env: workerEnvironment(process.env), stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const direct = new DirectProcess(child);
    const ready = new Promise<DirectReply>((resolve) => direct.replies.push(resolve));
    const failed = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`the direct process exited (${code})`))));
    await Promise.race([ready, failed]);
    return direct;
  }

  private ask(request: DirectRequest): Promise<DirectReply> {
    return new Promise((resolve) => {
      this.replies.push(resolve);
      this.child.send(request);
    });
  }

  async run(maxTokens: number): Promise<number> {
    const reply = await this.ask({ type: "run", prompt: PROMPT, maxTokens });
    if (reply.type !== "ran") throw new Error("unexpected reply");
    return (reply.tokens * 1000) / reply.ms;
  }

  async peakRss(): Promise<number> {
    const reply = await this.ask({ type: "rss" });
    return reply.type === "rss" ? reply.peakBytes : 0;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.send({ type: "exit" } satisfies DirectRequest);
    await exited;
  }
}

/** One llama-bench run; its generation tokens/s per thread count, and its peak RSS (VmHWM, read while it runs). */
async function llamaBench(binary: string, args: string[]): Promise<{ tokensPerSecond: Map<number, number>; peakRss: number }> {
  const child = spawn(binary, [...args, "-o", "json"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  let peakRss = 0;
  // VmHWM only grows, so the last reading before the process exits is (within a poll) its peak.
  const poll = setInterval(() => (peakRss = Math.max(peakRss, peakRssBytes(child.pid!) ?? 0)), 20);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(poll);
  if (code !== 0) throw new Error(`llama-bench failed (${code}): ${stderr.slice(-2000)}`);
  const results = JSON.parse(stdout) as Array<{ n_threads: number; n_gen: number; avg_ts: number }>;
  return { tokensPerSecond: new Map(results.filter((r) => r.n_gen > 0).map((r) => [r.n_threads, r.avg_ts])), peakRss };
}

/** One streamed completion over HTTP, read to the end; tokens/s from the request's start to its last byte. */
async function streamCompletion(url: string, model: string, maxTokens: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ model, prompt: PROMPT, max_tokens: maxTokens, temperature: 0, stream: true, stream_options: { include_usage: true } }),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const body = await response.text();
  const ms = performance.now() - started;
  const usage = body.split("\n\n").reverse().find((event) => event.includes('"usage":{'));
  if (!usage) throw new Error("stream ended without a usage chunk");
  return (JSON.parse(usage.slice("data: ".length)).usage.completion_tokens * 1000) / ms;
}

export async function benchInference(): Promise<BenchRow[]> {
  const modelPath = option("--model") ?? testModelPath();
  const rounds = Number(option("--rounds") ?? 5);
  const tokens = Number(option("--tokens") ?? 128);
  const llamaBenchBinary = process.env.LLAMA_BENCH || null;
  const bundles = await buildBundles();
  const service = new WorkerSupervisor({ logger: silentLogger, workerScript: bundles.worker });
  const server = new OpenAiServer({ backend: service, logger: silentLogger, port: 0 });
  let direct: DirectProcess | null = null;
  try {
    await server.start();
    // The app's thread count: the model benchmark's trials (what the wizard's Test step stores and loads use).
    const fixedThreads = option("--threads") ? Number(option("--threads")) : null;
    const chosen = fixedThreads === null
      ? await runBenchmark(service, { modelId: "bench", modelPath, durationMs: 30_000, maxRequests: 2, trialRequests: 3 })
      : null;
    const contextSize = option("--context") ? Number(option("--context")) : undefined;
    const parallelSequences = option("--sequences") ? Number(option("--sequences")) : undefined;
    const status = await service.load({ modelPath, threads: fixedThreads ?? chosen?.threads ?? undefined, contextSize, parallelSequences });
    const loaded = status.model!;
    const threads = loaded.threads;
    direct = await DirectProcess.start(bundles.direct, { modelPath, threads, contextSize: loaded.contextSize });
    const url = `${server.baseUrl}/completions`;

    const candidates = [...new Set([...threadCandidates(availableParallelism(), loaded.gpuLayers > 0), threads])].sort((a, b) => a - b);
    const paths: Array<[string, () => Promise<void>]> = [];
    const rates = { direct: [] as number[], endpoint: [] as number[] };
    const benchRates = new Map<number, number[]>();
    let benchRss = 0;
    // CPU time of each process (all its threads) per generated token: unlike tokens/s, load from other programs on
    // a shared machine barely moves it, so it shows what the endpoint's path costs beyond node-llama-cpp's own work.
    const cpu = { direct: 0, worker: 0, host: 0, directTokens: 0, endpointTokens: 0 };
    const directPid = direct.pid;
    const workerPid = service.workerPid!;
    paths.push(["direct", async () => {
      const before = cpuMs(directPid);
      rates.direct.push(await direct!.run(tokens));
      cpu.direct += cpuMs(directPid) - before;
      cpu.directTokens += tokens;
    }]);
    paths.push(["endpoint", async () => {
      const [worker, host] = [cpuMs(workerPid), cpuMs(process.pid)];
      rates.endpoint.push(await streamCompletion(url, loaded.name, tokens));
      cpu.worker += cpuMs(workerPid) - worker;
      cpu.host += cpuMs(process.pid) - host;
      cpu.endpointTokens += tokens;
    }]);
    if (llamaBenchBinary) {
      paths.push(["llama-bench", async () => {
        const run = await llamaBench(llamaBenchBinary, ["-m", modelPath, "-t", candidates.join(","), "-p", "0", "-n", String(tokens), "-r", "1"]);
        for (const [t, rate] of run.tokensPerSecond) benchRates.set(t, [...(benchRates.get(t) ?? []), rate]);
        benchRss = Math.max(benchRss, run.peakRss);
      }]);
    }
    // Warm every path once (first evaluation, page cache, HTTP keep-alive), then interleave, alternating the order.
    await direct.run(8);
    await streamCompletion(url, loaded.name, 8);
    for (let round = 0; round < rounds; round++) {
      for (const [, run] of round % 2 === 0 ? paths : [...paths].reverse()) await run();
    }

    // Parallel sequences: one request, then as many at once as the worker reserved.
    const single: number[] = [];
    const concurrent: number[] = [];
    let nextId = 0;
    const viaService = () =>
      service.complete({ requestId: `bench-${nextId++}`, prompt: PROMPT, maxTokens: tokens, temperature: 0 }).then((r) => r.stats.completionTokens);
    for (let round = 0; round < Math.min(rounds, 3); round++) {
      let started = performance.now();
      single.push(((await viaService()) * 1000) / (performance.now() - started));
      started = performance.now();
      const counts = await Promise.all(Array.from({ length: loaded.parallelSequences }, viaService));
      concurrent.push((counts.reduce((a, b) => a + b, 0) * 1000) / (performance.now() - started));
    }

    const workerRss = peakRssBytes(service.workerPid!) ?? 0;
    const directRss = await direct.peakRss();
    const endpoint = median(rates.endpoint);
    const ratio = (a: number[], b: number[]) => median(a.map((value, i) => value / b[i]!));
    const spread = (a: number[], b: number[]) => {
      const sorted = a.map((value, i) => value / b[i]!).sort((x, y) => x - y);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
      return `${at(0.25)}–${at(0.75)}`;
    };
    const trials = chosen ? `benchmark trials ${chosen.threadTrials.map((t) => `${t.threads}: ${t.generationTokensPerSecond}`).join(", ")} tok/s` : "--threads";
    const rows: BenchRow[] = [
      { name: `model ${loaded.name}, ${tokens} tokens, ${rounds} rounds`, value: loaded.sizeBytes / MIB, unit: "MiB" },
      { name: `app's threads (${trials})`, value: threads, unit: "threads" },
      { name: `KV cache reserved (${loaded.parallelSequences} × ${loaded.contextSize} tokens${contextSize || parallelSequences ? ", fixed" : ", by need"})`, value: loaded.kvCacheBytes / MIB, unit: "MiB" },
      { name: "node-llama-cpp direct", value: median(rates.direct), unit: "tok/s" },
      { name: "OpenAI endpoint, streamed", value: endpoint, unit: "tok/s" },
    ];
    const vsDirect = ratio(rates.endpoint, rates.direct);
    rows.push({ name: `endpoint ÷ direct (middle half of rounds ${spread(rates.endpoint, rates.direct)})`, value: vsDirect, unit: "x", target: ">= 0.95", ok: vsDirect >= 0.95 });
    rows.push({ name: "CPU per token, direct process", value: cpu.direct / cpu.directTokens, unit: "ms" });
    rows.push({ name: "CPU per token, worker process", value: cpu.worker / cpu.endpointTokens, unit: "ms" });
    rows.push({ name: "CPU per token, engine process (HTTP, SSE; this bench's client too)", value: cpu.host / cpu.endpointTokens, unit: "ms" });
    let benchBest: { threads: number; rate: number } | null = null;
    if (llamaBenchBinary) {
      for (const [t, values] of [...benchRates].sort((a, b) => a[0] - b[0])) {
        const rate = median(values);
        rows.push({ name: `llama-bench, ${t} thread${t > 1 ? "s" : ""}`, value: rate, unit: "tok/s" });
        if (!benchBest || rate > benchBest.rate) benchBest = { threads: t, rate };
      }
      const atApp = median(benchRates.get(threads) ?? [NaN]);
      rows.push({ name: `endpoint ÷ llama-bench (app's ${threads} thread${threads > 1 ? "s" : ""})`, value: endpoint / atApp, unit: "x" });
      const vsBest = endpoint / benchBest!.rate;
      rows.push({ name: `endpoint ÷ llama-bench (best, ${benchBest!.threads} thread${benchBest!.threads > 1 ? "s" : ""})`, value: vsBest, unit: "x", target: ">= 0.9", ok: vsBest >= 0.9 });
    } else {
      rows.push({ name: "llama-bench (set LLAMA_BENCH to compare)", value: 0, unit: "-" });
    }
    rows.push({ name: "1 request (service)", value: median(single), unit: "tok/s" });
    rows.push({ name: `${loaded.parallelSequences} concurrent requests (aggregate)`, value: median(concurrent), unit: "tok/s" });
    const concurrency = ratio(concurrent, single);
    rows.push({ name: `${loaded.parallelSequences} concurrent / 1`, value: concurrency, unit: "x", target: "> 1", ok: concurrency > 1 });
    rows.push({ name: "peak RSS, worker process", value: workerRss / MIB, unit: "MiB" });
    rows.push({ name: "peak RSS, direct process", value: directRss / MIB, unit: "MiB" });
    if (llamaBenchBinary) {
      // llama.cpp allocates and clears the whole KV cache at start, so a run whose context is the worker's
      // (all sequences together) holds the same cache; the depth fills it through prompt processing.
      const cells = loaded.contextSize * loaded.parallelSequences;
      const sameContext = await llamaBench(llamaBenchBinary, ["-m", modelPath, "-t", String(threads), "-p", "0", "-n", "16", "-d", String(cells - 16), "-r", "1", "--no-warmup"]);
      rows.push({ name: `peak RSS, llama-bench (${tokens}-token context)`, value: benchRss / MIB, unit: "MiB" });
      rows.push({ name: `peak RSS, llama-bench (${cells}-token context, as the worker)`, value: sameContext.peakRss / MIB, unit: "MiB" });
      const rss = workerRss / sameContext.peakRss;
      rows.push({ name: "worker RSS ÷ llama-bench's (same context)", value: rss, unit: "x", target: "<= 1.5", ok: rss <= 1.5 });
    }
    return rows;
  } finally {
    await direct?.stop();
    await server.dispose();
    await service.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printRows("bench inference", await benchInference());
}
