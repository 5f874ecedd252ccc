import { create } from "zustand";
import type {
  BenchmarkResult,
  CatalogView,
  DownloadProgress,
  InstalledModel,
  PlanResult,
  PocketForgeApi,
} from "../../../shared/api/index.js";

/** Mirror of the models domain: catalog, installed files, downloads (by model id), the fit plan and benchmarks. */
export interface ModelsStoreState {
  catalog: CatalogView | null;
  installed: InstalledModel[] | null;
  downloads: Record<string, DownloadProgress>;
  plan: PlanResult | null;
  benchmarks: BenchmarkResult[];
  error: string | null;
}

export const useModels = create<ModelsStoreState>(() => ({
  catalog: null,
  installed: null,
  downloads: {},
  plan: null,
  benchmarks: [],
  error: null,
}));

/** A download event replaces that model's entry; a cancelled download disappears, as the engine forgets it too. */
export function applyDownload(downloads: Record<string, DownloadProgress>, progress: DownloadProgress): Record<string, DownloadProgress> {
  const next = { ...downloads };
  if (progress.state === "cancelled") delete next[progress.modelId];
  else next[progress.modelId] = progress;
  return next;
}

export function bindModels(api: PocketForgeApi): () => void {
  const offs = [
    api.on("models.download", (progress) => useModels.setState((s) => ({ downloads: applyDownload(s.downloads, progress) }))),
    api.on("models.changed", ({ installed }) => {
      useModels.setState((s) => ({ installed, catalog: s.catalog && { ...s.catalog, installedIds: installed.map((m) => m.id) } }));
      // The plan ranks installed files too and benchmarks change with them: ask the engine again.
      void refreshPlan(api);
    }),
  ];
  return () => offs.forEach((off) => off());
}

export async function refreshModels(api: PocketForgeApi): Promise<void> {
  try {
    const [catalog, installed, downloads, benchmarks] = await Promise.all([
      api.invoke("models.catalog", {}),
      api.invoke("models.installed", {}),
      api.invoke("models.downloads", {}),
      api.invoke("models.benchmarks", {}),
    ]);
    useModels.setState({
      catalog,
      installed,
      downloads: downloads.reduce(applyDownload, {} as Record<string, DownloadProgress>),
      benchmarks,
      error: null,
    });
  } catch (error) {
    useModels.setState({ error: (error as Error).message });
  }
  await refreshPlan(api);
}

export async function refreshPlan(api: PocketForgeApi): Promise<void> {
  try {
    const [plan, benchmarks] = await Promise.all([api.invoke("models.plan", {}), api.invoke("models.benchmarks", {})]);
    useModels.setState({ plan, benchmarks });
  } catch (error) {
    useModels.setState({ error: (error as Error).message });
  }
}

/** A finished benchmark is stored by the engine; mirror it without a round trip. */
export function applyBenchmark(result: BenchmarkResult): void {
  useModels.setState((s) => ({
    benchmarks: [...s.benchmarks.filter((b) => !(b.modelId === result.modelId && b.deviceId === result.deviceId)), result],
  }));
}
