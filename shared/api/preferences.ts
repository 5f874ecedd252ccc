import { z } from "zod";
import { method } from "./define.js";

/**
 * The person's preferences for how the dashboard shows things and values money: theme, currency, electricity tariff
 * and where the POKT price comes from. Kept by the engine (preferences.json in the data dir) so every window and
 * every browser on the LAN shows the same figures.
 */

export const ThemePreference = z.enum(["system", "light", "dark"]);
export type ThemePreference = z.infer<typeof ThemePreference>;

/** "manual": the person types the price; "coingecko": the engine asks CoinGecko's public API every few minutes. */
export const PriceSource = z.enum(["manual", "coingecko"]);
export type PriceSource = z.infer<typeof PriceSource>;

export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, "a three-letter currency code such as USD or EUR");

export const Preferences = z.object({
  theme: ThemePreference.default("system"),
  currency: CurrencyCode.default("USD"),
  /** What one kWh of electricity costs, in `currency`; null until the person enters it. */
  electricityPerKwh: z.number().min(0).max(10).nullable().default(null),
  price: z
    .object({
      source: PriceSource.default("manual"),
      /** 1 POKT in `currency` when the source is manual; null until entered. */
      manualPerPokt: z.number().min(0).max(1_000_000).nullable().default(null),
    })
    .prefault({}),
});
export type Preferences = z.infer<typeof Preferences>;

export const PreferencesPatch = z
  .object({
    theme: ThemePreference,
    currency: CurrencyCode,
    electricityPerKwh: z.number().min(0, "a tariff cannot be negative").max(10, "more than 10 per kWh looks like a typo").nullable(),
    price: z.object({ source: PriceSource, manualPerPokt: z.number().min(0).max(1_000_000).nullable() }).strict(),
  })
  .partial()
  .strict();
export type PreferencesPatch = z.infer<typeof PreferencesPatch>;

/** The POKT price the dashboard converts with, and where it came from. */
export const PoktPrice = z.object({
  source: PriceSource,
  currency: z.string(),
  /** 1 POKT in `currency`; null when unknown (not entered, or the feed has not answered). */
  perPokt: z.number().nullable(),
  /** When the figure was entered or fetched (epoch ms). */
  updatedAt: z.number().nullable(),
  /** Why the feed has no fresh figure, with what to do. */
  error: z.string().nullable(),
});
export type PoktPrice = z.infer<typeof PoktPrice>;

const NoParams = z.object({}).strict();

export const preferencesMethods = {
  "preferences.get": method(NoParams, Preferences, "Theme, currency, electricity tariff and POKT price source"),
  "preferences.update": method(PreferencesPatch, Preferences, "Change some preferences; the rest stay as they are"),
  "price.current": method(NoParams, PoktPrice, "The POKT price in the chosen currency and where it came from"),
};

export const preferencesEvents = {
  "preferences.changed": Preferences,
  "price.changed": PoktPrice,
};
