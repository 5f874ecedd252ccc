import type { LlamaModel } from "node-llama-cpp";

/** llama.cpp keeps K and V in f16 unless told otherwise (node-llama-cpp's quantized KV types are experimental). */
const KV_BYTES_PER_ELEMENT = 2;

interface AttentionMetadata {
  head_count?: number | number[];
  head_count_kv?: number | number[];
  key_length?: number;
  value_length?: number;
}

/**
 * KV cache bytes one token of one sequence takes: for every layer, K (kv heads × key length) and V (kv heads × value
 * length) in f16. Per-layer head counts (some architectures vary them, 0 for layers without attention) are summed
 * layer by layer. Sliding-window and recurrent layers are counted as full attention, which overstates, never
 * understates, what those models reserve.
 */
export function kvBytesPerToken(model: LlamaModel): number {
  const arch = (model.fileInfo.architectureMetadata ?? {}) as { block_count?: number; embedding_length?: number; attention?: AttentionMetadata };
  const layers = arch.block_count ?? model.fileInsights.totalLayers;
  const embedding = arch.embedding_length ?? 0;
  const attention = arch.attention ?? {};
  let elements = 0;
  for (let layer = 0; layer < layers; layer++) {
    const heads = perLayer(attention.head_count, layer) ?? 0;
    const kvHeads = perLayer(attention.head_count_kv, layer) ?? heads;
    const keyLength = attention.key_length ?? (heads ? embedding / heads : 0);
    const valueLength = attention.value_length ?? (heads ? embedding / heads : 0);
    elements += kvHeads * (keyLength + valueLength);
  }
  return Math.round(elements * KV_BYTES_PER_ELEMENT);
}

function perLayer(value: number | number[] | undefined, layer: number): number | undefined {
  return Array.isArray(value) ? value[layer] : value;
}
