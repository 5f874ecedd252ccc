import { useEffect, useState } from "react";

/**
 * A local draft of one settings section: edits stay local until Save, and a change saved elsewhere (another window,
 * the tray) replaces the draft only while the person has not started editing.
 */
export function useSectionDraft<T>(saved: T | null | undefined): { draft: T | null; setDraft: (next: T) => void; dirty: boolean; reset: () => void } {
  const [draft, setDraftState] = useState<T | null>(saved ?? null);
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    if (!dirty && saved) setDraftState(saved);
  }, [saved, dirty]);
  return {
    draft,
    dirty,
    setDraft: (next: T) => {
      setDraftState(next);
      setDirty(true);
    },
    reset: () => {
      setDirty(false);
      setDraftState(saved ?? null);
    },
  };
}
