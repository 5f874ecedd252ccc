import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "uplot/dist/uPlot.min.css";
import { connectApi } from "./api/api.js";
import { ApiContext } from "./api/api-context.js";
import { App } from "./App.js";
import { bindStores, refreshAll } from "./stores/bind.js";
import { followStartup, useEngine } from "./stores/engine-store.js";
import { followSystemTheme } from "./stores/theme-store.js";
import "./styles.css";

followSystemTheme();
const { api, websocket } = connectApi();
bindStores(api);
// Snapshots are taken once the engine is ready (a desktop window opens while it still starts), and again after a
// reconnect, when events may have been missed.
let stopFollowing = () => {};
const follow = () => {
  stopFollowing();
  stopFollowing = followStartup(api, () => void refreshAll(api));
};
if (websocket) {
  websocket.onConnectionState((connection) => {
    useEngine.setState({ connection });
    if (connection === "open") follow();
  });
} else {
  useEngine.setState({ connection: "open" });
  follow();
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApiContext.Provider value={api}>
      <App />
    </ApiContext.Provider>
  </StrictMode>,
);
