import { dataDirLayout } from "../runtime/data-dir.js";
import { z } from "zod";
import { DocumentStore, type DocumentStoreLogger } from "../runtime/document-store.js";

/** The public URL the supplier stakes with, remembered between the Endpoint and Stake steps (staking.json). */
export class EndpointStore {
  private readonly store: DocumentStore<z.ZodNullable<z.ZodString>>;

  constructor(dataDir: string, logger: DocumentStoreLogger) {
    this.store = new DocumentStore({
      path: dataDirLayout(dataDir).staking,
      schema: z.string().min(1).nullable(),
      version: { kind: "envelope", format: "pocketforge-staking-v1", key: "publicUrl" },
      defaults: () => null,
      logger,
    });
  }

  get path(): string {
    return this.store.path;
  }

  get(): string | null {
    return this.store.get();
  }

  set(publicUrl: string): void {
    this.store.set(publicUrl);
  }
}
