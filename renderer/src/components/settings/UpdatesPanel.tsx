import type { UpdateStatus } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { useAction } from "../../hooks/useAction.js";
import { useNow } from "../../hooks/useNow.js";
import { Badge } from "../../kit/Badge.js";
import { Button } from "../../kit/Button.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { ProgressBar } from "../../kit/ProgressBar.js";
import { useUpdates } from "../../stores/updates-store.js";
import { updateView } from "../../view-models/updates.js";

/** What the desktop app's updater is doing, with "Check now"; headless engines say who updates them instead. */
export function UpdatesPanel() {
  const api = useApi();
  const status = useUpdates((s) => s.status);
  const error = useUpdates((s) => s.error);
  // "last checked 5 min ago" stays true while the page is open.
  const now = useNow(30_000);
  const check = useAction(async () => {
    const next = await api.invoke("updates.check", {});
    useUpdates.setState({ status: next });
  });
  return <UpdatesPanelView status={status} readError={error} now={now} checking={check.busy} checkError={check.error} onCheck={() => void check.run()} />;
}

export function UpdatesPanelView({
  status,
  readError,
  now,
  checking,
  checkError,
  onCheck,
}: {
  status: UpdateStatus | null;
  readError: string | null;
  now: number;
  checking: boolean;
  checkError: unknown;
  onCheck: () => void;
}) {
  if (readError) return <ErrorMessage error={new Error(readError)} title="Could not read the updater's state." />;
  if (!status) return <p className="muted">Reading the updater's state…</p>;
  const view = updateView(status, now);
  if (status.state === "unmanaged") {
    return (
      <div data-testid="updates-panel" data-state={status.state}>
        <Message tone="info" title="Updates are managed outside this app">
          {view.summary}
        </Message>
      </div>
    );
  }
  return (
    <div className="stack" data-testid="updates-panel" data-state={status.state}>
      <div className="row row-center">
        <Badge tone={view.tone}>{view.label}</Badge>
        <span role="status">{view.summary}</span>
      </div>
      {view.progress !== null && <ProgressBar label="Downloading the update" fraction={view.progress} end={`${Math.round(view.progress * 100)} %`} />}
      {view.next && (
        <Message tone="error" title="What to do" testId="updates-next">
          {view.next}
        </Message>
      )}
      {view.facts && <p className="muted small">{view.facts}</p>}
      {checkError != null && <ErrorMessage error={checkError} title="Could not check." />}
      <div className="row row-center">
        <Button variant="secondary" onClick={onCheck} busy={checking} busyLabel="Checking…" disabled={!view.canCheck}>
          Check now
        </Button>
      </div>
    </div>
  );
}
