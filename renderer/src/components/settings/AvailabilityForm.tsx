import { useState, type FormEvent } from "react";
import type { AvailabilitySettings } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Field } from "../../kit/Field.js";
import { Segmented } from "../../kit/Segmented.js";
import { useAction } from "../../hooks/useAction.js";
import { useSettings } from "../../stores/settings-store.js";
import { SaveRow } from "./SaveRow.js";
import { useSectionDraft } from "./useSectionDraft.js";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function toggle(list: number[], value: number): number[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value].sort((a, b) => a - b);
}

/** When this machine serves: always, only while nobody uses it (idle-only mode), or on a schedule. */
export function AvailabilityForm() {
  const api = useApi();
  const saved = useSettings((s) => s.settings?.availability);
  const { draft, setDraft, dirty, reset } = useSectionDraft<AvailabilitySettings>(saved);
  const [done, setDone] = useState(false);
  const save = useAction(async (availability: AvailabilitySettings) => {
    const settings = await api.invoke("settings.update", { availability });
    useSettings.setState({ settings });
    reset();
    setDone(true);
  });
  if (!draft) return <p className="muted">Reading settings…</p>;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (draft) void save.run(draft);
  }
  const set = (patch: Partial<AvailabilitySettings>) => {
    setDone(false);
    setDraft({ ...draft!, ...patch });
  };

  return (
    <form className="stack" onSubmit={submit} data-testid="availability-form">
      <Segmented
        label="When to serve"
        value={draft.mode}
        onChange={(mode) => set({ mode })}
        options={[
          { value: "always", label: "Always" },
          { value: "idle", label: "Only while I'm away (idle-only)" },
          { value: "schedule", label: "On a schedule" },
        ]}
      />
      {draft.mode === "idle" && (
        <div className="grid">
          <Field label="Away after" hint="Minutes without keyboard or mouse input (desktop app only).">
            {(control) => (
              <input {...control} type="number" min={1} max={1440} value={Math.round(draft.idleAfterSeconds / 60)} onChange={(e) => set({ idleAfterSeconds: Math.max(30, Number(e.target.value) * 60) })} />
            )}
          </Field>
          <Field label="GPU counts as in use above" hint="Percent of GPU use by other programs (a game, a render) that pauses serving.">
            {(control) => <input {...control} type="number" min={5} max={100} value={draft.foreignGpuBusyPercent} onChange={(e) => set({ foreignGpuBusyPercent: Number(e.target.value) })} />}
          </Field>
        </div>
      )}
      {draft.mode === "schedule" && (
        <>
          <fieldset className="row">
            <legend className="field-label">Days</legend>
            {DAYS.map((day, i) => (
              <label key={day} className="check">
                <input type="checkbox" checked={draft.schedule.days.includes(i)} onChange={() => set({ schedule: { ...draft.schedule, days: toggle(draft.schedule.days, i) } })} />
                <span>{day}</span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend className="field-label">Hours (local time)</legend>
            <div className="hour-grid">
              {Array.from({ length: 24 }, (_, h) => (
                <label key={h} className="check">
                  <input type="checkbox" checked={draft.schedule.hours.includes(h)} onChange={() => set({ schedule: { ...draft.schedule, hours: toggle(draft.schedule.hours, h) } })} />
                  <span>{String(h).padStart(2, "0")}:00</span>
                </label>
              ))}
            </div>
          </fieldset>
        </>
      )}
      {draft.mode !== "always" && (
        <Field label="Finish the current session for up to" hint="Seconds to keep serving before pausing, so the session's relays still earn.">
          {(control) => <input {...control} type="number" min={0} max={3600} value={draft.maxWaitForSessionEndSeconds} onChange={(e) => set({ maxWaitForSessionEndSeconds: Number(e.target.value) })} />}
        </Field>
      )}
      <SaveRow dirty={dirty} busy={save.busy} error={save.error} onDiscard={reset} saved={done} />
    </form>
  );
}
