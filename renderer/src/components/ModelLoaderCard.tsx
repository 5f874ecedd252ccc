import { useState, type FormEvent } from "react";
import { formatBytes } from "../../../shared/format.js";
import { useApi } from "../api/api-context.js";
import { useEngine } from "../stores/engine-store.js";

export function ModelLoaderCard() {
  const api = useApi();
  const status = useEngine((s) => s.inference);
  const [path, setPath] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function load(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      useEngine.setState({ inference: await api.invoke("inference.load", { modelPath: path.trim() }) });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function unload() {
    setBusy(true);
    try {
      useEngine.setState({ inference: await api.invoke("inference.unload", {}) });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const model = status?.model;
  return (
    <section className="card" aria-labelledby="model-title">
      <h2 id="model-title">Model</h2>
      <p className="muted">
        State: <strong data-testid="inference-state">{status?.state ?? "…"}</strong>
        {status?.message ? ` — ${status.message}` : ""}
      </p>
      {model && (
        <dl className="facts">
          <dt>Loaded</dt>
          <dd data-testid="model-name">{model.name}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(model.sizeBytes)}</dd>
          <dt>Context</dt>
          <dd>
            {model.contextSize.toLocaleString()} tokens · {model.parallelSequences} parallel requests · {model.threads} threads
            · {model.gpuLayers} GPU layers
          </dd>
          {status?.endpoint && (
            <>
              <dt>Endpoint</dt>
              <dd>
                <code>{status.endpoint}</code> (OpenAI-compatible)
              </dd>
            </>
          )}
        </dl>
      )}
      <form className="row" onSubmit={load}>
        <label className="grow">
          <span className="label">GGUF file on this machine</span>
          <input
            name="modelPath"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/path/to/model.gguf"
            spellCheck={false}
            required
          />
        </label>
        <button type="submit" disabled={busy || !path.trim()}>
          {busy && status?.state === "loading" ? "Loading…" : "Load model"}
        </button>
        {model && (
          <button type="button" className="secondary" onClick={unload} disabled={busy}>
            Unload
          </button>
        )}
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
