import type { CatalogEntry } from "../../../shared/models/catalog-schema.js";
import type { DownloadProgress, InstalledModel, ModelFit, PlanDevice, PlanResult } from "../../../shared/api/index.js";

export interface FitBadge {
  text: string;
  tone: "ok" | "warn" | "info" | "error";
  /** The planner's sentence behind the badge (memory needed, layers split…). */
  reason: string;
}

export interface CatalogRow {
  entry: CatalogEntry;
  /** The device where this model earns most, or null when the plan has not arrived yet. */
  best: ModelFit | null;
  badge: FitBadge | null;
  recommended: boolean;
  installed: InstalledModel | null;
  download: DownloadProgress | null;
}

/** The fit that earns most for one model; a fit that runs beats one that does not. */
export function bestFit(fits: ModelFit[], modelId: string): ModelFit | null {
  const mine = fits.filter((f) => f.modelId === modelId);
  if (mine.length === 0) return null;
  return mine.reduce((best, fit) => {
    const runs = (f: ModelFit) => (f.fit === "none" ? 0 : 1);
    if (runs(fit) !== runs(best)) return runs(fit) > runs(best) ? fit : best;
    return fit.earningScore > best.earningScore ? fit : best;
  });
}

export function fitBadge(fit: ModelFit, devices: PlanDevice[]): FitBadge {
  const device = devices.find((d) => d.id === fit.deviceId);
  const name = device?.name ?? fit.deviceId;
  if (fit.fit === "none") return { text: "Too big for this machine", tone: "error", reason: fit.reason };
  if (device?.kind === "cpu") return { text: "Runs on the CPU", tone: "info", reason: fit.reason };
  if (fit.fit === "partial") return { text: `Partly on ${name}`, tone: "warn", reason: fit.reason };
  return { text: `Fits ${name}`, tone: "ok", reason: fit.reason };
}

/**
 * The catalog as the Models page and the wizard list it: the planner's recommendation first, then models that run
 * (by expected earnings), then those that do not fit; test models only when asked for.
 */
export function catalogRows(input: {
  entries: CatalogEntry[];
  plan: PlanResult | null;
  installed: InstalledModel[];
  downloads: Record<string, DownloadProgress>;
  includeTestModels: boolean;
}): CatalogRow[] {
  const { plan } = input;
  const rows = input.entries
    .filter((entry) => input.includeTestModels || !entry.testOnly)
    .map((entry): CatalogRow => {
      const best = plan ? bestFit(plan.fits, entry.id) : null;
      return {
        entry,
        best,
        badge: best && plan ? fitBadge(best, plan.devices) : null,
        recommended: plan?.recommendation?.modelId === entry.id,
        installed: input.installed.find((m) => m.catalogId === entry.id || m.id === entry.id) ?? null,
        download: input.downloads[entry.id] ?? null,
      };
    });
  const rank = (row: CatalogRow) => (row.recommended ? 0 : row.entry.testOnly ? 3 : !row.best || row.best.fit === "none" ? 2 : 1);
  return rows.sort((a, b) => rank(a) - rank(b) || (b.best?.earningScore ?? 0) - (a.best?.earningScore ?? 0) || a.entry.name.localeCompare(b.entry.name));
}
