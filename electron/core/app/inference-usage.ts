import { z } from "zod";
import type { ObservedRequests } from "../inference/reservation.js";
import { DocumentStore } from "../runtime/document-store.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";

const Usage = z.object({
  sizes: z.array(z.number().int().positive()).max(10_000),
  concurrency: z.array(z.number().int().positive()).max(10_000),
});

/**
 * The request sizes and concurrency the inference engine saw (inference-usage.json in the data folder), kept across
 * restarts so the KV cache reserved at start fits the service's real requests. Written when the engine stops.
 */
export class InferenceUsageStore {
  private readonly store: DocumentStore<typeof Usage>;

  constructor(path: string, logger: Logger) {
    this.store = new DocumentStore({
      path,
      schema: Usage,
      version: { kind: "envelope", format: "pocketforge-inference-usage-v1", key: "usage" },
      defaults: () => ({ sizes: [], concurrency: [] }),
      logger,
    });
  }

  get(): ObservedRequests {
    return this.store.get();
  }

  /** A service whose dispose saves what `observed()` returns then (disposed before the pool it reads). */
  saver(observed: () => ObservedRequests): Service {
    return {
      start: async () => {},
      dispose: async () => {
        this.store.set(observed());
      },
    };
  }
}
