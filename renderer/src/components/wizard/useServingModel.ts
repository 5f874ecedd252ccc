import { useEngine } from "../../stores/engine-store.js";
import { useModels } from "../../stores/models-store.js";

/** The installed model the engine is serving, with its catalog entry (service id) when it is a catalog model. */
export function useServingModel() {
  const inference = useEngine((s) => s.inference);
  const installed = useModels((s) => s.installed);
  const catalog = useModels((s) => s.catalog);
  const model = inference?.model ? installed?.find((m) => m.path === inference.model!.path) ?? null : null;
  const entry = model?.catalogId ? catalog?.entries.find((e) => e.id === model.catalogId) ?? null : null;
  return { model, entry, serviceId: entry?.pokt.serviceId ?? null, ready: inference?.state === "ready" && model !== null };
}
