import { useEffect, useMemo, useRef, useState } from "react";
import type { LogLevel } from "../../../shared/api/index.js";
import { useApi } from "../api/api-context.js";
import { useAction } from "../hooks/useAction.js";
import { Button } from "../kit/Button.js";
import { CopyButton } from "../kit/CopyButton.js";
import { Field } from "../kit/Field.js";
import { ErrorMessage, Message } from "../kit/Message.js";
import { PageHeader } from "../kit/PageHeader.js";
import { useEngine } from "../stores/engine-store.js";
import { filterLogs, LOG_LEVELS, logScopes } from "../view-models/logs.js";

export function LogsPage() {
  const api = useApi();
  const logs = useEngine((s) => s.logs);
  const [minLevel, setMinLevel] = useState<LogLevel>("info");
  const [scope, setScope] = useState("");
  const [text, setText] = useState("");
  const [follow, setFollow] = useState(true);
  const [folder, setFolder] = useState<{ opened: boolean; path: string } | null>(null);
  const view = useRef<HTMLDivElement>(null);
  const visible = useMemo(() => filterLogs(logs, { minLevel, scope, text }), [logs, minLevel, scope, text]);
  const scopes = useMemo(() => logScopes(logs), [logs]);

  // Follow the tail like `tail -f`, unless the person scrolled up to read.
  useEffect(() => {
    if (follow && view.current) view.current.scrollTop = view.current.scrollHeight;
  }, [visible, follow]);

  const open = useAction(async () => setFolder(await api.invoke("app.openFolder", { folder: "logs" })));
  const exportBundle = useAction(async () => {
    const bundle = await api.invoke("app.diagnostics", {});
    const url = URL.createObjectURL(new Blob([bundle.content], { type: "application/json" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = bundle.fileName;
    link.click();
    // Revoked on the next tick: the click has handed the blob to the download by then.
    setTimeout(() => URL.revokeObjectURL(url), 0);
    return bundle;
  });

  return (
    <section aria-labelledby="page-title">
      <PageHeader
        title="Logs"
        description="What the engine is doing, live. Secrets never appear here: the engine redacts them before writing."
        actions={
          <>
            <Button variant="secondary" busy={open.busy} onClick={() => void open.run()}>
              Open log folder
            </Button>
            <Button busy={exportBundle.busy} busyLabel="Collecting…" onClick={() => void exportBundle.run()}>
              Export diagnostics
            </Button>
          </>
        }
      />
      {folder && !folder.opened && (
        <Message tone="info" next={<CopyButton text={folder.path} label="Copy path" />}>
          This dashboard runs in a browser, which cannot open folders on the engine's computer. The logs are in <code>{folder.path}</code>.
        </Message>
      )}
      {open.error != null && <ErrorMessage error={open.error} />}
      {exportBundle.error != null && <ErrorMessage error={exportBundle.error} title="The diagnostics bundle was not exported." />}
      <div className="row">
        <Field label="Level">
          {(control) => (
            <select {...control} value={minLevel} onChange={(e) => setMinLevel(e.target.value as LogLevel)}>
              {LOG_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {l} and above
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Part of the engine">
          {(control) => (
            <select {...control} value={scope} onChange={(e) => setScope(e.target.value)}>
              <option value="">all</option>
              {scopes.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field className="grow" label="Filter">
          {(control) => <input {...control} type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="text in the message or its fields" />}
        </Field>
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          <span>Follow new lines</span>
        </label>
      </div>
      <div
        ref={view}
        className="card log-view"
        role="log"
        aria-live="off"
        aria-label="Engine log"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
          if (atBottom !== follow) setFollow(atBottom);
        }}
      >
        {visible.length === 0 ? (
          <p className="muted">{logs.length === 0 ? "No log lines yet; they appear here as the engine works." : "No log lines match. Lower the level, pick all parts, or clear the filter."}</p>
        ) : (
          visible.map((e, i) => (
            <div key={`${e.time}-${i}`} className={`log-line log-${e.level}`}>
              <time dateTime={new Date(e.time).toISOString()}>{new Date(e.time).toLocaleTimeString()}</time> <span className="log-level">{e.level}</span>{" "}
              <span className="log-scope">[{e.scope}]</span> {e.message}
              {e.fields ? <span className="muted"> {JSON.stringify(e.fields)}</span> : null}
            </div>
          ))
        )}
      </div>
      <p className="muted small">
        Showing {visible.length} of {logs.length} recent lines. The full history is in the log folder.
      </p>
    </section>
  );
}
