import { useState, type FormEvent } from "react";
import type { DesktopPreferences, UpdateSettings } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Segmented } from "../../kit/Segmented.js";
import { useAction } from "../../hooks/useAction.js";
import { useEngine } from "../../stores/engine-store.js";
import { useSettings } from "../../stores/settings-store.js";
import { SaveRow } from "./SaveRow.js";
import { useSectionDraft } from "./useSectionDraft.js";

interface Draft {
  desktop: DesktopPreferences;
  updates: UpdateSettings;
}

/** Auto-start, tray and notifications, and the update channel: the desktop app's behaviour. */
export function DesktopForm() {
  const api = useApi();
  const settings = useSettings((s) => s.settings);
  const headless = useEngine((s) => s.info?.transport === "websocket");
  const { draft, setDraft, dirty, reset } = useSectionDraft<Draft>(settings ? { desktop: settings.desktop, updates: settings.updates } : null);
  const [done, setDone] = useState(false);
  const save = useAction(async (value: Draft) => {
    useSettings.setState({ settings: await api.invoke("settings.update", value) });
    reset();
    setDone(true);
  });
  if (!draft) return <p className="muted">Reading settings…</p>;

  const setDesktop = (patch: Partial<DesktopPreferences>) => {
    setDone(false);
    setDraft({ ...draft, desktop: { ...draft.desktop, ...patch } });
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    if (draft) void save.run(draft);
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="desktop-form">
      {headless && <p className="muted small">These apply to the desktop app; this engine runs headless, where they have no effect.</p>}
      <label className="check">
        <input type="checkbox" checked={draft.desktop.startOnLogin} onChange={(e) => setDesktop({ startOnLogin: e.target.checked })} />
        <span>Start PocketForge when I log in (auto-start, hidden in the tray)</span>
      </label>
      <label className="check">
        <input type="checkbox" checked={draft.desktop.closeToTray} onChange={(e) => setDesktop({ closeToTray: e.target.checked })} />
        <span>Keep serving from the tray when the window is closed</span>
      </label>
      <label className="check">
        <input type="checkbox" checked={draft.desktop.notifications} onChange={(e) => setDesktop({ notifications: e.target.checked })} />
        <span>Notify me about failed proofs, low balance and hot GPUs</span>
      </label>
      <div>
        <div className="field-label">Updates</div>
        <Segmented
          label="Update channel"
          value={draft.updates.channel}
          onChange={(channel) => setDraft({ ...draft, updates: { ...draft.updates, channel } })}
          options={[
            { value: "stable", label: "Stable" },
            { value: "beta", label: "Beta" },
          ]}
        />
      </div>
      <label className="check">
        <input type="checkbox" checked={draft.updates.automatic} onChange={(e) => setDraft({ ...draft, updates: { ...draft.updates, automatic: e.target.checked } })} />
        <span>Download updates in the background and install them between sessions</span>
      </label>
      <SaveRow dirty={dirty} busy={save.busy} error={save.error} onDiscard={reset} saved={done} />
    </form>
  );
}
