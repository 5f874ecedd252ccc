import { Button } from "../../kit/Button.js";
import { ErrorMessage } from "../../kit/Message.js";

/** Save / Discard for a settings form, with the engine's refusal (if any) under it. */
export function SaveRow({ dirty, busy, error, onDiscard, saved }: { dirty: boolean; busy: boolean; error: unknown; onDiscard: () => void; saved?: boolean }) {
  return (
    <>
      {error != null && <ErrorMessage error={error} title="Not saved." />}
      <div className="row row-center">
        <Button type="submit" busy={busy} busyLabel="Saving…" disabled={!dirty}>
          Save
        </Button>
        {dirty && (
          <Button variant="ghost" onClick={onDiscard}>
            Discard changes
          </Button>
        )}
        {!dirty && saved && <span className="muted small" role="status">Saved.</span>}
      </div>
    </>
  );
}
