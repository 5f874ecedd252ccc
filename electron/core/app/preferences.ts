import { existsSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { Preferences, PreferencesPatch, type PoktPrice } from "../../../shared/api/preferences.js";
import { writeFileAtomic } from "../runtime/atomic-file.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";

const FILE_FORMAT = "pocketforge-preferences-v1";

/** preferences.json in the data dir: replaced atomically; an unreadable file is kept aside, never lost. */
export class PreferencesStore {
  readonly path: string;
  private current: Preferences;

  constructor(dataDir: string, private readonly logger: Logger) {
    this.path = join(dataDir, "preferences.json");
    this.current = this.load();
  }

  get(): Preferences {
    return structuredClone(this.current);
  }

  update(patch: PreferencesPatch): Preferences {
    const next = Preferences.parse({ ...this.current, ...PreferencesPatch.parse(patch) });
    writeFileAtomic(this.path, JSON.stringify({ format: FILE_FORMAT, preferences: next }, null, 2) + "\n", 0o600);
    this.current = next;
    return this.get();
  }

  private load(): Preferences {
    if (!existsSync(this.path)) return Preferences.parse({});
    try {
      const document = JSON.parse(readFileSync(this.path, "utf8")) as { format?: unknown; preferences?: unknown };
      if (document.format !== FILE_FORMAT) throw new Error(`unknown format ${String(document.format)}`);
      return Preferences.parse(document.preferences);
    } catch (error) {
      const aside = `${this.path}.unreadable-${Date.now()}`;
      renameSync(this.path, aside);
      this.logger.warn("preferences.json was unreadable; kept it aside and started with defaults", { keptAt: aside, error });
      return Preferences.parse({});
    }
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
