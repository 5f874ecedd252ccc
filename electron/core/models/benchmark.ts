import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { z } from "zod";
import type { GenerationStats, InferenceStatus, LoadParams } from "../../../shared/api/inference.js";
import { BenchmarkResult, type ThreadTrial } from "../../../shared/api/models.js";
import type { Logger } from "../runtime/logger.js";
import { writeFileAtomic } from "../runtime/atomic-file.js";

/** The part of the inference engine (the pool of WorkerSupervisors) a benchmark drives. */
export interface BenchmarkEngine {
  status(): InferenceStatus;
  load(params: { modelPath: string; contextSize?: number; parallelSequences?: number; gpuLayers?: "auto" | number; threads?: number }): Promise<InferenceStatus>;
  unload(): Promise<InferenceStatus>;
  complete(
    request: { requestId: string; prompt: string; maxTokens?: number; temperature?: number; seed?: number },
    onToken?: (delta: string) => void,
  ): Promise<{ text: string; stats: GenerationStats }>;
  /** What the serving model was loaded with (only what the caller chose), to load it the same way afterwards. */
  loadParams?(): LoadParams | null;
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
/** Share of the benchmark's time the thread trials may take; the rest measures the fastest count. */
const TRIALS_SHARE = 0.4;
/** A smaller thread count within this share of the fastest is kept: it leaves cores to the app and is as fast. */
const THREADS_TIE = 0.03;

export interface BenchmarkRequest {
  modelId: string;
  modelPath: string;
  /** About how long the benchmark takes: the thread trials get TRIALS_SHARE of it, the measurement the rest. */
  durationMs: number;
  /** Stop after this many measured requests even if time is left (tests). */
  maxRequests?: number;
  /** Thread counts to try; threadCandidates() for this machine by default. */
  threadCandidates?: number[];
  /** Measured requests per thread trial (after one short warm-up). */
  trialRequests?: number;
  /** Called with the result before the previous model is loaded again, so that load already uses it. */
  save?: (result: BenchmarkResult) => void;
  now?: () => number;
}

/**
 * Thread counts worth trying on a machine with `cpus` logical CPUs: every count up to 4, then powers of two and the
 * top two counts. llama.cpp's best count is often below the core count (memory bandwidth saturates, and on a loaded
 * or small machine one busy core stalls every thread at each step's barrier), so it is measured, not assumed. A
 * model on a GPU only needs a thread or two to feed it.
 */
export function threadCandidates(cpus: number, offloaded: boolean): number[] {
  const top = Math.max(1, cpus);
  if (offloaded) return top >= 2 ? [1, 2] : [1];
  const counts = new Set<number>();
  for (let n = 1; n <= Math.min(top, 4); n++) counts.add(n);
  for (let n = 8; n < top; n *= 2) counts.add(n);
  counts.add(Math.max(1, top - 1));
  counts.add(top);
  return [...counts].sort((a, b) => a - b);
}

/** The fastest trial; a smaller count within THREADS_TIE of it wins the tie. */
export function fastestThreads(trials: readonly ThreadTrial[]): number {
  const best = Math.max(...trials.map((t) => t.generationTokensPerSecond));
  return [...trials].sort((a, b) => a.threads - b.threads).find((t) => t.generationTokensPerSecond >= best * (1 - THREADS_TIE))!.threads;
}

/**
 * Runs the model through the inference engine for about `durationMs`. First each candidate thread count gets a short
 * trial (a reload, a warm-up request, `trialRequests` timed ones); then the fastest count is measured with
 * relay-sized completions back to back for the rest of the time. Time to first token is the median; prompt
 * tokens/s is prompt tokens over time-to-first-token; generation tokens/s is generated tokens over the time spent
 * generating them, summed over all requests. Afterwards whatever was loaded before is loaded again the way it was.
 */
export async function runBenchmark(engine: BenchmarkEngine, request: BenchmarkRequest): Promise<BenchmarkResult> {
  const now = request.now ?? (() => performance.now());
  const previous = engine.status().model;
  const previousParams = engine.loadParams?.() ?? (previous ? { modelPath: previous.path, gpuLayers: previous.gpuLayers } : null);
  let index = 0;
  const timed = async (maxTokens: number) => {
    // A different first word each time: the engine reuses an evaluated prefix, which would hide prompt processing.
    const { stats } = await engine.complete({
      requestId: `bench-${Date.now()}-${index}`,
      prompt: `${OPENINGS[index++ % OPENINGS.length]} ${PROMPT}`,
      maxTokens,
      temperature: 0,
    });
    return stats.timeToFirstTokenMs !== null && stats.tokensPerSecond !== null && stats.completionTokens > 0 ? stats : null;
  };
  const loadWith = async (threads: number | undefined) => {
    const status = await engine.load({ modelPath: request.modelPath, parallelSequences: 1, threads });
    await engine.complete({ requestId: `bench-warmup-${Date.now()}`, prompt: PROMPT, maxTokens: 8, temperature: 0 });
    return status;
  };
  try {
    // The first load tells where the model runs (a GPU needs few CPU threads) and warms the file cache.
    const first = await loadWith(undefined);
    const offloaded = (first.model?.gpuLayers ?? 0) > 0;
    const deviceId = offloaded ? "gpu0" : "cpu";
    const candidates = request.threadCandidates ?? threadCandidates(availableParallelism(), offloaded);
    const trials: ThreadTrial[] = [];
    const trialBudget = (request.durationMs * TRIALS_SHARE) / candidates.length;
    for (const threads of candidates) {
      if (first.model?.threads !== threads || trials.length > 0) await loadWith(threads);
      const trialStart = now();
      const rates: number[] = [];
      while (rates.length < (request.trialRequests ?? 2) && (rates.length === 0 || now() - trialStart < trialBudget)) {
        const stats = await timed(GENERATED_TOKENS / 2);
        if (stats) rates.push(stats.tokensPerSecond!);
      }
      if (rates.length) trials.push({ threads, generationTokensPerSecond: round(median(rates)) });
    }
    if (trials.length === 0) throw new Error("the model produced no tokens during the benchmark");
    const threads = fastestThreads(trials);
    const status = await loadWith(threads);

    // The measurement keeps its share of the time however long the reloads of the trials took.
    const measureStart = now();
    const measureMs = request.durationMs * (1 - TRIALS_SHARE);
    const samples: GenerationStats[] = [];
    while (samples.length < (request.maxRequests ?? Infinity) && (now() - measureStart < measureMs || samples.length === 0)) {
      const stats = await timed(GENERATED_TOKENS);
      if (stats) samples.push(stats);
      else if (now() - measureStart >= measureMs) break;
    }
    const durationMs = now() - measureStart;
    if (samples.length === 0) throw new Error("the model produced no tokens during the benchmark");
    const ttfts = samples.map((s) => s.timeToFirstTokenMs!).sort((a, b) => a - b);
    const promptTokens = samples.reduce((sum, s) => sum + s.promptTokens, 0);
    const promptSeconds = samples.reduce((sum, s) => sum + s.timeToFirstTokenMs! / 1000, 0);
    const generated = samples.reduce((sum, s) => sum + s.completionTokens, 0);
    const generatingSeconds = samples.reduce((sum, s) => sum + s.completionTokens / s.tokensPerSecond!, 0);
    const result = BenchmarkResult.parse({
      modelId: request.modelId,
      deviceId,
      timeToFirstTokenMs: round(ttfts[Math.floor(ttfts.length / 2)]),
      promptTokensPerSecond: round(promptTokens / promptSeconds),
      generationTokensPerSecond: round(generated / generatingSeconds),
      requests: samples.length,
      durationMs: Math.round(durationMs),
      measuredAt: Date.now(),
      threads: status.model?.threads ?? threads,
      threadTrials: trials,
    });
    request.save?.(result);
    return result;
  } finally {
    if (previousParams) {
      // Loaded the way it was: settings the caller chose stay, the rest (threads included) come from the tuning,
      // which now knows this benchmark's result.
      await engine.load(previousParams).catch(() => {});
    } else {
      await engine.unload().catch(() => {});
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
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
