import { Preferences, PreferencesPatch, type PoktPrice } from "../../../shared/api/preferences.js";
import { dataDirLayout } from "../runtime/data-dir.js";
import { DocumentStore } from "../runtime/document-store.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";

/** How the dashboard shows things (preferences.json in the data folder), on the shared document store. */
export class PreferencesStore {
  private readonly store: DocumentStore<typeof Preferences>;

  constructor(dataDir: string, logger: Logger) {
    this.store = new DocumentStore({
      path: dataDirLayout(dataDir).preferences,
      schema: Preferences,
      version: { kind: "envelope", format: "pocketforge-preferences-v1", key: "preferences" },
      defaults: () => Preferences.parse({}),
      logger,
    });
  }

  get path(): string {
    return this.store.path;
  }

  get(): Preferences {
    return this.store.get();
  }

  update(patch: PreferencesPatch): Preferences {
    const checked = PreferencesPatch.parse(patch);
    return this.store.update((current) => ({ ...current, ...checked }));
  }
}

export type FetchLike = (url: string, init?: { signal?: AbortSignal; headers?: Record<string, string> }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface PriceFeedOptions {
  preferences: () => Preferences;
  emit: (price: PoktPrice) => void;
  logger: Logger;
  fetch?: FetchLike;
  now?: () => number;
  /** How often the online source is asked (CoinGecko's free API allows a few calls a minute). */
  intervalMs?: number;
}

/** CoinGecko's id for POKT. */
const COINGECKO_ID = "pocket-network";

/**
 * The POKT price the dashboard converts with: the person's own figure, or CoinGecko's public simple-price API polled
 * every few minutes. A failed fetch keeps the last good figure and says why it is stale.
 */
export class PriceFeed implements Service {
  private latest: PoktPrice;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly fetch: FetchLike;
  private readonly now: () => number;

  constructor(private readonly options: PriceFeedOptions) {
    this.fetch = options.fetch ?? (fetch as unknown as FetchLike);
    this.now = options.now ?? Date.now;
    this.latest = this.manualPrice();
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.refresh(), this.options.intervalMs ?? 5 * 60_000);
    this.timer.unref?.();
    await this.refresh();
  }

  async dispose(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  current(): PoktPrice {
    return { ...this.latest };
  }

  /** Called after the preferences change: a new source or currency is fetched at once. */
  async refresh(): Promise<PoktPrice> {
    const prefs = this.options.preferences();
    if (prefs.price.source === "manual") return this.set(this.manualPrice());
    const currency = prefs.currency.toLowerCase();
    const url = `https://api.coingecko.com/api/v3/simple/price?ids=${COINGECKO_ID}&vs_currencies=${currency}`;
    const previous = this.latest.source === "coingecko" && this.latest.currency === prefs.currency ? this.latest : null;
    try {
      const response = await this.fetch(url, { signal: AbortSignal.timeout(15_000), headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(`CoinGecko answered HTTP ${response.status}`);
      const body = (await response.json()) as Record<string, Record<string, unknown>>;
      const value = body?.[COINGECKO_ID]?.[currency];
      if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`CoinGecko has no POKT price in ${prefs.currency}`);
      return this.set({ source: "coingecko", currency: prefs.currency, perPokt: value, updatedAt: this.now(), error: null });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.options.logger.warn("POKT price fetch failed", { error: reason });
      return this.set({
        source: "coingecko",
        currency: prefs.currency,
        perPokt: previous?.perPokt ?? null,
        updatedAt: previous?.updatedAt ?? null,
        error: `Could not fetch the price (${reason}). It is retried every few minutes; or enter it by hand in Settings.`,
      });
    }
  }

  private manualPrice(): PoktPrice {
    const prefs = this.options.preferences();
    return { source: "manual", currency: prefs.currency, perPokt: prefs.price.manualPerPokt, updatedAt: prefs.price.manualPerPokt == null ? null : this.now(), error: null };
  }

  private set(price: PoktPrice): PoktPrice {
    this.latest = price;
    this.options.emit(price);
    return { ...price };
  }
}
