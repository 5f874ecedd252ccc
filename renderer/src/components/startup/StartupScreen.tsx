import type { EngineStartup } from "../../../../shared/api/index.js";
import { Message } from "../../kit/Message.js";
import { ProgressBar } from "../../kit/ProgressBar.js";

const MARK: Record<EngineStartup["steps"][number]["state"], string> = { pending: "○", running: "◔", done: "✓", failed: "✕" };
const SAID: Record<EngineStartup["steps"][number]["state"], string> = { pending: "waiting", running: "in progress", done: "done", failed: "failed" };

/** What the window shows while the engine starts: each step (GPU probe, workers, the last model) as it happens. */
export function StartupScreen({ startup }: { startup: EngineStartup }) {
  const done = startup.steps.filter((step) => step.state === "done" || step.state === "failed").length;
  const fraction = startup.steps.length ? done / startup.steps.length : null;
  return (
    <section className="startup stack" aria-labelledby="page-title" data-testid="startup-screen">
      <h1 id="page-title" tabIndex={-1}>
        Starting PocketForge
      </h1>
      {startup.state === "failed" ? (
        <Message tone="error" title="PocketForge could not start." next="Quit, fix what the message says, and start it again.">
          {startup.error}
        </Message>
      ) : (
        <ProgressBar label="Starting PocketForge" fraction={fraction} end={`${done} of ${startup.steps.length} steps`} />
      )}
      <ol className="startup-steps">
        {startup.steps.map((step) => (
          <li key={step.id} data-state={step.state} data-testid="startup-step">
            <span aria-hidden="true" className="startup-mark">
              {MARK[step.state]}
            </span>{" "}
            {step.label}
            {step.detail && <span className="muted"> · {step.detail}</span>}
            <span className="visually-hidden"> ({SAID[step.state]})</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
