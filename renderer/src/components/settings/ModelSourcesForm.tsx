import { useEffect, useState, type FormEvent } from "react";
import type { ModelSettings } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Field } from "../../kit/Field.js";
import { useAction } from "../../hooks/useAction.js";
import { SaveRow } from "./SaveRow.js";

interface Draft {
  ipfs: string;
  arweave: string;
  remote: string;
}

function lines(text: string): string[] {
  return text.split(/\s+/).map((l) => l.trim()).filter(Boolean);
}

/** Where models are downloaded from: IPFS and Arweave gateways in order of preference, and a remote catalog. */
export function ModelSourcesForm() {
  const api = useApi();
  const [saved, setSaved] = useState<ModelSettings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [done, setDone] = useState(false);
  const load = useAction(async () => {
    const settings = await api.invoke("models.settings", {});
    setSaved(settings);
    setDraft({ ipfs: settings.ipfsGateways.join("\n"), arweave: settings.arweaveGateways.join("\n"), remote: settings.remoteCatalogUrl ?? "" });
  });
  const save = useAction(async (value: Draft) => {
    const settings = await api.invoke("models.updateSettings", {
      ipfsGateways: lines(value.ipfs),
      arweaveGateways: lines(value.arweave),
      remoteCatalogUrl: value.remote.trim() || null,
    });
    setSaved(settings);
    setDone(true);
  });
  useEffect(() => {
    void load.run();
  }, [load.run]);

  if (!draft || !saved) return load.error != null ? <SaveRow dirty={false} busy={false} error={load.error} onDiscard={() => {}} /> : <p className="muted">Reading model sources…</p>;
  const dirty = draft.ipfs !== saved.ipfsGateways.join("\n") || draft.arweave !== saved.arweaveGateways.join("\n") || draft.remote !== (saved.remoteCatalogUrl ?? "");
  const set = (patch: Partial<Draft>) => {
    setDone(false);
    setDraft({ ...draft, ...patch });
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    if (draft) void save.run(draft);
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="model-sources-form">
      <Field label="IPFS gateways" hint="One URL per line, tried in order. A local IPFS node (http://127.0.0.1:8080) belongs first.">
        {(control) => <textarea {...control} rows={3} spellCheck={false} value={draft.ipfs} onChange={(e) => set({ ipfs: e.target.value })} />}
      </Field>
      <Field label="Arweave gateways" hint="One URL per line.">
        {(control) => <textarea {...control} rows={2} spellCheck={false} value={draft.arweave} onChange={(e) => set({ arweave: e.target.value })} />}
      </Field>
      <Field label="Remote catalog URL" hint="Optional: a catalog that adds models to the built-in one (it can never replace a built-in model).">
        {(control) => <input {...control} spellCheck={false} value={draft.remote} onChange={(e) => set({ remote: e.target.value })} placeholder="https://…/catalog.json" />}
      </Field>
      <SaveRow
        dirty={dirty}
        busy={save.busy}
        error={save.error}
        saved={done && !dirty}
        onDiscard={() => setDraft({ ipfs: saved.ipfsGateways.join("\n"), arweave: saved.arweaveGateways.join("\n"), remote: saved.remoteCatalogUrl ?? "" })}
      />
    </form>
  );
}
