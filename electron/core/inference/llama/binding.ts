import { availableParallelism } from "node:os";
import type { Llama, LlamaLogLevel } from "node-llama-cpp";
import type { ComputeProbeResult } from "../types.js";

export type NodeLlamaCpp = typeof import("node-llama-cpp");

let modulePromise: Promise<NodeLlamaCpp> | undefined;

/**
 * node-llama-cpp is ESM-only and loads a native addon; importing it lazily keeps it out of any process that only
 * type-checks against it (the host side) and lets a CommonJS bundle still reach it through import().
 */
export function nodeLlamaCpp(): Promise<NodeLlamaCpp> {
  return (modulePromise ??= import("node-llama-cpp"));
}

export type EngineLogLevel = "debug" | "info" | "warn" | "error";
export type EngineLog = (level: EngineLogLevel, message: string) => void;

/**
 * The llama.cpp runtime for this process. maxThreads must be the machine's parallelism: node-llama-cpp otherwise
 * assumes 4, which on a 2-core machine oversubscribes the CPU and runs hundreds of times slower.
 */
export async function createLlama(log: EngineLog): Promise<Llama> {
  const { getLlama, LlamaLogLevel } = await nodeLlamaCpp();
  return getLlama({
    maxThreads: availableParallelism(),
    gpu: "auto",
    // Building llama.cpp from source at runtime would need a toolchain and minutes; use the shipped binaries only.
    build: "never",
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => log(mapLevel(level, LlamaLogLevel), message.trimEnd()),
  });
}

/** The backend a llama.cpp runtime uses and the devices it sees through it. */
export async function computeFactsOf(llama: Llama): Promise<ComputeProbeResult> {
  const backend = llama.gpu === false ? "cpu" : llama.gpu;
  if (backend === "cpu") return { backend, deviceNames: [], vramTotalBytes: null };
  const [deviceNames, vram] = await Promise.all([llama.getGpuDeviceNames(), llama.getVramState()]);
  return { backend, deviceNames, vramTotalBytes: vram.total };
}

function mapLevel(level: LlamaLogLevel, levels: NodeLlamaCpp["LlamaLogLevel"]): EngineLogLevel {
  switch (level) {
    case levels.fatal:
    case levels.error:
      return "error";
    case levels.warn:
      return "warn";
    case levels.info:
      return "info";
    default:
      return "debug";
  }
}
