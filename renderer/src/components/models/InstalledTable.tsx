import { useState } from "react";
import type { InstalledModel } from "../../../../shared/api/index.js";
import { formatBytes, formatDuration } from "../../../../shared/format.js";
import { useApi } from "../../api/api-context.js";
import { Badge } from "../../kit/Badge.js";
import { Button } from "../../kit/Button.js";
import { CopyButton } from "../../kit/CopyButton.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";
import { useNow } from "../../hooks/useNow.js";
import { useEngine } from "../../stores/engine-store.js";
import { useModels } from "../../stores/models-store.js";
import { formatAgo, formatTokensPerSecond } from "../../view-models/format.js";
import { shortCid } from "../../view-models/sharing.js";
import { BenchmarkButton } from "./BenchmarkButton.js";

/** Installed models with their verification and benchmark figures; serve, benchmark, verify or delete each. */
export function InstalledTable({ models }: { models: InstalledModel[] }) {
  const api = useApi();
  const loadedPath = useEngine((s) => s.inference?.model?.path ?? null);
  const benchmarks = useModels((s) => s.benchmarks);
  const now = useNow(30_000);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const action = useAction(async (what: "serve" | "verify" | "delete", model: InstalledModel) => {
    if (what === "serve") useEngine.setState({ inference: await api.invoke("inference.load", { modelPath: model.path }) });
    if (what === "verify") await api.invoke("models.verify", { modelId: model.id });
    if (what === "delete") {
      // The engine deletes files, not running models: stop serving it first so llama.cpp does not hold a deleted file.
      if (model.path === loadedPath) useEngine.setState({ inference: await api.invoke("inference.unload", {}) });
      await api.invoke("models.delete", { modelId: model.id });
      setConfirmDelete(null);
    }
  });

  return (
    <>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col" className="num">Size</th>
              <th scope="col">Source</th>
              <th scope="col">Check</th>
              <th scope="col">Benchmark</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {models.map((model) => {
              const result = benchmarks.filter((b) => b.modelId === model.id).sort((a, b) => b.measuredAt - a.measuredAt)[0];
              const loaded = loadedPath === model.path;
              return (
                <tr key={model.id} data-testid={`installed-${model.id}`}>
                  <td>
                    <div className="choice-title">
                      {model.name}
                      {loaded && <Badge tone="accent">serving</Badge>}
                      {model.verified ? <Badge tone="ok">verified</Badge> : <Badge tone="warn">unverified</Badge>}
                    </div>
                    {model.gguf && (
                      <div className="muted small">
                        {model.gguf.architecture} · {model.gguf.quantization}
                      </div>
                    )}
                    <div className="muted small row row-center" data-testid="model-cid">
                      {model.cid ? (
                        <>
                          <span>
                            CID{" "}
                            <code title={model.cid} data-cid={model.cid}>
                              {shortCid(model.cid)}
                            </code>
                          </span>
                          <CopyButton text={model.cid} label="Copy CID" />
                        </>
                      ) : (
                        <span>CID being computed…</span>
                      )}
                    </div>
                  </td>
                  <td className="num">{formatBytes(model.sizeBytes)}</td>
                  <td className="small">{model.source.kind === "import" ? "imported file" : model.source.kind.toUpperCase()}</td>
                  <td className="small">
                    {model.lastCheck ? (
                      <span title={model.lastCheck.message ?? undefined}>
                        {model.lastCheck.ok ? <Badge tone="ok">ok</Badge> : <Badge tone="error">failed</Badge>} {formatAgo(model.lastCheck.at, now)}
                      </span>
                    ) : (
                      "not checked yet"
                    )}
                    {model.lastCheck && !model.lastCheck.ok && model.lastCheck.message && <div className="field-error">{model.lastCheck.message}</div>}
                  </td>
                  <td className="small num" data-testid="benchmark-figures">
                    {result ? (
                      <>
                        {formatTokensPerSecond(result.generationTokensPerSecond)}
                        <div className="muted">first token {formatDuration(result.timeToFirstTokenMs)}</div>
                        {result.threads !== null && <div className="muted">{result.threads} CPU thread{result.threads === 1 ? "" : "s"}</div>}
                      </>
                    ) : (
                      <span className="muted">not measured</span>
                    )}
                  </td>
                  <td>
                    <div className="card-actions">
                      {!loaded && (
                        <Button size="small" disabled={action.busy} onClick={() => void action.run("serve", model)}>
                          Serve
                        </Button>
                      )}
                      <BenchmarkButton modelId={model.id} name={model.name} />
                      <Button size="small" variant="secondary" disabled={action.busy} onClick={() => void action.run("verify", model)}>
                        Verify
                      </Button>
                      <Button size="small" variant="ghost" disabled={action.busy} onClick={() => setConfirmDelete(model.id)}>
                        Delete…
                      </Button>
                    </div>
                    {confirmDelete === model.id && (
                      <Message tone="warn" title={`Delete ${model.name}?`} next="You can download or import it again later.">
                        {loaded ? "It is being served: it is unloaded first, and relays for it stop. " : ""}The file ({formatBytes(model.sizeBytes)}) is removed from disk.
                        <div className="row">
                          <Button size="small" variant="danger" busy={action.busy} onClick={() => void action.run("delete", model)}>
                            Delete file
                          </Button>
                          <Button size="small" variant="secondary" onClick={() => setConfirmDelete(null)}>
                            Keep it
                          </Button>
                        </div>
                      </Message>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {action.busy && <p className="muted small">Working… verifying hashes the whole file.</p>}
      {action.error != null && <ErrorMessage error={action.error} />}
    </>
  );
}
