import { useApi } from "../../api/api-context.js";
import { useAction } from "../../hooks/useAction.js";
import { Button } from "../../kit/Button.js";
import { ErrorMessage } from "../../kit/Message.js";
import { useMiner } from "../../stores/miner-store.js";
import { useSettings } from "../../stores/settings-store.js";
import { useWallet } from "../../stores/wallet-store.js";
import { servingStatus, type ServingStatusView } from "../../view-models/serving-status.js";

type StatusAction = "start" | "stop" | "pause" | "resume";

/** Serving / paused / error at a glance, with the reason and the buttons that change it. */
export function StatusPanel() {
  const api = useApi();
  const miner = useMiner((s) => s.status);
  const availability = useSettings((s) => s.availability);
  const wallet = useWallet((s) => s.snapshot);
  const act = useAction(async (what: StatusAction) => {
    if (what === "start") useMiner.setState({ status: await api.invoke("miner.start", {}) });
    if (what === "stop") useMiner.setState({ status: await api.invoke("miner.stop", {}) });
    if (what === "pause") useSettings.setState({ availability: await api.invoke("availability.pause", {}) });
    if (what === "resume") useSettings.setState({ availability: await api.invoke("availability.resume", {}) });
  });
  return (
    <StatusPanelView
      view={servingStatus(miner, availability, wallet)}
      minerKnown={miner !== null}
      running={miner?.state === "running" || miner?.state === "starting"}
      pausedByUser={availability ? availability.pausedByUser : null}
      busy={act.busy}
      error={act.error}
      onAction={(what) => void act.run(what)}
    />
  );
}

export interface StatusPanelViewProps {
  view: ServingStatusView;
  minerKnown: boolean;
  running: boolean;
  /** null while the availability policy has not reported. */
  pausedByUser: boolean | null;
  busy: boolean;
  error: unknown;
  onAction: (what: StatusAction) => void;
}

export function StatusPanelView({ view, minerKnown, running, pausedByUser, busy, error, onAction }: StatusPanelViewProps) {
  return (
    <section className="card status-panel" aria-labelledby="status-title" data-testid="status-panel">
      <div className="status-main">
        <span className="status-dot status-dot-large" data-tone={view.tone} aria-hidden="true" />
        <div>
          <h2 id="status-title">
            <span data-testid="serving-status">{view.label}</span>
          </h2>
          <p className="muted" data-testid="serving-reason">
            {view.reason}
          </p>
          {view.next && <p className="small">{view.next}</p>}
        </div>
      </div>
      <div className="card-actions">
        {running && pausedByUser !== null && (
          <Button variant="secondary" busy={busy} onClick={() => onAction(pausedByUser ? "resume" : "pause")}>
            {pausedByUser ? "Resume" : "Pause"}
          </Button>
        )}
        {minerKnown &&
          (running ? (
            <Button variant="ghost" busy={busy} onClick={() => onAction("stop")}>
              Stop serving
            </Button>
          ) : (
            <Button busy={busy} busyLabel="Starting…" onClick={() => onAction("start")}>
              Start serving
            </Button>
          ))}
      </div>
      {error != null && <ErrorMessage error={error} />}
    </section>
  );
}
