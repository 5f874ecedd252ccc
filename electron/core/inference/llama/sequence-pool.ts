import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { ApiError } from "../../../../shared/api/index.js";

/**
 * The context's sequences, each lent to one request at a time. Sequences keep their evaluated tokens between
 * requests, so a request is given the free sequence that already holds the longest prefix of its prompt: a chat's
 * next turn then only evaluates the new messages.
 */
export class SequencePool {
  private readonly free: LlamaContextSequence[];

  constructor(sequences: LlamaContextSequence[]) {
    this.free = [...sequences];
  }

  get available(): number {
    return this.free.length;
  }

  acquire(promptTokens: Token[]): LlamaContextSequence {
    if (this.free.length === 0) {
      throw new ApiError("unavailable", "Every sequence of the context is busy", { reason: "engine_busy" });
    }
    let best = 0;
    let bestShared = -1;
    this.free.forEach((sequence, index) => {
      const shared = sequence.compareContextTokens(promptTokens).firstDifferentIndex;
      if (shared > bestShared) {
        best = index;
        bestShared = shared;
      }
    });
    return this.free.splice(best, 1)[0]!;
  }

  release(sequence: LlamaContextSequence): void {
    if (!sequence.disposed) this.free.push(sequence);
  }
}
