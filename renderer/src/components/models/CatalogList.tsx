import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { EmptyState } from "../../kit/EmptyState.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { useModels } from "../../stores/models-store.js";
import { useStaking } from "../../stores/staking-store.js";
import { catalogRows, type CatalogRow } from "../../view-models/catalog.js";
import { CatalogItem } from "./CatalogItem.js";

/**
 * The catalog with the fit planner's verdicts: recommendation first, then what runs here, then what does not.
 * `actions` renders each row's buttons (download on the Models page, "use this model" in the wizard).
 */
export function CatalogList({ actions, defaultShowTestModels }: { actions: (row: CatalogRow) => ReactNode; defaultShowTestModels: boolean }) {
  const catalog = useModels((s) => s.catalog);
  const plan = useModels((s) => s.plan);
  const installed = useModels((s) => s.installed);
  const downloads = useModels((s) => s.downloads);
  const error = useModels((s) => s.error);
  // Which catalog services the current network has registered (x/service).
  const services = useStaking((s) => s.services);
  const [query, setQuery] = useState("");
  const [showTest, setShowTest] = useState(defaultShowTestModels);
  // The default depends on the network, which may arrive after the first render; a person's choice wins over it.
  const chosen = useRef(false);
  useEffect(() => {
    if (!chosen.current) setShowTest(defaultShowTestModels);
  }, [defaultShowTestModels]);

  const rows = useMemo(() => {
    if (!catalog) return [];
    const needle = query.trim().toLowerCase();
    return catalogRows({ entries: catalog.entries, plan, installed: installed ?? [], downloads, includeTestModels: showTest }).filter(
      (row) => !needle || `${row.entry.name} ${row.entry.family} ${row.entry.pokt.serviceId}`.toLowerCase().includes(needle),
    );
  }, [catalog, plan, installed, downloads, query, showTest]);

  if (!catalog) return error ? <ErrorMessage error={error} title="Could not read the model catalog." /> : <p className="muted">Reading the catalog…</p>;
  return (
    <div className="stack">
      <div className="row row-center">
        <label className="grow">
          <span className="visually-hidden">Search the catalog</span>
          <input type="search" placeholder="Search by name, family or service" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={showTest}
            onChange={(e) => {
              chosen.current = true;
              setShowTest(e.target.checked);
            }}
          />
          <span>Show test models</span>
        </label>
      </div>
      {!plan && <p className="muted small">Working out which models fit this machine…</p>}
      {plan && !plan.recommendation && (
        <Message tone="warn" next="Pick a model marked as fitting below, or add a GPU; the CPU can still serve the smallest models.">
          No catalog model reaches a useful speed on this machine, so there is no recommendation.
        </Message>
      )}
      {catalog.remote.error && (
        <Message tone="warn" next="Check the remote catalog URL in Settings; the built-in catalog is shown meanwhile.">
          The remote catalog could not be read: {catalog.remote.error}
        </Message>
      )}
      {rows.length === 0 ? (
        <EmptyState title="No model matches">Clear the search{showTest ? "" : ", or show test models"}.</EmptyState>
      ) : (
        <ul className="catalog-list" aria-label="Model catalog">
          {rows.map((row) => (
            <CatalogItem key={row.entry.id} row={row} actions={actions(row)} serviceOnChain={services ? services.some((s) => s.serviceId === row.entry.pokt.serviceId) : null} />
          ))}
        </ul>
      )}
      {plan && (
        <details className="small muted">
          <summary>How fit and speed are estimated</summary>
          <p>{plan.method}</p>
        </details>
      )}
    </div>
  );
}
