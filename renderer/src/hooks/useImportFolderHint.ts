import { useEngine } from "../stores/engine-store.js";

/** In a browser the engine reads model files only inside its data folder's import folder: say where that is. */
export function useImportFolderHint(): string | null {
  const info = useEngine((s) => s.info);
  if (!info || info.transport !== "websocket") return null;
  const separator = info.dataDir.includes("\\") ? "\\" : "/";
  return `From a browser the engine reads files only inside ${info.dataDir}${separator}import: copy the .gguf there first.`;
}
