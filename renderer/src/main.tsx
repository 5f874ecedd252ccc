import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "uplot/dist/uPlot.min.css";
import { connectApi } from "./api/api.js";
import { ApiContext } from "./api/api-context.js";
import { App } from "./App.js";
import { bindStores, refreshAll } from "./stores/bind.js";
import { useEngine } from "./stores/engine-store.js";
import { followSystemTheme } from "./stores/theme-store.js";
import "./styles.css";

followSystemTheme();
const { api, websocket } = connectApi();
bindStores(api);
if (websocket) {
  websocket.onConnectionState((connection) => {
    useEngine.setState({ connection });
    // On the first connection, and after a reconnect when events may have been missed: take fresh snapshots.
    if (connection === "open") void refreshAll(api);
  });
} else {
  useEngine.setState({ connection: "open" });
  void refreshAll(api);
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApiContext.Provider value={api}>
      <App />
    </ApiContext.Provider>
  </StrictMode>,
);
