import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { connectApi } from "./api/api.js";
import { ApiContext } from "./api/api-context.js";
import { App } from "./App.js";
import { bindEngine, refreshSnapshots, useEngine } from "./stores/engine-store.js";
import "./styles.css";

const { api, websocket } = connectApi();
bindEngine(api);
if (websocket) {
  websocket.onConnectionState((connection) => {
    useEngine.setState({ connection });
    // After a reconnect the engine may have moved on: take fresh snapshots.
    if (connection === "open") void refreshSnapshots(api);
  });
} else {
  useEngine.setState({ connection: "open" });
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApiContext.Provider value={api}>
      <App />
    </ApiContext.Provider>
  </StrictMode>,
);
