import { useState, type FormEvent } from "react";
import { formatBytes } from "../../../shared/format.js";
import { useApi } from "../api/api-context.js";
import { useAction } from "../hooks/useAction.js";
import { Badge } from "../kit/Badge.js";
import { Button } from "../kit/Button.js";
import { Card } from "../kit/Card.js";
import { Field } from "../kit/Field.js";
import { useImportFolderHint } from "../hooks/useImportFolderHint.js";
import { ErrorMessage } from "../kit/Message.js";
import { useEngine } from "../stores/engine-store.js";

const STATE_TONE = { idle: "neutral", loading: "info", ready: "ok", error: "error", restarting: "warn" } as const;

/** What the inference engine has loaded, and loading any GGUF file by path (without installing it). */
export function ModelLoaderCard() {
  const importHint = useImportFolderHint();
  const api = useApi();
  const status = useEngine((s) => s.inference);
  const [path, setPath] = useState("");
  const load = useAction(async () => useEngine.setState({ inference: await api.invoke("inference.load", { modelPath: path.trim() }) }));
  const unload = useAction(async () => useEngine.setState({ inference: await api.invoke("inference.unload", {}) }));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (path.trim()) void load.run();
  }

  const model = status?.model;
  return (
    <Card
      title="Inference engine"
      subtitle="The model answering chats and relays right now."
      actions={status && <Badge tone={STATE_TONE[status.state]}>{<span data-testid="inference-state">{status.state}</span>}</Badge>}
    >
      {status?.message && <p className="muted">{status.message}</p>}
      {model ? (
        <dl className="facts">
          <dt>Loaded</dt>
          <dd data-testid="model-name">{model.name}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(model.sizeBytes)}</dd>
          <dt>Context</dt>
          <dd>
            {model.contextSize.toLocaleString("en-US")} tokens · {model.parallelSequences} parallel requests · {model.threads} threads · {model.gpuLayers} GPU layers
          </dd>
          <dt>KV cache</dt>
          <dd data-testid="kv-cache">
            {formatBytes(model.kvCacheBytes)} <span className="muted">reserved for {model.parallelSequences} × {model.contextSize.toLocaleString("en-US")} tokens</span>
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
      ) : (
        <p className="muted">No model loaded. Pick one on the Models page, or load a file by path below.</p>
      )}
      <form className="row" onSubmit={submit}>
        <Field className="grow" label="GGUF file on this machine" hint={importHint}>
          {(control) => <input {...control} name="modelPath" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/model.gguf" spellCheck={false} />}
        </Field>
        <Button type="submit" busy={load.busy} busyLabel="Loading…" disabled={!path.trim()}>
          Load model
        </Button>
        {model && (
          <Button variant="secondary" busy={unload.busy} onClick={() => void unload.run()}>
            Unload
          </Button>
        )}
      </form>
      {(load.error ?? unload.error) != null && <ErrorMessage error={load.error ?? unload.error} title="The engine did not change its model." />}
    </Card>
  );
}
