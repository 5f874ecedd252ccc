import { useState, type FormEvent } from "react";
import type { RigSettings } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Field } from "../../kit/Field.js";
import { useAction } from "../../hooks/useAction.js";
import { useSettings } from "../../stores/settings-store.js";
import { SaveRow } from "./SaveRow.js";
import { useSectionDraft } from "./useSectionDraft.js";

/** Per-GPU inference workers and their protection: temperature limits and the hang watchdog. */
export function RigForm() {
  const api = useApi();
  const saved = useSettings((s) => s.settings?.rig);
  const { draft, setDraft, dirty, reset } = useSectionDraft<RigSettings>(saved);
  const [done, setDone] = useState(false);
  const save = useAction(async (rig: RigSettings) => {
    useSettings.setState({ settings: await api.invoke("settings.update", { rig }) });
    reset();
    setDone(true);
  });
  if (!draft) return <p className="muted">Reading settings…</p>;
  const set = (patch: Partial<RigSettings>) => {
    setDone(false);
    setDraft({ ...draft, ...patch });
  };
  const tempProblem = draft.resumeGpuTemperatureC >= draft.maxGpuTemperatureC ? "Must be below the pause temperature, or a hot GPU would flap in and out." : null;
  function submit(event: FormEvent) {
    event.preventDefault();
    if (draft && !tempProblem) void save.run(draft);
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="rig-form">
      <div className="grid">
        <Field label="Inference workers" hint='One per GPU ("auto") suits rigs; a number pins that many.'>
          {(control) => (
            <select {...control} value={String(draft.workers)} onChange={(e) => set({ workers: e.target.value === "auto" ? "auto" : Number(e.target.value) })}>
              <option value="auto">auto: one per GPU</option>
              {Array.from({ length: 16 }, (_, i) => (
                <option key={i + 1} value={i + 1}>
                  {i + 1} worker{i ? "s" : ""}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Restart a hung worker after (s)" hint="No token for this long while requests wait.">
          {(control) => <input {...control} type="number" min={5} max={3600} value={draft.watchdogSeconds} onChange={(e) => set({ watchdogSeconds: Number(e.target.value) })} />}
        </Field>
        <Field label="Pause a GPU at (°C)">
          {(control) => <input {...control} type="number" min={50} max={110} value={draft.maxGpuTemperatureC} onChange={(e) => set({ maxGpuTemperatureC: Number(e.target.value) })} />}
        </Field>
        <Field label="Resume it below (°C)" error={tempProblem}>
          {(control) => <input {...control} type="number" min={30} max={105} value={draft.resumeGpuTemperatureC} onChange={(e) => set({ resumeGpuTemperatureC: Number(e.target.value) })} />}
        </Field>
      </div>
      <SaveRow dirty={dirty && !tempProblem} busy={save.busy} error={save.error} onDiscard={reset} saved={done} />
    </form>
  );
}
