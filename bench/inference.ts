// Inference throughput: the engine called directly vs the same generation through the OpenAI HTTP endpoint, and
// one request vs four concurrent ones on parallel sequences. `npx tsx bench/inference.ts` or `npm run bench -- inference`.
import { pathToFileURL } from "node:url";
import { silentLogger } from "../electron/core/runtime/logger.js";
import { LlamaEngine } from "../electron/core/inference/llama/llama-engine.js";
import { WorkerSupervisor, OpenAiServer } from "../electron/core/inference/index.js";
import { testModelPath } from "../test/fixtures/paths.js";
import { printRows, type BenchRow } from "./types.js";

const PROMPT = "Once upon a time";
const TOKENS = 128;
// Other work on a shared machine comes and goes; comparing paths round by round and taking medians keeps a burst
// of it from deciding a ratio.
const ROUNDS = 7;
const CONTEXT = 512;
const SEQUENCES = 4;

/** Tokens per second of each timed run. */
class Samples {
  readonly rates: number[] = [];
  async time(run: () => Promise<number>): Promise<void> {
    const started = performance.now();
    const tokens = await run();
    this.rates.push((tokens * 1000) / (performance.now() - started));
  }
  get median(): number {
    return median(this.rates);
  }
  /** Median over rounds of this path's rate divided by `other`'s in the same round. */
  ratioTo(other: Samples): number {
    return median(this.rates.map((rate, round) => rate / other.rates[round]!));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function benchInference(): Promise<BenchRow[]> {
  const modelPath = testModelPath();
  // Same model, context and threads (the engine's machine default) on every path.
  const load = { modelPath, contextSize: CONTEXT, parallelSequences: SEQUENCES };
  const engine = new LlamaEngine();
  const service = new WorkerSupervisor({ logger: silentLogger });
  const server = new OpenAiServer({ backend: service, logger: silentLogger, port: 0 });
  try {
    await engine.load(load);
    await service.load(load);
    await server.start();
    const url = `${server.baseUrl}/completions`;

    // Every path streams its text to a consumer, as a chat UI or a relayed request would.
    let received = 0;
    const consume = (delta: string) => void (received += delta.length);
    const direct = () =>
      engine.generate({ input: { kind: "completion", prompt: PROMPT }, maxTokens: TOKENS, temperature: 0 }, { onText: consume })
        .then((r) => r.stats.completionTokens);
    let nextId = 0;
    const viaService = () =>
      service.complete({ requestId: `bench-${nextId++}`, prompt: PROMPT, maxTokens: TOKENS, temperature: 0 }, consume)
        .then((r) => r.stats.completionTokens);
    const viaHttp = () => streamCompletion(url, service.status().model!.name);

    // Warm every path once (first evaluation, HTTP keep-alive), then interleave so drift on a shared machine
    // affects all paths alike.
    await direct();
    await viaService();
    await viaHttp();
    const tallies = { direct: new Samples(), service: new Samples(), http: new Samples() };
    const paths = [["direct", direct], ["service", viaService], ["http", viaHttp]] as const;
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? paths : [...paths].reverse();
      for (const [name, run] of order) await tallies[name].time(run);
    }

    const single = new Samples();
    const concurrent = new Samples();
    for (let round = 0; round < ROUNDS; round++) {
      await single.time(viaService);
      await concurrent.time(async () => {
        const counts = await Promise.all(Array.from({ length: SEQUENCES }, viaService));
        return counts.reduce((a, b) => a + b, 0);
      });
    }

    const httpVsDirect = tallies.http.ratioTo(tallies.direct);
    const httpVsService = tallies.http.ratioTo(tallies.service);
    const concurrency = concurrent.ratioTo(single);
    const threads = service.status().model!.threads;
    return [
      { name: `engine in-process (${threads} thread${threads > 1 ? "s" : ""})`, value: tallies.direct.median, unit: "tok/s" },
      { name: "service (worker process)", value: tallies.service.median, unit: "tok/s" },
      { name: "OpenAI HTTP, streamed", value: tallies.http.median, unit: "tok/s" },
      { name: "HTTP / direct engine", value: httpVsDirect, unit: "x", target: ">= 0.95", ok: httpVsDirect >= 0.95 },
      { name: "HTTP / service", value: httpVsService, unit: "x", target: ">= 0.95", ok: httpVsService >= 0.95 },
      { name: "1 request", value: single.median, unit: "tok/s" },
      { name: `${SEQUENCES} concurrent requests (aggregate)`, value: concurrent.median, unit: "tok/s" },
      { name: `${SEQUENCES} concurrent / 1`, value: concurrency, unit: "x", target: "> 1", ok: concurrency > 1 },
    ];
  } finally {
    await server.dispose();
    await service.dispose();
    await engine.dispose();
  }
}

/** One streamed completion over HTTP, read to the end; returns the completion tokens the usage chunk reports. */
async function streamCompletion(url: string, model: string): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      model,
      prompt: PROMPT,
      max_tokens: TOKENS,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const body = await response.text();
  const usage = body.split("\n\n").reverse().find((event) => event.includes('"usage":{'));
  if (!usage) throw new Error("stream ended without a usage chunk");
  return JSON.parse(usage.slice("data: ".length)).usage.completion_tokens as number;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printRows("bench inference", await benchInference());
}
