import type { EndpointCheck } from "../../../../shared/api/staking.js";

/** The three ways to make the relay miner reachable from the internet, and which one fits the failure seen. */
export function EndpointHelp({ listenUrl, check }: { listenUrl: string; check: EndpointCheck | null }) {
  const port = (() => {
    try {
      return new URL(listenUrl).port || "8642";
    } catch {
      return "8642";
    }
  })();
  return (
    <div className="grid-3 endpoint-help" data-testid="endpoint-help">
      <div className="card">
        <h3>Port forwarding</h3>
        <p className="small">
          Port mapping (Reachability, in Settings and in the setup wizard) asks the router to do this for you (UPnP, PCP or NAT-PMP). By hand: in your router, forward TCP port <strong>{port}</strong> to this computer's LAN address, and let the relay miner
          listen on every interface (address <code>0.0.0.0</code> in <a href="#/settings">Settings → Ports and folders</a>).
          The URL is then <code>http://YOUR-PUBLIC-IP:{port}</code>.
        </p>
        {check?.reason === "connection" && <p className="small field-error">Connection refused or dropped: the forward or a firewall is the usual cause.</p>}
      </div>
      <div className="card">
        <h3>TLS with a reverse proxy</h3>
        <p className="small">
          Gateways prefer <code>https://</code>. A reverse proxy such as Caddy or nginx on a domain you own gets a
          certificate automatically and forwards to <code>{listenUrl}</code>.
        </p>
        {check?.reason === "tls" && <p className="small field-error">The TLS handshake failed: check the certificate matches the domain and has not expired.</p>}
      </div>
      <div className="card">
        <h3>A tunnel</h3>
        <p className="small">
          Behind CGNAT or without router access, a tunnel (cloudflared, frp, ngrok, Tailscale Funnel) gives a public
          https URL that points at <code>{listenUrl}</code>; no port to open. Give it under Reachability → Tunnel.
        </p>
        {(check?.reason === "dns" || check?.reason === "timeout") && <p className="small field-error">The name did not resolve or nothing answered in time: check the tunnel is running.</p>}
      </div>
    </div>
  );
}
