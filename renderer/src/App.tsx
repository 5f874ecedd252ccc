import { useEffect, useState } from "react";
import { PAGES, pageFromHash, type PageId } from "./navigation.js";
import { useEngine } from "./stores/engine-store.js";
import { DashboardPage } from "./pages/DashboardPage.js";
import { LogsPage } from "./pages/LogsPage.js";
import { ComingSoonPage } from "./pages/ComingSoonPage.js";

const COMING_SOON: Partial<Record<PageId, string>> = {
  setup: "The setup wizard will walk you through hardware, wallet, network, model, benchmark, endpoint and stake.",
  models: "The model catalog with verified IPFS, Arweave and HTTPS downloads and fit badges for your GPUs.",
  wallet: "Create or import your supplier keys, see balances, send POKT and lock the wallet.",
  staking: "Stake as a supplier, manage services and endpoints, and watch the unbonding countdown.",
  settings: "Network, ports, data folder, electricity tariff, theme, idle-only mode and auto-start.",
};

export function App() {
  const [page, setPage] = useState<PageId>(() => pageFromHash(window.location.hash));
  useEffect(() => {
    const onHash = () => setPage(pageFromHash(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">◆</span> PocketForge
        </div>
        <ul>
          {PAGES.map((p) => (
            <li key={p.id}>
              <a href={`#/${p.id}`} aria-current={p.id === page ? "page" : undefined}>
                {p.label}
              </a>
            </li>
          ))}
        </ul>
        <EngineFooter />
      </nav>
      <main className="content">
        <ConnectionBanner />
        {page === "dashboard" ? (
          <DashboardPage />
        ) : page === "logs" ? (
          <LogsPage />
        ) : (
          <ComingSoonPage title={PAGES.find((p) => p.id === page)!.label} summary={COMING_SOON[page] ?? ""} />
        )}
      </main>
    </div>
  );
}

function EngineFooter() {
  const info = useEngine((s) => s.info);
  return (
    <div className="sidebar-footer">
      {info ? (
        <>
          <div>v{info.version} · {info.network}</div>
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
