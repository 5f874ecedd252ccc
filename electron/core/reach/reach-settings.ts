import { z } from "zod";
import { dataDirLayout } from "../runtime/data-dir.js";
import { DocumentStore, type DocumentStoreLogger } from "../runtime/document-store.js";

const ReachSettingsSchema = z.object({
  /** off until the user opts in: mapping opens a port on the router, which the user must know. */
  method: z.enum(["off", "port_mapping", "tunnel"]).default("off"),
  tunnelUrl: z.string().min(1).nullable().default(null),
  /** The external address last seen, to notice a change (dynamic IP) across restarts too. */
  lastExternalAddress: z.string().nullable().default(null),
  /** The external port last granted: asked for again so the endpoint stays the same. */
  externalPort: z.number().int().min(1).max(65535).nullable().default(null),
});
export type ReachSettings = z.infer<typeof ReachSettingsSchema>;

/** reach.json: the reachability method and what the engine remembers of the router between runs. */
export class ReachSettingsStore {
  private readonly store: DocumentStore<typeof ReachSettingsSchema>;

  constructor(dataDir: string, logger: DocumentStoreLogger) {
    this.store = new DocumentStore({
      path: dataDirLayout(dataDir).reach,
      schema: ReachSettingsSchema,
      version: { kind: "envelope", format: "pocketforge-reach-v1", key: "reach" },
      defaults: () => ReachSettingsSchema.parse({}),
      logger,
    });
  }

  get path(): string {
    return this.store.path;
  }

  get(): ReachSettings {
    return this.store.get();
  }

  update(mutate: (draft: ReachSettings) => void): ReachSettings {
    return this.store.update((draft) => void mutate(draft));
  }
}
