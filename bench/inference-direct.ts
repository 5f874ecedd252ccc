// node-llama-cpp called directly, in a process of its own (so its peak RSS is its own): the baseline the OpenAI
// endpoint is compared with. Started by bench/inference.ts (bundled beside the worker, no tsx); it loads the model
// once with the threads and context it is given, then answers each "run" message with one timed generation.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { getLlama, LlamaCompletion, LlamaLogLevel } from "node-llama-cpp";

export interface DirectSetup {
  modelPath: string;
  threads: number;
  contextSize: number;
}

export type DirectRequest = { type: "run"; prompt: string; maxTokens: number } | { type: "rss" } | { type: "exit" };
export type DirectReply =
  | { type: "ready" }
  | { type: "ran"; tokens: number; ms: number }
  | { type: "rss"; peakBytes: number };

/** Peak resident set size of this process so far (VmHWM). */
export function peakRssBytes(pid: number | "self" = "self"): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const setup = JSON.parse(process.argv[2]!) as DirectSetup;
  const send = (reply: DirectReply) => process.send!(reply);
  // The same runtime settings as the engine's worker (llama/binding.ts): all CPUs for maxThreads, shipped binaries.
  const llama = await getLlama({ maxThreads: availableParallelism(), gpu: "auto", build: "never", logLevel: LlamaLogLevel.warn });
  const model = await llama.loadModel({ modelPath: setup.modelPath });
  const context = await model.createContext({ sequences: 1, contextSize: setup.contextSize, threads: setup.threads });
  const sequence = context.getSequence();
  process.on("message", (message: DirectRequest) => {
    if (message.type === "exit") {
      void context.dispose().then(() => model.dispose()).then(() => llama.dispose()).finally(() => process.exit(0));
      return;
    }
    if (message.type === "rss") {
      send({ type: "rss", peakBytes: peakRssBytes() ?? 0 });
      return;
    }
    void (async () => {
      await sequence.clearHistory();
      const completion = new LlamaCompletion({ contextSequence: sequence });
      let tokens = 0;
      let received = 0;
      const started = performance.now();
      // Streamed to a consumer like every other path; greedy, so every path generates the same text.
      await completion.generateCompletion(message.prompt, {
        maxTokens: message.maxTokens,
        temperature: 0,
        // As the engine generates (llama/llama-engine.ts): stop at the context's edge rather than shift it.
        disableContextShift: true,
        onToken: (chunk) => void (tokens += chunk.length),
        onTextChunk: (text) => void (received += text.length),
      });
      const ms = performance.now() - started;
      completion.dispose({ disposeSequence: false });
      send({ type: "ran", tokens, ms });
    })();
  });
  send({ type: "ready" });
}

if (process.send && process.argv[2]) await main();
