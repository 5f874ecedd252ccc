import { createContext, useContext } from "react";
import type { PocketForgeApi } from "../../../shared/api/index.js";

export const ApiContext = createContext<PocketForgeApi | null>(null);

export function useApi(): PocketForgeApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi() outside <ApiContext.Provider>");
  return api;
}
