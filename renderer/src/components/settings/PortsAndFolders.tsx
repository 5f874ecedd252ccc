import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { CopyButton } from "../../kit/CopyButton.js";
import { ErrorMessage } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";
import { useEngine } from "../../stores/engine-store.js";
import { useMiner } from "../../stores/miner-store.js";
import { PortsForm } from "./PortsForm.js";

/** Where the engine listens and keeps its files, with the listen addresses to change. */
export function PortsAndFolders() {
  const api = useApi();
  const info = useEngine((s) => s.info);
  const endpoint = useEngine((s) => s.inference?.endpoint ?? null);
  const miner = useMiner((s) => s.status);
  const open = useAction(async () => api.invoke("app.openFolder", { folder: "data" }));
  const dashboard = typeof window === "undefined" ? null : window.location.origin;
  return (
    <div className="stack" data-testid="ports-and-folders">
      <dl className="facts">
        <dt>Data folder</dt>
        <dd>
          <code>{info?.dataDir ?? "—"}</code> {info && <CopyButton text={info.dataDir} label="Copy" />}
        </dd>
        <dt>Dashboard</dt>
        <dd>{info?.transport === "ipc" ? "inside the desktop app" : <code>{dashboard}</code>}</dd>
        <dt>OpenAI-compatible API</dt>
        <dd>{endpoint ? <code>{endpoint}</code> : <span className="muted">starts with a loaded model</span>}</dd>
        <dt>Relay server</dt>
        <dd>{miner?.listenUrl ? <code>{miner.listenUrl}</code> : <span className="muted">starts with serving</span>}</dd>
        <dt>Prometheus metrics</dt>
        <dd>{miner?.metricsUrl ? <code>{miner.metricsUrl}</code> : <span className="muted">starts with serving</span>}</dd>
      </dl>
      <h3>Listen addresses</h3>
      <PortsForm />
      <div className="row">
        <Button variant="secondary" busy={open.busy} onClick={() => void open.run()}>
          Open data folder
        </Button>
        {open.data && !open.data.opened && <span className="muted small">A browser cannot open folders on the engine's computer; copy the path above.</span>}
      </div>
      {open.error != null && <ErrorMessage error={open.error} />}
    </div>
  );
}
