import { useEffect, useRef, useState } from "react";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Card } from "../../kit/Card.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";
import { useChain } from "../../stores/chain-store.js";
import { useEngine } from "../../stores/engine-store.js";
import { useModels } from "../../stores/models-store.js";
import type { CatalogRow } from "../../view-models/catalog.js";
import { formatTokensPerSecond } from "../../view-models/format.js";
import { CatalogList } from "../models/CatalogList.js";
import { ImportModelForm } from "../models/ImportModelForm.js";
import { ServicePicker } from "../staking/ServicePicker.js";
import { WizardNav } from "./WizardNav.js";

/** The model to serve: pick one (downloaded first if needed), and the engine loads it. */
export function ModelStep() {
  const api = useApi();
  const installed = useModels((s) => s.installed) ?? [];
  const catalog = useModels((s) => s.catalog);
  const plan = useModels((s) => s.plan);
  const inference = useEngine((s) => s.inference);
  const network = useChain((s) => s.status?.network);
  const [wanted, setWanted] = useState<string | null>(null);
  const load = useAction(async (path: string) => useEngine.setState({ inference: await api.invoke("inference.load", { modelPath: path }) }));
  const download = useAction(async (modelId: string) => api.invoke("models.download", { modelId }));

  const serving = inference?.model ? installed.find((m) => m.path === inference.model!.path) ?? null : null;
  const wantedInstalled = wanted ? installed.find((m) => m.id === wanted || m.catalogId === wanted) ?? null : null;

  // A model picked while it was still downloading is loaded as soon as its verified file is installed.
  const loadedFor = useRef<string | null>(null);
  useEffect(() => {
    if (wantedInstalled && loadedFor.current !== wantedInstalled.id && serving?.id !== wantedInstalled.id) {
      loadedFor.current = wantedInstalled.id;
      void load.run(wantedInstalled.path);
    }
  }, [wantedInstalled, serving, load.run]);

  function choose(row: CatalogRow) {
    setWanted(row.entry.id);
    loadedFor.current = null;
    if (!row.installed && (!row.download || row.download.state === "failed")) void download.run(row.entry.id);
  }

  const recommendation = plan?.recommendation ? catalog?.entries.find((e) => e.id === plan.recommendation!.modelId) : null;
  const ready = inference?.state === "ready" && serving !== null;
  const actionFor = (row: CatalogRow) => {
    const isServing = serving && (serving.id === row.entry.id || serving.catalogId === row.entry.id);
    if (isServing) return <span className="badge badge-accent">selected</span>;
    const pending = wanted === row.entry.id && (download.busy || load.busy || (row.download && row.download.state !== "failed" && row.download.state !== "completed"));
    return (
      <Button size="small" variant={row.recommended ? "primary" : "secondary"} busy={!!pending} busyLabel="Preparing…" disabled={row.best?.fit === "none"} onClick={() => choose(row)}>
        {row.installed ? "Use this model" : "Download and use"}
      </Button>
    );
  };

  return (
    <div className="stack" data-testid="step-model">
      {serving ? (
        <Message tone={ready ? "ok" : "info"} title={ready ? `Serving ${serving.name}.` : `Loading ${serving.name}…`} testId="model-selected">
          {ready ? "Loaded and answering requests. Pick another model below to switch." : "The model is being loaded into memory."}
        </Message>
      ) : inference?.state === "loading" ? (
        <Message tone="info" title="Loading the model…" />
      ) : null}
      {inference?.state === "error" && <Message tone="error" title="The model did not load." next="Pick a smaller model, or check the Logs page for the reason.">{inference.message}</Message>}
      {load.error != null && <ErrorMessage error={load.error} title="The model did not load." />}
      {download.error != null && <ErrorMessage error={download.error} title="The download did not start." />}
      {recommendation && plan?.recommendation && (
        <Message tone="info" title={`Recommended for this machine: ${recommendation.name}`}>
          {plan.recommendation.reason} Expected {formatTokensPerSecond(plan.recommendation.tokensPerSecond)}.
        </Message>
      )}
      <Card
        title="Service"
        subtitle="The POKT service gateways reach this machine by, as this network registers it. On mainnet and beta the LLM service is ai-inference: bring your own model."
        testId="service-choice"
      >
        <ServicePicker />
      </Card>
      <Card title="Catalog" subtitle="Recommended first; badges say where each model fits and whether its file is hash-verified.">
        <CatalogList actions={actionFor} defaultShowTestModels={network === "localnet"} />
      </Card>
      <Card title="Or import a file">
        <ImportModelForm onImported={(model) => setWanted(model.id)} />
      </Card>

      <WizardNav step="model" canNext={ready} waiting="Choose a model; it downloads and loads." />
    </div>
  );
}
