import type { ArchitectureFacts } from "./catalog-schema.js";

/**
 * How much memory a GGUF model needs, from facts known before it is loaded. The catalog's `needs` figures are
 * produced by these functions (a unit test keeps them in step), and the fit planner applies the same ones to the
 * facts it reads from installed files, so a catalog entry and its downloaded file get the same answer.
 */

const MIB = 1024 * 1024;

/** llama.cpp keeps K and V in f16 unless told otherwise. */
const KV_BYTES_PER_ELEMENT = 2;

/** Context the catalog's `needs` are quoted at: what a relay-serving sequence typically gets. */
export const NEEDS_CONTEXT_TOKENS = 4096;

/**
 * Compute buffers, the output layer's scratch and allocator slack. A fixed part plus a share of the weights: llama.cpp
 * reports roughly 0.3–0.5 GiB of such buffers for a 7–8B Q4_K_M model at a 4K context.
 */
export function runtimeOverheadBytes(weightsBytes: number): number {
  return Math.round(128 * MIB + 0.05 * weightsBytes);
}

/** The engine's own process (node, the llama.cpp runtime) when the model runs on the CPU. */
export const CPU_PROCESS_OVERHEAD_BYTES = 256 * MIB;

/** K and V for every layer: 2 × layers × kvHeads × headDim × 2 bytes per token. */
export function kvCacheBytes(architecture: ArchitectureFacts, contextTokens: number): number {
  return 2 * architecture.layers * architecture.kvHeads * architecture.headDim * KV_BYTES_PER_ELEMENT * contextTokens;
}

export interface MemoryNeeds {
  vramBytes: number;
  ramBytes: number;
  contextTokens: number;
}

/**
 * Memory to run the whole model on one device: the weights (all of the file, which is almost entirely tensors), the
 * KV cache for `contextTokens`, and runtime overhead. On the CPU the engine process comes on top.
 */
export function estimateNeeds(weightsBytes: number, architecture: ArchitectureFacts, contextTokens: number): MemoryNeeds {
  const base = weightsBytes + kvCacheBytes(architecture, contextTokens) + runtimeOverheadBytes(weightsBytes);
  return { vramBytes: Math.round(base), ramBytes: Math.round(base + CPU_PROCESS_OVERHEAD_BYTES), contextTokens };
}

/** One repeating layer's share of weights and KV cache: what each offloaded layer costs on the GPU. */
export function perLayerBytes(weightsBytes: number, architecture: ArchitectureFacts, contextTokens: number): number {
  return (weightsBytes + kvCacheBytes(architecture, contextTokens)) / architecture.layers;
}

/**
 * Average bits per weight of llama.cpp's quantization types (mixed-precision ones such as Q4_K_M included), for
 * sizing a model whose exact file size no public source states.
 */
const BITS_PER_WEIGHT: Record<string, number> = {
  F32: 32,
  F16: 16,
  BF16: 16,
  Q8_0: 8.5,
  Q6_K: 6.56,
  Q5_K_M: 5.69,
  Q5_K_S: 5.54,
  Q5_0: 5.5,
  Q4_K_M: 4.85,
  Q4_K_S: 4.58,
  Q4_0: 4.55,
  IQ4_XS: 4.25,
  Q3_K_M: 3.91,
  Q3_K_S: 3.5,
  Q2_K: 3.0,
};

/** Approximate file size of `parameters` weights in `quantization`; null for a type this table does not know. */
export function approximateWeightsBytes(parameters: number, quantization: string): number | null {
  const bits = BITS_PER_WEIGHT[quantization.toUpperCase()];
  return bits === undefined ? null : Math.round((parameters * bits) / 8);
}
