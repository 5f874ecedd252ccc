import { create } from "zustand";
import type { PocketForgeApi, UpdateStatus } from "../../../shared/api/index.js";

/** Mirror of the desktop app's updater (or of "this engine does not update itself"). */
export interface UpdatesStoreState {
  status: UpdateStatus | null;
  error: string | null;
}

export const useUpdates = create<UpdatesStoreState>(() => ({ status: null, error: null }));

export function bindUpdates(api: PocketForgeApi): () => void {
  return api.on("updates.status", (status) => useUpdates.setState({ status, error: null }));
}

export async function refreshUpdates(api: PocketForgeApi): Promise<void> {
  try {
    useUpdates.setState({ status: await api.invoke("updates.status", {}), error: null });
  } catch (error) {
    useUpdates.setState({ error: (error as Error).message });
  }
}
