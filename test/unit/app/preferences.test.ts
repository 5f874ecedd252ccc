import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PoktPrice } from "../../../shared/api/preferences.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { PreferencesStore, PriceFeed, type FetchLike } from "../../../electron/core/app/preferences.js";

function dir(): string {
  return mkdtempSync(join(tmpdir(), "pf-prefs-"));
}

test("preferences start from defaults, survive a restart and refuse invalid values", () => {
  const dataDir = dir();
  const store = new PreferencesStore(dataDir, silentLogger);
  assert.deepEqual(store.get(), { theme: "system", currency: "USD", electricityPerKwh: null, price: { source: "manual", manualPerPokt: null } });
  store.update({ theme: "dark", electricityPerKwh: 0.31, price: { source: "manual", manualPerPokt: 0.05 } });
  assert.deepEqual(new PreferencesStore(dataDir, silentLogger).get(), { theme: "dark", currency: "USD", electricityPerKwh: 0.31, price: { source: "manual", manualPerPokt: 0.05 } });
  assert.throws(() => store.update({ currency: "euro" }), /three-letter currency code/);
  assert.throws(() => store.update({ electricityPerKwh: -1 }), /cannot be negative/);
  assert.equal(store.get().currency, "USD");
});

test("an unreadable preferences file is kept aside and defaults are used", () => {
  const dataDir = dir();
  writeFileSync(join(dataDir, "preferences.json"), "{ not json");
  assert.equal(new PreferencesStore(dataDir, silentLogger).get().theme, "system");
  assert.ok(readdirSync(dataDir).some((name) => name.startsWith("preferences.json.unreadable-")));
});

function feed(source: "manual" | "coingecko", fetch: FetchLike, currency = "EUR") {
  const events: PoktPrice[] = [];
  const price = new PriceFeed({
    preferences: () => ({ theme: "system", currency, electricityPerKwh: null, price: { source, manualPerPokt: 0.04 } }),
    emit: (p) => events.push(p),
    logger: silentLogger,
    fetch,
    now: () => 1000,
  });
  return { price, events };
}

test("a manual price is used as entered, without any network call", async () => {
  let calls = 0;
  const { price } = feed("manual", async () => ((calls += 1), { ok: true, status: 200, json: async () => ({}) }));
  assert.deepEqual(await price.refresh(), { source: "manual", currency: "EUR", perPokt: 0.04, updatedAt: 1000, error: null });
  assert.equal(calls, 0);
});

test("the online price is read for the chosen currency, and a failure keeps the last figure with the reason", async () => {
  const urls: string[] = [];
  let fail = false;
  const { price, events } = feed("coingecko", async (url) => {
    urls.push(url);
    if (fail) return { ok: false, status: 429, json: async () => ({}) };
    return { ok: true, status: 200, json: async () => ({ "pocket-network": { eur: 0.0213 } }) };
  });
  const fresh = await price.refresh();
  assert.equal(fresh.perPokt, 0.0213);
  assert.match(urls[0], /ids=pocket-network&vs_currencies=eur$/);
  fail = true;
  const stale = await price.refresh();
  assert.equal(stale.perPokt, 0.0213);
  assert.match(stale.error ?? "", /HTTP 429.*enter it by hand/);
  assert.equal(events.length, 2);
});

test("a missing currency in the answer is an error, not a zero price", async () => {
  const { price } = feed("coingecko", async () => ({ ok: true, status: 200, json: async () => ({ "pocket-network": {} }) }), "XYZ");
  const result = await price.refresh();
  assert.equal(result.perPokt, null);
  assert.match(result.error ?? "", /no POKT price in XYZ/);
});
