import { useEffect, useRef, useState } from "react";
import { PAGES, navigate, routeFromHash, type Route } from "./navigation.js";
import { useEngine } from "./stores/engine-store.js";
import { useWallet } from "./stores/wallet-store.js";
import { DashboardPage } from "./pages/DashboardPage.js";
import { LogsPage } from "./pages/LogsPage.js";
import { ModelsPage } from "./pages/ModelsPage.js";
import { SetupPage } from "./pages/SetupPage.js";
import { WalletPage } from "./pages/WalletPage.js";
import { SettingsPage } from "./pages/SettingsPage.js";
import { StakingPage } from "./pages/StakingPage.js";
import { FleetPage } from "./pages/FleetPage.js";
import { StartupScreen } from "./components/startup/StartupScreen.js";

export function App() {
  const [route, setRoute] = useState<Route>(() => routeFromHash(window.location.hash));
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    const onHash = () => setRoute(routeFromHash(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  const startup = useEngine((s) => s.startup);
  useFirstRunRedirect();
  // Move focus to the new page's heading so keyboard and screen-reader users start reading at the top of it.
  useEffect(() => {
    main.current?.querySelector<HTMLElement>("#page-title")?.focus({ preventScroll: true });
  }, [route.page, route.sub]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          PocketForge
        </div>
        <ul>
          {PAGES.map((p) => (
            <li key={p.id}>
              <a href={`#/${p.id}`} aria-current={p.id === route.page ? "page" : undefined}>
                {p.label}
              </a>
            </li>
          ))}
        </ul>
        <EngineFooter />
      </nav>
      <main className="content" id="main" ref={main} tabIndex={-1}>
        <ConnectionBanner />
        {startup && startup.state !== "ready" ? <StartupScreen startup={startup} /> : <Page route={route} />}
      </main>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "setup":
      return <SetupPage step={route.sub} />;
    case "models":
      return <ModelsPage />;
    case "wallet":
      return <WalletPage />;
    case "staking":
      return <StakingPage />;
    case "fleet":
      return <FleetPage />;
    case "settings":
      return <SettingsPage />;
    case "logs":
      return <LogsPage />;
    default:
      return <DashboardPage />;
  }
}

/** A fresh install (no wallet yet) opened without a page in mind starts in the setup wizard. */
function useFirstRunRedirect(): void {
  const state = useWallet((s) => s.snapshot?.state);
  const decided = useRef(false);
  useEffect(() => {
    if (decided.current || !state) return;
    decided.current = true;
    const hash = window.location.hash.replace(/^#\/?/, "");
    if (state === "absent" && hash === "") navigate("setup");
  }, [state]);
}

function EngineFooter() {
  const info = useEngine((s) => s.info);
  return (
    <div className="sidebar-footer">
      {info ? (
        <>
          <div>
            v{info.version} · {info.network}
          </div>
          <div className="muted">{info.transport === "ipc" ? "desktop" : "headless"}</div>
        </>
      ) : (
        <div className="muted">connecting…</div>
      )}
    </div>
  );
}

function ConnectionBanner() {
  const connection = useEngine((s) => s.connection);
  if (connection === "open") return null;
  const text =
    connection === "unauthorized"
      ? "This dashboard needs the access token: open the URL the engine printed when it started (it ends in ?token=…)."
      : connection === "closed"
        ? "Lost the connection to the engine. Reconnecting… If this persists, check that `npm run headless` is still running."
        : "Connecting to the engine…";
  return (
    <div className={`banner ${connection === "unauthorized" ? "banner-error" : "banner-warn"}`} role="status">
      {text}
    </div>
  );
}
