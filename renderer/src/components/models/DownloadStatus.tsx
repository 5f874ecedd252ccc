import type { DownloadProgress } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { ProgressBar } from "../../kit/ProgressBar.js";
import { useAction } from "../../hooks/useAction.js";
import { downloadView } from "../../view-models/downloads.js";

/** One download: progress, speed and time left, with pause / resume / cancel, and the failure with what to do. */
export function DownloadStatus({ progress, name }: { progress: DownloadProgress; name: string }) {
  const api = useApi();
  const view = downloadView(progress);
  const control = useAction(async (what: "pause" | "resume" | "cancel") => {
    if (what === "pause") await api.invoke("models.pause", { modelId: progress.modelId });
    else if (what === "resume") await api.invoke("models.resume", { modelId: progress.modelId });
    else await api.invoke("models.cancel", { modelId: progress.modelId });
  });
  return (
    <div className="stack" data-testid={`download-${progress.modelId}`}>
      <ProgressBar label={`Downloading ${name}`} fraction={view.fraction} start={`${view.stateLabel} · ${view.amount}`} end={view.speed} />
      {view.problem && (
        <Message tone="error" title="The download stopped." testId="download-error">
          {view.problem}
        </Message>
      )}
      {progress.blocksRejected > 0 && (
        <p className="muted small">
          {progress.blocksRejected} block{progress.blocksRejected === 1 ? "" : "s"} from a gateway did not match their hash and were fetched again elsewhere.
        </p>
      )}
      <div className="card-actions">
        {view.canPause && (
          <Button size="small" variant="secondary" busy={control.busy} onClick={() => void control.run("pause")}>
            Pause
          </Button>
        )}
        {view.canResume && (
          <Button size="small" busy={control.busy} onClick={() => void control.run("resume")}>
            {progress.state === "failed" ? "Retry" : "Resume"}
          </Button>
        )}
        {view.canCancel && (
          <Button size="small" variant="ghost" disabled={control.busy} onClick={() => void control.run("cancel")}>
            Cancel
          </Button>
        )}
      </div>
      {control.error != null && <ErrorMessage error={control.error} />}
    </div>
  );
}
