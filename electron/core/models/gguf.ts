import { open } from "node:fs/promises";
import type { GgufFacts } from "../../../shared/api/models.js";

const GGUF_MAGIC = Buffer.from("GGUF", "ascii");
/** Chat templates are a few KiB; anything past this is not shown or stored. */
const MAX_TEMPLATE_CHARS = 64 * 1024;

/** True when the file starts with the GGUF magic bytes (cheap check before parsing or copying). */
export async function hasGgufMagic(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.equals(GGUF_MAGIC);
  } finally {
    await handle.close();
  }
}

/**
 * Facts from the GGUF header via node-llama-cpp's readGgufFileInfo: architecture, parameter count (summed over the
 * tensors), quantization, context length, layer and head counts (the planner sizes the KV cache with them) and the
 * chat template. Loaded lazily: node-llama-cpp is large and most starts never need it.
 */
export async function readGgufFacts(path: string): Promise<GgufFacts> {
  const { readGgufFileInfo, GgufFileType, GgmlType } = await import("node-llama-cpp");
  const info = await readGgufFileInfo(path, { logWarnings: false, ignoreKeys: ["tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type", "tokenizer.ggml.merges"] });
  const metadata = info.metadata as unknown as {
    general: { architecture: string; name?: string; file_type?: number };
    tokenizer?: { chat_template?: string };
  };
  const arch = (info.architectureMetadata ?? {}) as {
    context_length?: number;
    block_count?: number;
    embedding_length?: number;
    attention?: { head_count?: number | number[]; head_count_kv?: number | number[]; key_length?: number };
  };
  const tensors = info.fullTensorInfo ?? info.tensorInfo ?? [];
  let parameters = 0;
  const elementsByType = new Map<number, number>();
  for (const tensor of tensors) {
    const elements = tensor.dimensions.reduce<number>((product, d) => product * Number(d), 1);
    parameters += elements;
    elementsByType.set(tensor.ggmlType, (elementsByType.get(tensor.ggmlType) ?? 0) + elements);
  }
  const fileType = metadata.general.file_type;
  const quantization =
    fileType !== undefined && GgufFileType[fileType]
      ? GgufFileType[fileType].replace(/^(MOSTLY|ALL)_/, "")
      : dominantType(elementsByType, (t) => GgmlType[t]);
  const headCount = largest(arch.attention?.head_count);
  const kvHeads = largest(arch.attention?.head_count_kv) ?? headCount;
  const embedding = arch.embedding_length ?? null;
  const template = metadata.tokenizer?.chat_template ?? null;
  return {
    architecture: metadata.general.architecture,
    name: metadata.general.name ?? null,
    parameters,
    quantization,
    contextLength: arch.context_length ?? null,
    layers: arch.block_count ?? null,
    embeddingLength: embedding,
    headCount,
    kvHeads,
    headDim: arch.attention?.key_length ?? (embedding && headCount ? Math.round(embedding / headCount) : null),
    chatTemplate: template === null ? null : template.slice(0, MAX_TEMPLATE_CHARS),
  };
}

/** Per-layer head counts (some architectures vary them) are summarised by the largest, which sizes memory safely. */
function largest(value: number | number[] | undefined): number | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value.length ? Math.max(...value) : null) : value;
}

function dominantType(elementsByType: Map<number, number>, name: (type: number) => string | undefined): string {
  let best: [number, number] | null = null;
  for (const entry of elementsByType) if (!best || entry[1] > best[1]) best = entry;
  return best ? (name(best[0]) ?? `type ${best[0]}`) : "unknown";
}
