import { useApi } from "../api/api-context.js";
import { CatalogList } from "../components/models/CatalogList.js";
import { DownloadStatus } from "../components/models/DownloadStatus.js";
import { ImportModelForm } from "../components/models/ImportModelForm.js";
import { InstalledTable } from "../components/models/InstalledTable.js";
import { ModelLoaderCard } from "../components/ModelLoaderCard.js";
import { TryModelCard } from "../components/TryModelCard.js";
import { useAction } from "../hooks/useAction.js";
import { Button } from "../kit/Button.js";
import { Card } from "../kit/Card.js";
import { EmptyState } from "../kit/EmptyState.js";
import { ErrorMessage } from "../kit/Message.js";
import { PageHeader } from "../kit/PageHeader.js";
import { useChain } from "../stores/chain-store.js";
import { refreshModels, useModels } from "../stores/models-store.js";
import type { CatalogRow } from "../view-models/catalog.js";

export function ModelsPage() {
  const api = useApi();
  const installed = useModels((s) => s.installed);
  const downloads = useModels((s) => s.downloads);
  const catalog = useModels((s) => s.catalog);
  const network = useChain((s) => s.status?.network);
  const refresh = useAction(async () => {
    await api.invoke("models.catalog", { refresh: true });
    await refreshModels(api);
  });
  const start = useAction(async (modelId: string) => api.invoke("models.download", { modelId }));
  const active = Object.values(downloads).filter((d) => d.state !== "completed");
  const nameOf = (id: string) => catalog?.entries.find((e) => e.id === id)?.name ?? id;

  const rowActions = (row: CatalogRow) =>
    row.installed ? null : row.download && row.download.state !== "completed" ? null : (
      <Button size="small" busy={start.busy} onClick={() => void start.run(row.entry.id)} disabled={row.best?.fit === "none"}>
        Download
      </Button>
    );

  return (
    <section aria-labelledby="page-title">
      <PageHeader
        title="Models"
        description="What this machine serves. Files are checked against the catalog's hashes before they are used."
        actions={
          <Button variant="secondary" busy={refresh.busy} busyLabel="Refreshing…" onClick={() => void refresh.run()}>
            Refresh catalog
          </Button>
        }
      />
      {refresh.error != null && <ErrorMessage error={refresh.error} title="The catalog was not refreshed." />}
      {active.length > 0 && (
        <Card title="Downloads" subtitle="Verified block by block; pausing keeps what was verified.">
          <div className="stack">
            {active.map((d) => (
              <div key={d.modelId}>
                <strong>{nameOf(d.modelId)}</strong>
                <DownloadStatus progress={d} name={nameOf(d.modelId)} />
              </div>
            ))}
          </div>
        </Card>
      )}
      <Card title="Installed" subtitle="Serve one, benchmark it (one minute), re-check its hash, or delete it." testId="installed-models">
        {!installed ? (
          <p className="muted">Reading the models folder…</p>
        ) : installed.length === 0 ? (
          <EmptyState title="No models installed yet">Download one from the catalog below (the recommended one fits this machine best), or import a .gguf file.</EmptyState>
        ) : (
          <InstalledTable models={installed} />
        )}
      </Card>
      <div className="grid">
        <ModelLoaderCard />
        <TryModelCard />
      </div>
      <Card title="Import a file">
        <ImportModelForm />
      </Card>
      <Card title="Catalog" subtitle="Fit badges come from this machine's GPUs and RAM; verified models have a published sha256.">
        {start.error != null && <ErrorMessage error={start.error} title="The download did not start." />}
        <CatalogList actions={rowActions} defaultShowTestModels={network === "localnet"} />
      </Card>
    </section>
  );
}
