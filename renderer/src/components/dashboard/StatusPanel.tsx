import { useApi } from "../../api/api-context.js";
import { useAction } from "../../hooks/useAction.js";
import { Button } from "../../kit/Button.js";
import { ErrorMessage } from "../../kit/Message.js";
import { useMiner } from "../../stores/miner-store.js";
import { useSettings } from "../../stores/settings-store.js";
import { useWallet } from "../../stores/wallet-store.js";
import { servingStatus } from "../../view-models/serving-status.js";

/** Serving / paused / error at a glance, with the reason and the buttons that change it. */
export function StatusPanel() {
  const api = useApi();
  const miner = useMiner((s) => s.status);
  const availability = useSettings((s) => s.availability);
  const wallet = useWallet((s) => s.snapshot);
  const view = servingStatus(miner, availability, wallet);
  const act = useAction(async (what: "start" | "stop" | "pause" | "resume") => {
    if (what === "start") useMiner.setState({ status: await api.invoke("miner.start", {}) });
    if (what === "stop") useMiner.setState({ status: await api.invoke("miner.stop", {}) });
    if (what === "pause") useSettings.setState({ availability: await api.invoke("availability.pause", {}) });
    if (what === "resume") useSettings.setState({ availability: await api.invoke("availability.resume", {}) });
  });
  const running = miner?.state === "running" || miner?.state === "starting";

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
        {running && availability && (
          availability.pausedByUser ? (
            <Button variant="secondary" busy={act.busy} onClick={() => void act.run("resume")}>
              Resume
            </Button>
          ) : (
            <Button variant="secondary" busy={act.busy} onClick={() => void act.run("pause")}>
              Pause
            </Button>
          )
        )}
        {miner && (running ? (
          <Button variant="ghost" busy={act.busy} onClick={() => void act.run("stop")}>
            Stop serving
          </Button>
        ) : (
          <Button busy={act.busy} busyLabel="Starting…" onClick={() => void act.run("start")}>
            Start serving
          </Button>
        ))}
      </div>
      {act.error != null && <ErrorMessage error={act.error} />}
    </section>
  );
}
