import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import type { GenerationStats, InferenceStatus } from "../../../shared/api/inference.js";
import { BenchmarkResult } from "../../../shared/api/models.js";
import type { Logger } from "../runtime/logger.js";
import { writeFileAtomic } from "../runtime/atomic-file.js";

/** The part of the inference engine (WorkerSupervisor) a benchmark drives. */
export interface BenchmarkEngine {
  status(): InferenceStatus;
  load(params: { modelPath: string; contextSize?: number; parallelSequences?: number; gpuLayers?: "auto" | number }): Promise<InferenceStatus>;
  unload(): Promise<InferenceStatus>;
  complete(
    request: { requestId: string; prompt: string; maxTokens?: number; temperature?: number; seed?: number },
    onToken?: (delta: string) => void,
  ): Promise<{ text: string; stats: GenerationStats }>;
}

/**
 * A relay-sized request: a prompt of a few hundred tokens (what a chat turn with some history carries) and a
 * 128-token answer. Greedy sampling keeps runs comparable.
 */
const PROMPT =
  "Once upon a time, in a small village at the edge of a great forest, there lived a girl who loved to read. " +
  "Every morning she walked to the old library, where the librarian kept a shelf of stories about dragons, " +
  "ships, clever foxes and kind giants. One day she found a book with no title and a soft blue cover. " +
  "When she opened it, the pages were empty, but as she looked at them, words began to appear, telling the story " +
  "of a journey that had not happened yet. The girl closed the book, thought for a long time, and then decided " +
  "to follow the story wherever it would lead. She packed bread, an apple, a warm scarf and a small lantern. " +
  "Then she said goodbye to her mother, promised to be careful, and set off down the path into the forest. ";
const GENERATED_TOKENS = 128;
const OPENINGS = ["Listen.", "Today,", "Long ago,", "Here is a tale.", "Story:", "Remember this.", "Quietly,", "Chapter one."];

export interface BenchmarkRequest {
  modelId: string;
  modelPath: string;
  /** How long to keep measuring after the warm-up request. */
  durationMs: number;
  /** Stop after this many measured requests even if time is left (tests). */
  maxRequests?: number;
  now?: () => number;
}

/**
 * Runs the model through the inference engine for about `durationMs`: loads it (then restores whatever was loaded
 * before), one warm-up request, then relay-sized completions back to back. Time to first token is the median;
 * prompt tokens/s is prompt tokens over time-to-first-token; generation tokens/s is generated tokens over the time
 * spent generating them, summed over all requests.
 */
export async function runBenchmark(engine: BenchmarkEngine, request: BenchmarkRequest): Promise<BenchmarkResult> {
  const now = request.now ?? (() => performance.now());
  const previous = engine.status().model;
  const status = await engine.load({ modelPath: request.modelPath, parallelSequences: 1 });
  const deviceId = (status.model?.gpuLayers ?? 0) > 0 ? "gpu0" : "cpu";
  try {
    await engine.complete({ requestId: `bench-warmup-${Date.now()}`, prompt: PROMPT, maxTokens: 8, temperature: 0 });
    const started = now();
    const samples: GenerationStats[] = [];
    let index = 0;
    while (now() - started < request.durationMs && samples.length < (request.maxRequests ?? Infinity)) {
      // A different first word each time: the engine reuses an evaluated prefix, which would hide prompt processing.
      const { stats } = await engine.complete({
        requestId: `bench-${Date.now()}-${index}`,
        prompt: `${OPENINGS[index++ % OPENINGS.length]} ${PROMPT}`,
        maxTokens: GENERATED_TOKENS,
        temperature: 0,
      });
      if (stats.timeToFirstTokenMs !== null && stats.tokensPerSecond !== null && stats.completionTokens > 0) samples.push(stats);
    }
    const durationMs = now() - started;
    if (samples.length === 0) throw new Error("the model produced no tokens during the benchmark");
    const ttfts = samples.map((s) => s.timeToFirstTokenMs!).sort((a, b) => a - b);
    const promptTokens = samples.reduce((sum, s) => sum + s.promptTokens, 0);
    const promptSeconds = samples.reduce((sum, s) => sum + s.timeToFirstTokenMs! / 1000, 0);
    const generated = samples.reduce((sum, s) => sum + s.completionTokens, 0);
    const generatingSeconds = samples.reduce((sum, s) => sum + s.completionTokens / s.tokensPerSecond!, 0);
    return BenchmarkResult.parse({
      modelId: request.modelId,
      deviceId,
      timeToFirstTokenMs: round(ttfts[Math.floor(ttfts.length / 2)]),
      promptTokensPerSecond: round(promptTokens / promptSeconds),
      generationTokensPerSecond: round(generated / generatingSeconds),
      requests: samples.length,
      durationMs: Math.round(durationMs),
      measuredAt: Date.now(),
    });
  } finally {
    if (previous && previous.path !== request.modelPath) {
      await engine
        .load({ modelPath: previous.path, contextSize: previous.contextSize, parallelSequences: previous.parallelSequences, gpuLayers: previous.gpuLayers })
        .catch(() => {});
    } else if (!previous) {
      await engine.unload().catch(() => {});
    }
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

const BENCH_FORMAT = "pocketforge-benchmarks-v1";

/** Measured figures per model and device (benchmarks.json in the data dir); the planner prefers them to estimates. */
export class BenchmarkStore {
  private results: BenchmarkResult[];

  constructor(
    readonly path: string,
    private readonly logger: Logger,
  ) {
    this.results = this.load();
  }

  list(): BenchmarkResult[] {
    return [...this.results];
  }

  put(result: BenchmarkResult): void {
    const next = [...this.results.filter((r) => !(r.modelId === result.modelId && r.deviceId === result.deviceId)), result];
    writeFileAtomic(this.path, JSON.stringify({ format: BENCH_FORMAT, results: next }, null, 2) + "\n");
    this.results = next;
  }

  forget(modelId: string): void {
    if (!this.results.some((r) => r.modelId === modelId)) return;
    const next = this.results.filter((r) => r.modelId !== modelId);
    writeFileAtomic(this.path, JSON.stringify({ format: BENCH_FORMAT, results: next }, null, 2) + "\n");
    this.results = next;
  }

  private load(): BenchmarkResult[] {
    if (!existsSync(this.path)) return [];
    try {
      const doc = z.object({ format: z.literal(BENCH_FORMAT), results: z.array(BenchmarkResult) }).parse(JSON.parse(readFileSync(this.path, "utf8")));
      return doc.results;
    } catch (error) {
      this.logger.warn("benchmark results were unreadable; they will be measured again", { error });
      return [];
    }
  }
}
