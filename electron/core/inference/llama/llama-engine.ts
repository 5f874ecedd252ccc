import { randomInt } from "node:crypto";
import { statSync } from "node:fs";
import { basename, extname } from "node:path";
import type {
  ChatWrapper,
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaModel,
  Token,
} from "node-llama-cpp";
import { ApiError } from "../../../../shared/api/index.js";
import { ContextOverflowError, NoModelLoadedError } from "../errors.js";
import { defaultThreads } from "../defaults.js";
import { MIN_CONTEXT_TOKENS, reserveContext } from "../reservation.js";
import type { ComputeProbeResult, EngineLoadOptions, GenerationRequest, GenerationResult, LoadedModel } from "../types.js";
import { computeFactsOf, createLlama, nodeLlamaCpp, type EngineLog } from "./binding.js";
import { kvBytesPerToken } from "./model-shape.js";
import { toChatHistory, toFinishReason, type StopReason } from "./prompt.js";
import { SequencePool } from "./sequence-pool.js";

export interface GenerateHooks {
  /** Each piece of text as soon as it is final (stop-sequence candidates are held back until resolved). */
  onText?: (delta: string) => void;
  /** Aborting ends generation early; the text so far is returned with finishReason "cancelled". */
  signal?: AbortSignal;
}

interface Loaded {
  info: LoadedModel;
  model: LlamaModel;
  context: LlamaContext;
  chatWrapper: ChatWrapper;
  pool: SequencePool;
}

/** What one generation needs once the input is tokenized: the run itself differs between chat and completion. */
interface PreparedInput {
  promptTokens: Token[];
  run(sequence: LlamaContextSequence, options: RunOptions): Promise<{ text: string; stopReason: StopReason }>;
}

interface RunOptions {
  maxTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  customStopTriggers?: string[];
  signal?: AbortSignal;
  stopOnAbortSignal: true;
  onToken: (tokens: Token[]) => void;
  onTextChunk: (text: string) => void;
}

/**
 * One model, one context with N sequences, and concurrent generations on them: llama.cpp evaluates the active
 * sequences together in one batch per step, so parallel requests share the cost of each forward pass.
 * Runs inside the worker process; the host talks to it through worker/serve.ts.
 */
export class LlamaEngine {
  private llama: Llama | null = null;
  private loaded: Loaded | null = null;
  private readonly running = new Set<{ abort: AbortController; done: Promise<unknown> }>();

  constructor(private readonly log: EngineLog = () => {}) {}

  get model(): LoadedModel | null {
    return this.loaded?.info ?? null;
  }

  /**
   * Which backend this engine's llama.cpp runtime uses (the one models will load on) and the devices it sees. Only
   * loads prebuilt binaries: a driver that crashes here ends this process, which is why it runs in a worker.
   */
  async probe(): Promise<ComputeProbeResult> {
    this.llama ??= await createLlama(this.log);
    return computeFactsOf(this.llama);
  }

  async load(options: EngineLoadOptions): Promise<LoadedModel> {
    await this.unload();
    const sizeBytes = fileSize(options.modelPath);
    const { resolveChatWrapper } = await nodeLlamaCpp();
    this.llama ??= await createLlama(this.log);
    const model = await this.llama.loadModel({ modelPath: options.modelPath, gpuLayers: options.gpuLayers ?? "auto" });
    try {
      const offloaded = model.gpuLayers > 0 && model.gpuLayers >= model.fileInsights.totalLayers;
      const threads = options.threads ?? defaultThreads({ offloaded });
      const perToken = kvBytesPerToken(model);
      const reservation = reserveContext({
        contextSize: options.contextSize,
        parallelSequences: options.parallelSequences,
        requestTokens: options.requestTokens,
        concurrency: options.concurrency,
        memoryBudgetBytes: options.memoryBudgetBytes,
        trainContextSize: model.trainContextSize,
        kvBytesPerToken: perToken,
        offloaded,
      });
      const context = await model.createContext({
        sequences: reservation.sequences,
        // A reservation by need may still meet less free memory than the plan assumed (another program's VRAM):
        // node-llama-cpp then shrinks it towards the floor instead of failing the load. A caller's figure is exact.
        contextSize: options.contextSize !== undefined
          ? reservation.contextSize
          : { min: Math.min(reservation.contextSize, MIN_CONTEXT_TOKENS), max: reservation.contextSize },
        threads,
      });
      const sequences = Array.from({ length: context.totalSequences }, () => context.getSequence());
      this.loaded = {
        model,
        context,
        chatWrapper: resolveChatWrapper(model),
        pool: new SequencePool(sequences),
        info: {
          path: options.modelPath,
          name: basename(options.modelPath, extname(options.modelPath)),
          sizeBytes,
          contextSize: context.contextSize,
          parallelSequences: context.totalSequences,
          gpuLayers: model.gpuLayers,
          threads,
          // node-llama-cpp may round the context up; the cache holds what it really created.
          kvCacheBytes: context.contextSize * context.totalSequences * perToken,
        },
      };
      this.log("info", `loaded ${this.loaded.info.name}: ${context.totalSequences} sequences of ${context.contextSize} tokens (KV cache ${Math.round(this.loaded.info.kvCacheBytes / 2 ** 20)} MiB), ${model.gpuLayers} GPU layers, ${threads} threads`);
      return this.loaded.info;
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  /** Stops every running generation (they resolve as cancelled) and frees the model. */
  async unload(): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) return;
    this.loaded = null;
    for (const run of this.running) run.abort.abort();
    await Promise.allSettled([...this.running].map((run) => run.done));
    await loaded.context.dispose();
    await loaded.model.dispose();
  }

  async dispose(): Promise<void> {
    await this.unload();
    await this.llama?.dispose();
    this.llama = null;
  }

  async generate(request: GenerationRequest, hooks: GenerateHooks = {}): Promise<GenerationResult> {
    const loaded = this.loaded;
    if (!loaded) throw new NoModelLoadedError();
    const started = performance.now();
    const prepared = await this.prepare(loaded, request);
    if (this.loaded !== loaded) throw new NoModelLoadedError("The model was unloaded before this request started");
    const promptTokens = prepared.promptTokens.length;
    const room = loaded.info.contextSize - promptTokens;
    if (room < 1) throw new ContextOverflowError(loaded.info.contextSize, promptTokens);

    const sequence = loaded.pool.acquire(prepared.promptTokens);
    const abort = new AbortController();
    const forwardAbort = () => abort.abort(hooks.signal?.reason);
    if (hooks.signal?.aborted) forwardAbort();
    else hooks.signal?.addEventListener("abort", forwardAbort, { once: true });

    let firstTokenAt: number | null = null;
    let completionTokens = 0;
    const work = prepared.run(sequence, {
      // Stopping at the context's edge (instead of shifting it) keeps the prompt intact and the count honest.
      maxTokens: Math.min(request.maxTokens ?? room, room),
      temperature: request.temperature,
      topP: request.topP,
      // node-llama-cpp's sampler otherwise starts from the same default seed every time, so "random" sampling
      // would repeat itself across requests; OpenAI clients expect a fresh draw unless they pass a seed.
      seed: request.seed ?? randomInt(0xffffffff),
      customStopTriggers: request.stop?.length ? request.stop : undefined,
      signal: abort.signal,
      stopOnAbortSignal: true,
      onToken: (tokens) => {
        firstTokenAt ??= performance.now();
        completionTokens += tokens.length;
      },
      onTextChunk: (delta) => hooks.onText?.(delta),
    });
    const entry = { abort, done: work };
    this.running.add(entry);
    try {
      const { text, stopReason } = await work.catch((error: unknown) => {
        // An abort that lands before generation starts is thrown rather than returned; it is still a cancellation.
        if (abort.signal.aborted) return { text: "", stopReason: "abort" as const };
        throw error;
      });
      return {
        text,
        stats: {
          promptTokens,
          completionTokens,
          timeToFirstTokenMs: firstTokenAt === null ? null : firstTokenAt - started,
          tokensPerSecond: decodeRate(completionTokens, firstTokenAt, performance.now()),
          finishReason: toFinishReason(stopReason),
        },
      };
    } finally {
      this.running.delete(entry);
      hooks.signal?.removeEventListener("abort", forwardAbort);
      loaded.pool.release(sequence);
    }
  }

  private async prepare(loaded: Loaded, request: GenerationRequest): Promise<PreparedInput> {
    const { LlamaChat, LlamaCompletion } = await nodeLlamaCpp();
    const { model, chatWrapper } = loaded;
    const input = request.input;
    if (input.kind === "completion") {
      // LlamaCompletion adds the beginning-of-sequence token itself; it is counted here so usage matches the context.
      const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
      const body = model.tokenize(input.prompt, false, bos !== null ? "trimLeadingSpace" : undefined);
      return {
        promptTokens: bos !== null ? [bos, ...body] : body,
        async run(sequence, options) {
          const completion = new LlamaCompletion({ contextSequence: sequence });
          try {
            const result = await completion.generateCompletionWithMeta(body, { ...options, disableContextShift: true });
            return { text: result.response, stopReason: result.metadata.stopReason };
          } finally {
            completion.dispose({ disposeSequence: false });
          }
        },
      };
    }
    const history = toChatHistory(input.messages);
    const { contextText } = chatWrapper.generateContextState({ chatHistory: history });
    return {
      promptTokens: contextText.tokenize(model.tokenizer),
      async run(sequence, options) {
        const chat = new LlamaChat({ contextSequence: sequence, chatWrapper, autoDisposeSequence: false });
        try {
          const result = await chat.generateResponse(history, options);
          return { text: result.response, stopReason: result.metadata.stopReason };
        } finally {
          chat.dispose({ disposeSequence: false });
        }
      },
    };
  }
}

/** Decode speed after the first token, the figure llama.cpp users compare; null until two tokens exist. */
function decodeRate(tokens: number, firstTokenAt: number | null, endedAt: number): number | null {
  if (firstTokenAt === null || tokens < 2 || endedAt <= firstTokenAt) return null;
  return ((tokens - 1) * 1000) / (endedAt - firstTokenAt);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    throw new ApiError("not_found", `Model file not found: ${path}`);
  }
}
