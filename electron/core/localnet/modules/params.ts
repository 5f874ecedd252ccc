// Module params. Shared params keep a history (ParamsAtHeight, docs/protocol.md §5.1) because session windows
// are resolved with the params effective at a session's end height.
import { application, gateway, proof, service, session, shared, supplier, tokenomics } from "../../pokt/proto/index.js";
import type { LocalnetParams } from "../config.js";
import { Collection, heightKey, type Store } from "../state/store.js";

const codecs = { application, gateway, proof, service, session, shared, supplier, tokenomics } as const;
type Module = keyof LocalnetParams;

export class ParamsModule {
  private readonly sharedHistory: Collection<shared.Params>;

  constructor(private readonly store: Store) {
    this.sharedHistory = new Collection(store, "shared_params_history", shared.Params);
  }

  get<M extends Module>(module: M): LocalnetParams[M] {
    const bytes = this.store.get("params", module);
    if (bytes === undefined) throw new Error(`${module} params missing from genesis`);
    return codecs[module].Params.decode(bytes) as LocalnetParams[M];
  }

  set<M extends Module>(module: M, params: LocalnetParams[M], effectiveHeight: bigint): void {
    const codec = codecs[module].Params as { toBytes(value: LocalnetParams[M]): Uint8Array };
    this.store.set("params", module, codec.toBytes(params));
    if (module === "shared") this.sharedHistory.set(heightKey(effectiveHeight), params as shared.Params);
  }

  /** The shared params in force at `height` (the latest update at or before it; genesis for earlier heights). */
  sharedAt(height: bigint): shared.Params {
    const updates = this.sharedHistory.entries();
    let found: shared.Params | undefined = updates[0]?.value;
    const key = heightKey(height);
    for (const update of updates) {
      if (update.key <= key) found = update.value;
      else break;
    }
    return found ?? this.get("shared");
  }

  all(): LocalnetParams {
    return {
      shared: this.get("shared"),
      session: this.get("session"),
      supplier: this.get("supplier"),
      application: this.get("application"),
      gateway: this.get("gateway"),
      service: this.get("service"),
      proof: this.get("proof"),
      tokenomics: this.get("tokenomics"),
    };
  }
}
