import { useState } from "react";
import { Badge } from "../../kit/Badge.js";
import { EmptyState } from "../../kit/EmptyState.js";
import { useStaking } from "../../stores/staking-store.js";
import { formatUpoktPrice, relayValueUpokt } from "../../view-models/services.js";

/** The network's services as x/service lists them: LLM services by default, every service on request. */
export function ServicesTable() {
  const services = useStaking((s) => s.services);
  const params = useStaking((s) => s.params);
  const supplier = useStaking((s) => s.supplier);
  const [all, setAll] = useState(false);
  if (!services) return <p className="muted">Reading this network's services…</p>;
  const staked = new Set(supplier?.services.map((s) => s.serviceId) ?? []);
  const shown = all ? services : services.filter((s) => s.llm || staked.has(s.serviceId));
  return (
    <div className="stack" data-testid="services-table">
      <label className="check">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
        <span>Show all {services.length} services of this network (most are blockchains' RPC, not LLMs)</span>
      </label>
      {shown.length === 0 ? (
        <EmptyState title="No LLM service on this network">Register one from the Stake step; you pay the add-service fee.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Compute units per relay</th>
                <th scope="col">Per relay</th>
                <th scope="col">Card</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((s) => (
                <tr key={s.serviceId} data-testid={`service-row-${s.serviceId}`}>
                  <td>
                    <code>{s.serviceId}</code> {s.name && s.name !== s.serviceId && <span className="muted small">{s.name}</span>}{" "}
                    {s.byom && <Badge tone="info">bring your own model</Badge>} {staked.has(s.serviceId) && <Badge tone="ok">staked</Badge>}
                  </td>
                  <td>{s.computeUnitsPerRelay.toLocaleString("en-US")}</td>
                  <td>{params ? formatUpoktPrice(relayValueUpokt(s, params)) : "—"}</td>
                  <td className="small">
                    {s.card ? (
                      <>
                        {s.card.description ?? <span className="muted">(no description)</span>}
                        {s.card.apis.length > 0 && <div className="muted">APIs: {s.card.apis.join(", ")}</div>}
                        {s.card.healthcheckPath && <div className="muted">Health check: GET {s.card.healthcheckPath}</div>}
                      </>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
