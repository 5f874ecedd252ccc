import { useEffect, useState, type FormEvent } from "react";
import type { PortSettings, PortsView } from "../../../../shared/api/index.js";
import { isLoopbackHost } from "../../../../shared/hosts.js";
import { useApi } from "../../api/api-context.js";
import { Field } from "../../kit/Field.js";
import { Message } from "../../kit/Message.js";
import { PassphraseConfirm } from "../../kit/PassphraseConfirm.js";
import { useAction } from "../../hooks/useAction.js";
import { refreshMiner } from "../../stores/miner-store.js";
import { refreshStaking } from "../../stores/staking-store.js";
import { SaveRow } from "./SaveRow.js";

type Key = keyof PortSettings;
const ROWS: Array<{ key: Key; label: string; hint: string }> = [
  { key: "relay", label: "Relay miner", hint: "Gateways call this. 0.0.0.0 listens on every interface (needed for port forwarding)." },
  { key: "metrics", label: "Prometheus metrics", hint: "Scraped by Prometheus or Grafana Agent; keep it on 127.0.0.1 unless your monitoring runs elsewhere." },
  { key: "openAi", label: "OpenAI-compatible API", hint: "For local apps; web pages are refused. Set openAiApiKey in config.json before opening it to the LAN." },
  { key: "dashboard", label: "Headless dashboard", hint: "Anything but 127.0.0.1 needs the URL with the access token printed at start." },
];

/** Listen addresses of the engine's servers: the relay miner moves at once, the others at the next start. */
export function PortsForm() {
  const api = useApi();
  const [view, setView] = useState<PortsView | null>(null);
  const [draft, setDraft] = useState<PortSettings | null>(null);
  const [done, setDone] = useState(false);
  const [passphrase, setPassphrase] = useState("");
  const load = useAction(async () => {
    const next = await api.invoke("app.ports", {});
    setView(next);
    setDraft(next.saved);
  });
  const save = useAction(async (value: PortSettings) => {
    const next = await api.invoke("app.setPorts", opening ? { ...value, passphrase } : value);
    setPassphrase("");
    setView(next);
    setDraft(next.saved);
    setDone(true);
    // The relay miner may have moved: its status and the endpoint it suggests change with it.
    await Promise.all([refreshMiner(api), refreshStaking(api)]);
  });
  useEffect(() => {
    void load.run();
  }, [load.run]);

  if (!view || !draft) return load.error != null ? <SaveRow dirty={false} busy={false} error={load.error} onDiscard={() => {}} /> : <p className="muted">Reading the listen addresses…</p>;
  const dirty = JSON.stringify(draft) !== JSON.stringify(view.saved);
  // The engine asks for the passphrase when a listener moves onto an address other machines can reach.
  const opening = ROWS.some((r) => draft[r.key].host !== view.saved[r.key].host && !isLoopbackHost(draft[r.key].host));
  const problem = ROWS.map((r) => draft[r.key]).some((a) => !a.host.trim() || !Number.isInteger(a.port) || a.port < 0 || a.port > 65535);
  const set = (key: Key, patch: Partial<PortSettings[Key]>) => {
    setDone(false);
    setDraft({ ...draft, [key]: { ...draft[key], ...patch } });
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    if (draft && !problem && (!opening || passphrase)) void save.run(draft);
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="ports-form">
      {ROWS.map((row) => (
        <fieldset key={row.key} className="row">
          <legend className="field-label">{row.label}</legend>
          <Field className="grow" label="Address" hint={row.hint}>
            {(control) => <input {...control} spellCheck={false} value={draft[row.key].host} onChange={(e) => set(row.key, { host: e.target.value })} />}
          </Field>
          <Field label="Port" error={draft[row.key].port < 0 || draft[row.key].port > 65535 ? "0 to 65535" : null}>
            {(control) => <input {...control} type="number" min={0} max={65535} value={draft[row.key].port} onChange={(e) => set(row.key, { port: Number(e.target.value) })} />}
          </Field>
          {row.key === "metrics" && (
            <label className="check">
              <input type="checkbox" checked={draft.metrics.enabled} onChange={(e) => set("metrics", { enabled: e.target.checked })} />
              <span>Serve /metrics</span>
            </label>
          )}
        </fieldset>
      ))}
      {view.pendingRestart.length > 0 && (
        <Message tone="info" next="The saved addresses apply at the next start; command-line flags (--port, --openai-port) win over them." testId="ports-pending">
          Running now on{" "}
          {view.pendingRestart.map((k) => `${view.running[k].host}:${view.running[k].port} (${ROWS.find((r) => r.key === k)!.label})`).join(" and ")}.
        </Message>
      )}
      {opening && <PassphraseConfirm value={passphrase} onChange={setPassphrase} label="Wallet passphrase (a listener opens to other machines)" />}
      <SaveRow dirty={dirty && !problem && (!opening || passphrase !== "")} busy={save.busy} error={save.error} onDiscard={() => setDraft(view.saved)} saved={done && !dirty} />
    </form>
  );
}
