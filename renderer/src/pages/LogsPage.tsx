import { useMemo, useState } from "react";
import type { LogLevel } from "../../../shared/api/index.js";
import { useEngine } from "../stores/engine-store.js";

const LEVELS: LogLevel[] = ["debug", "info", "warn", "error"];

export function LogsPage() {
  const logs = useEngine((s) => s.logs);
  const [minLevel, setMinLevel] = useState<LogLevel>("info");
  const [filter, setFilter] = useState("");
  const visible = useMemo(() => {
    const rank = LEVELS.indexOf(minLevel);
    const needle = filter.toLowerCase();
    return logs
      .filter((e) => LEVELS.indexOf(e.level) >= rank)
      .filter((e) => !needle || `${e.scope} ${e.message}`.toLowerCase().includes(needle))
      .slice(-500);
  }, [logs, minLevel, filter]);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Logs</h1>
      <div className="row">
        <label>
          <span className="label">Level</span>
          <select value={minLevel} onChange={(e) => setMinLevel(e.target.value as LogLevel)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l} and above
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          <span className="label">Filter</span>
          <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="text or scope" />
        </label>
      </div>
      <div className="card log-view" role="log" aria-live="polite">
        {visible.length === 0 ? (
          <p className="muted">No log lines match. Lower the level or clear the filter.</p>
        ) : (
          visible.map((e, i) => (
            <div key={`${e.time}-${i}`} className={`log-line log-${e.level}`}>
              <time>{new Date(e.time).toLocaleTimeString()}</time> <span className="log-level">{e.level}</span>{" "}
              <span className="log-scope">[{e.scope}]</span> {e.message}
              {e.fields ? <span className="muted"> {JSON.stringify(e.fields)}</span> : null}
            </div>
          ))
        )}
      </div>
    </section>
  );
}
