import { useState } from "react";
import type { SessionEarnings } from "../../../../shared/api/index.js";
import { formatUpokt } from "../../../../shared/format.js";
import { useApi } from "../../api/api-context.js";
import { useAction } from "../../hooks/useAction.js";
import { Badge } from "../../kit/Badge.js";
import { Button } from "../../kit/Button.js";
import { Card } from "../../kit/Card.js";
import { EmptyState } from "../../kit/EmptyState.js";
import { ErrorMessage } from "../../kit/Message.js";
import { useMiner } from "../../stores/miner-store.js";
import { sessionReason, stageView } from "../../view-models/earnings.js";

const PAGE = 10;

/** Every recent session with its relays, claim, proof and outcome (pending → claimed → proven → settled, or why not). */
export function SessionsTable() {
  const api = useApi();
  const sessions = useMiner((s) => s.sessions);

  const exportCsv = useAction(async () => {
    const { filename, csv } = await api.invoke("earnings.exportCsv", {});
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  });
  return <SessionsTableView sessions={sessions} exporting={exportCsv.busy} exportError={exportCsv.error} onExport={() => void exportCsv.run()} />;
}

/** The table itself, from the sessions it is given (null while the ledger has not answered). */
export function SessionsTableView({ sessions, exporting, exportError, onExport }: { sessions: SessionEarnings[] | null; exporting: boolean; exportError: unknown; onExport: () => void }) {
  const [showAll, setShowAll] = useState(false);
  return (
    <Card
      title="Sessions"
      subtitle="Newest first. Each session is claimed, proven when the chain asks, then settled."
      testId="sessions-table"
      actions={
        <Button variant="secondary" size="small" busy={exporting} onClick={onExport} disabled={!sessions?.length}>
          Export CSV
        </Button>
      }
    >
      {exportError != null && <ErrorMessage error={exportError} title="The CSV was not exported." />}
      {!sessions ? (
        <p className="muted">Reading the ledger…</p>
      ) : sessions.length === 0 ? (
        <EmptyState title="No sessions yet">Sessions appear here once relays arrive. Start serving from the top of this page, or finish the setup wizard.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Session, service and blocks</th>
                <th scope="col" className="num">Relays</th>
                <th scope="col" className="num">Mined</th>
                <th scope="col" className="num wide-only">Compute units</th>
                <th scope="col">Stage</th>
                <th scope="col" className="num">Reward</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {(showAll ? sessions : sessions.slice(0, PAGE)).map((s) => {
                const stage = stageView(s.stage);
                const reward = s.stage === "settled" ? s.rewardUpokt : s.expectedRewardUpokt;
                return (
                  <tr key={`${s.sessionId}-${s.serviceId}`} data-testid="session-row" data-stage={s.stage}>
                    <td>
                      <code title={s.sessionId}>{s.sessionId.slice(0, 10)}…</code>
                      <div className="muted small session-service">{s.serviceId}</div>
                      <div className="muted small">
                        blocks {s.startHeight}–{s.endHeight}
                      </div>
                    </td>
                    <td className="num">{s.relays.toLocaleString("en-US")}</td>
                    <td className="num">{s.minedRelays.toLocaleString("en-US")}</td>
                    <td className="num wide-only">{BigInt(s.computeUnits).toLocaleString("en-US")}</td>
                    <td>
                      <Badge tone={stage.tone}>{stage.label}</Badge>
                    </td>
                    <td className="num" data-testid="session-reward">
                      {s.stage === "settled" ? formatUpokt(reward) : BigInt(reward) > 0n ? <span className="muted">≈ {formatUpokt(reward)}</span> : "—"}
                      {BigInt(s.penaltyUpokt) > 0n && <div className="field-error">−{formatUpokt(s.penaltyUpokt)} penalty</div>}
                    </td>
                    <td className="small session-why">{sessionReason(s)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {sessions.length > PAGE && (
            <div className="row">
              <Button variant="ghost" size="small" onClick={() => setShowAll(!showAll)} aria-expanded={showAll}>
                {showAll ? `Show the latest ${PAGE}` : `Show all ${sessions.length} sessions`}
              </Button>
            </div>
          )}
        </div>
      )}
    </Card>
  );
}
