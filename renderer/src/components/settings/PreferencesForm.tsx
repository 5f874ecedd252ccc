import { useState, type FormEvent } from "react";
import type { Preferences, PriceSource, ThemePreference } from "../../../../shared/api/preferences.js";
import { useApi } from "../../api/api-context.js";
import { Field } from "../../kit/Field.js";
import { Message } from "../../kit/Message.js";
import { Segmented } from "../../kit/Segmented.js";
import { useAction } from "../../hooks/useAction.js";
import { applyPreferences, usePreferences } from "../../stores/preferences-store.js";
import { formatAgo } from "../../view-models/format.js";
import { useNow } from "../../hooks/useNow.js";
import { SaveRow } from "./SaveRow.js";
import { useSectionDraft } from "./useSectionDraft.js";

interface Draft {
  theme: ThemePreference;
  currency: string;
  tariff: string;
  source: PriceSource;
  manual: string;
}

function toDraft(p: Preferences): Draft {
  return {
    theme: p.theme,
    currency: p.currency,
    tariff: p.electricityPerKwh == null ? "" : String(p.electricityPerKwh),
    source: p.price.source,
    manual: p.price.manualPerPokt == null ? "" : String(p.price.manualPerPokt),
  };
}

/** A decimal typed by a person ("0,31" or "0.31"); "" is "not set"; anything else is a problem to show. */
export function parseDecimal(text: string): number | null | "invalid" {
  const trimmed = text.trim().replace(",", ".");
  if (trimmed === "") return null;
  const value = Number(trimmed);
  return Number.isFinite(value) && value >= 0 ? value : "invalid";
}

/** Appearance and money: theme, currency, electricity tariff and where the POKT price comes from. */
export function PreferencesForm() {
  const api = useApi();
  const saved = usePreferences((s) => s.preferences);
  const price = usePreferences((s) => s.price);
  const { draft, setDraft, dirty, reset } = useSectionDraft<Draft>(saved ? toDraft(saved) : null);
  const [done, setDone] = useState(false);
  const now = useNow(30_000);
  const save = useAction(async (d: Draft) => {
    const tariff = parseDecimal(d.tariff);
    const manual = parseDecimal(d.manual);
    const next = await api.invoke("preferences.update", {
      theme: d.theme,
      currency: d.currency.trim().toUpperCase(),
      electricityPerKwh: tariff === "invalid" ? null : tariff,
      price: { source: d.source, manualPerPokt: manual === "invalid" ? null : manual },
    });
    applyPreferences(next);
    reset();
    setDone(true);
  });
  if (!draft) return <p className="muted">Reading preferences…</p>;
  const set = (patch: Partial<Draft>) => {
    setDone(false);
    setDraft({ ...draft, ...patch });
  };
  const tariffProblem = parseDecimal(draft.tariff) === "invalid" ? "A number such as 0.31" : null;
  const manualProblem = parseDecimal(draft.manual) === "invalid" ? "A number such as 0.025" : null;
  const currencyProblem = /^[A-Za-z]{3}$/.test(draft.currency.trim()) ? null : "A three-letter code such as USD, EUR or GBP";
  function submit(event: FormEvent) {
    event.preventDefault();
    if (draft && !tariffProblem && !manualProblem && !currencyProblem) void save.run(draft);
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="preferences-form">
      <div>
        <div className="field-label">Theme</div>
        <Segmented
          label="Theme"
          value={draft.theme}
          onChange={(theme) => set({ theme })}
          options={[
            { value: "system", label: "Follow the system" },
            { value: "light", label: "Light" },
            { value: "dark", label: "Dark" },
          ]}
        />
      </div>
      <div className="grid">
        <Field label="Currency" error={currencyProblem} hint="For electricity cost and earnings in money.">
          {(control) => <input {...control} maxLength={3} value={draft.currency} onChange={(e) => set({ currency: e.target.value.toUpperCase() })} />}
        </Field>
        <Field label={`Electricity tariff (${draft.currency.trim().toUpperCase() || "…"} per kWh)`} error={tariffProblem} hint="From your bill; used with measured GPU power.">
          {(control) => <input {...control} inputMode="decimal" placeholder="0.30" value={draft.tariff} onChange={(e) => set({ tariff: e.target.value })} />}
        </Field>
      </div>
      <div>
        <div className="field-label">POKT price</div>
        <Segmented
          label="POKT price source"
          value={draft.source}
          onChange={(source) => set({ source })}
          options={[
            { value: "manual", label: "I enter it" },
            { value: "coingecko", label: "CoinGecko (online)" },
          ]}
        />
      </div>
      {draft.source === "manual" ? (
        <Field label={`1 POKT in ${draft.currency.trim().toUpperCase() || "…"}`} error={manualProblem}>
          {(control) => <input {...control} inputMode="decimal" placeholder="0.025" value={draft.manual} onChange={(e) => set({ manual: e.target.value })} />}
        </Field>
      ) : (
        <p className="muted small">The engine asks CoinGecko's public API every few minutes (it needs internet access).</p>
      )}
      {price && !dirty && (
        price.error ? (
          <Message tone="warn" testId="price-status">{price.error}</Message>
        ) : (
          <p className="muted small" data-testid="price-status">
            {price.perPokt != null ? `Now: 1 POKT = ${price.perPokt} ${price.currency}${price.updatedAt ? ` (${price.source === "manual" ? "entered" : "fetched"} ${formatAgo(price.updatedAt, now)})` : ""}.` : "No price yet."}
          </p>
        )
      )}
      <SaveRow dirty={dirty && !tariffProblem && !manualProblem && !currencyProblem} busy={save.busy} error={save.error} onDiscard={reset} saved={done} />
    </form>
  );
}
