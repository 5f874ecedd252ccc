/**
 * How much KV cache a loaded model reserves: context per sequence and the number of sequences. llama.cpp allocates
 * (and zeroes) the whole KV cache when the context is created, so every reserved token costs memory for as long as
 * the model is loaded, whether requests use it or not. The reservation follows what the service needs instead of a
 * fixed size: the largest request it sees (prompt and reply), how many requests run at once, and the memory the fit
 * plan leaves for the cache. Pure arithmetic, shared by the worker (which knows the model's shape) and the host.
 */

/** A relay-sized chat request when none has been observed yet: a prompt with some history and a full reply. */
export const DEFAULT_REQUEST_TOKENS = 2048;

/** Below this a chat with a system prompt and a short history no longer fits (node-llama-cpp's chat needs ~1K). */
export const MIN_CONTEXT_TOKENS = 1024;

/** Most tokens per sequence reserved when the caller gives no figure; requests beyond it are refused, not truncated. */
export const MAX_DEFAULT_CONTEXT_TOKENS = 8192;

/**
 * Sequences when no concurrency has been observed. A GPU evaluates several sequences in one batch for about the cost
 * of one, so four serve four relays at once. On the CPU node-llama-cpp 3.21 rarely puts two sequences' steps in one
 * llama.cpp batch (each sequence is sampled on its own and queues its next token a cycle later, and llama.cpp splits
 * a batch whose sequence ids are not consecutive), so extra sequences add latency-hiding, not tokens/s: two keep a
 * second request (the owner's chat, a short relay) from waiting behind a long one.
 */
export const DEFAULT_SEQUENCES = { cpu: 2, gpu: 4 } as const;

/** llama.cpp rounds each sequence's cells up to a multiple of this (node-llama-cpp pads the same way). */
export const CONTEXT_PAD = 256;

export interface ReservationInput {
  /** Tokens per sequence the caller insists on; wins over everything below. */
  contextSize?: number;
  /** Sequences the caller insists on. */
  parallelSequences?: number;
  /** The largest request (prompt + reply tokens) the service has to fit, with its headroom. */
  requestTokens?: number;
  /** Requests that run at once (observed), used when parallelSequences is not given. */
  concurrency?: number;
  /** Memory the fit plan leaves for the KV cache on the model's device; sequences, then context, shrink to fit. */
  memoryBudgetBytes?: number;
  /** The model's training context: a sequence never gets more. */
  trainContextSize: number;
  /** KV cache bytes one token of one sequence takes (all layers, K and V). */
  kvBytesPerToken: number;
  /** Whether every layer runs on a GPU. */
  offloaded: boolean;
}

export interface Reservation {
  contextSize: number;
  sequences: number;
  kvCacheBytes: number;
}

export function padContext(tokens: number): number {
  return Math.ceil(tokens / CONTEXT_PAD) * CONTEXT_PAD;
}

export function reserveContext(input: ReservationInput): Reservation {
  const train = Math.max(1, input.trainContextSize);
  const explicitContext = input.contextSize !== undefined;
  let contextSize = explicitContext
    ? input.contextSize!
    : Math.min(train, MAX_DEFAULT_CONTEXT_TOKENS, Math.max(MIN_CONTEXT_TOKENS, padContext(input.requestTokens ?? DEFAULT_REQUEST_TOKENS)));
  let sequences = input.parallelSequences ??
    Math.max(1, Math.round(input.concurrency ?? (input.offloaded ? DEFAULT_SEQUENCES.gpu : DEFAULT_SEQUENCES.cpu)));

  const budget = input.memoryBudgetBytes;
  const perSequence = () => contextSize * input.kvBytesPerToken;
  if (budget !== undefined && input.kvBytesPerToken > 0) {
    if (input.parallelSequences === undefined) {
      while (sequences > 1 && sequences * perSequence() > budget) sequences--;
    }
    if (!explicitContext && sequences * perSequence() > budget) {
      const fits = Math.floor(budget / (sequences * input.kvBytesPerToken) / CONTEXT_PAD) * CONTEXT_PAD;
      contextSize = Math.min(contextSize, Math.max(Math.min(train, CONTEXT_PAD), fits));
    }
  }
  return { contextSize, sequences, kvCacheBytes: contextSize * sequences * input.kvBytesPerToken };
}

/**
 * The request size to reserve for from observed requests: the 95th percentile of prompt + reply tokens with a quarter
 * on top (a request a little larger than any seen so far still fits); null until enough requests were seen.
 */
export function requestTokensFromObserved(sizes: readonly number[], minSamples = 20): number | null {
  if (sizes.length < minSamples) return null;
  return Math.ceil(percentile95(sizes) * 1.25);
}

/** What the service has been asked lately, kept to size the next reservation (the last `limit` requests). */
export interface ObservedRequests {
  /** Prompt + reply tokens of each request (for refused ones, what they would have needed). */
  sizes: number[];
  /** Requests in flight on the worker when each request started, itself included. */
  concurrency: number[];
}

export class RequestObserver {
  private readonly sizes: number[];
  private readonly concurrency: number[];

  constructor(
    initial: Partial<ObservedRequests> = {},
    private readonly limit = 500,
  ) {
    this.sizes = (initial.sizes ?? []).filter((n) => Number.isFinite(n) && n > 0).slice(-limit);
    this.concurrency = (initial.concurrency ?? []).filter((n) => Number.isFinite(n) && n > 0).slice(-limit);
  }

  recordSize(tokens: number): void {
    push(this.sizes, tokens, this.limit);
  }

  recordConcurrency(inFlight: number): void {
    push(this.concurrency, inFlight, this.limit);
  }

  snapshot(): ObservedRequests {
    return { sizes: [...this.sizes], concurrency: [...this.concurrency] };
  }

  /** requestTokens and concurrency for the next load, each once enough requests were seen. */
  needs(minSamples = 20): { requestTokens?: number; concurrency?: number } {
    const requestTokens = requestTokensFromObserved(this.sizes, minSamples);
    const concurrency = this.concurrency.length >= minSamples ? percentile95(this.concurrency) : null;
    return {
      ...(requestTokens !== null ? { requestTokens } : {}),
      ...(concurrency !== null ? { concurrency } : {}),
    };
  }
}

function push(list: number[], value: number, limit: number): void {
  list.push(value);
  if (list.length > limit) list.splice(0, list.length - limit);
}

function percentile95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}
