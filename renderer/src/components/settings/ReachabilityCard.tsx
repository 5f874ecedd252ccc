import { Fragment, useEffect, useState, type FormEvent } from "react";
import type { ReachMethod, ReachStatus } from "../../../../shared/api/reach.js";
import { useApi } from "../../api/api-context.js";
import { useAction } from "../../hooks/useAction.js";
import { useNow } from "../../hooks/useNow.js";
import { Badge } from "../../kit/Badge.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { PassphraseConfirm } from "../../kit/PassphraseConfirm.js";
import { Segmented } from "../../kit/Segmented.js";
import { refreshReach, useReach } from "../../stores/reach-store.js";
import { refreshStaking, useStaking } from "../../stores/staking-store.js";
import { useWallet } from "../../stores/wallet-store.js";
import { OUTCOME_LABELS, outcomeTone, reachFacts } from "../../view-models/reach.js";

/**
 * How gateways reach the relay miner: port mapping on the router (opted into, with the passphrase: it opens a port
 * to this computer) or a tunnel's URL; the router's external address, the mapped port and its lease; NAT advice; the
 * endpoint to stake with; and a check that says what it proved. Settings and the wizard's endpoint step show it.
 */
export function ReachabilityCard({ status: given }: { status?: ReachStatus | null }) {
  const api = useApi();
  const stored = useReach((s) => s.status);
  const status = given ?? stored;
  const endpoint = useStaking((s) => s.endpoint);
  const hasWallet = useWallet((s) => (s.snapshot?.state ?? "absent") !== "absent");
  const now = useNow(30_000);
  const [choice, setChoice] = useState<ReachMethod | null>(null);
  const [tunnelUrl, setTunnelUrl] = useState("");
  const [passphrase, setPassphrase] = useState("");
  useEffect(() => {
    if (!given && !stored) void refreshReach(api);
  }, []);
  useEffect(() => {
    if (status?.tunnelUrl && !tunnelUrl) setTunnelUrl(status.tunnelUrl);
  }, [status?.tunnelUrl]);
  const configure = useAction(async (method: ReachMethod) => {
    const next = await api.invoke("reach.configure", {
      method,
      ...(method === "tunnel" ? { tunnelUrl: tunnelUrl.trim() } : {}),
      ...(method === "port_mapping" && passphrase ? { passphrase } : {}),
    });
    setPassphrase("");
    setChoice(null);
    useReach.setState({ status: next });
    await refreshStaking(api);
    return next;
  });
  const check = useAction(async () => {
    const result = await api.invoke("reach.check", {});
    await refreshReach(api);
    return result;
  });
  const useEndpoint = useAction(async (url: string) => {
    useStaking.setState({ endpoint: await api.invoke("staking.setEndpoint", { publicUrl: url }) });
    await refreshReach(api);
  });

  if (!status) return <p className="muted">Reading how gateways reach this machine…</p>;
  if (!status.applicable) {
    return (
      <p className="muted" data-testid="reach-card">
        On the local test network the gateways run inside this engine: nothing to open or map.
      </p>
    );
  }
  const method = choice ?? status.method;
  const pending = method !== status.method || (method === "tunnel" && tunnelUrl.trim() !== (status.tunnelUrl ?? ""));
  const port = status.relayListen.port;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (method === "port_mapping" && hasWallet && !passphrase) return;
    if (method === "tunnel" && !/^https?:\/\/\S+/.test(tunnelUrl.trim())) return;
    void configure.run(method);
  }

  const lastCheck = status.lastCheck;
  return (
    <div className="stack" data-testid="reach-card">
      <form className="stack" onSubmit={submit}>
        <Segmented
          label="How gateways reach this machine"
          value={method}
          onChange={(value) => {
            setChoice(value);
            configure.clearError();
          }}
          options={[
            { value: "off", label: "Off" },
            { value: "port_mapping", label: "Port mapping" },
            { value: "tunnel", label: "Tunnel" },
          ]}
        />
        {method === "off" && <p className="small muted">Forward TCP port {port} yourself in the router, or choose one of the other ways.</p>}
        {method === "port_mapping" && status.method !== "port_mapping" && (
          <Message tone="warn" title={`This opens TCP port ${port} on your router to this computer.`} testId="reach-mapping-warning">
            PocketForge asks your router (UPnP-IGD, PCP or NAT-PMP) to forward a port of its internet address to the relay miner, lets the relay miner
            listen on your network (0.0.0.0), renews the mapping while it runs and removes it when it stops. Anyone on the internet can then
            connect to that port; the relay miner answers only signed relays.
          </Message>
        )}
        {method === "port_mapping" && status.method !== "port_mapping" && hasWallet && <PassphraseConfirm value={passphrase} onChange={setPassphrase} />}
        {method === "tunnel" && (
          <Field
            label="The tunnel's public URL"
            hint={`Run a tunnel such as cloudflared (cloudflared tunnel --url http://127.0.0.1:${port}) or frp that forwards to http://127.0.0.1:${port}; a signed test relay checks it.`}
          >
            {(control) => <input {...control} spellCheck={false} value={tunnelUrl} onChange={(e) => setTunnelUrl(e.target.value)} placeholder="https://relay.example.org" />}
          </Field>
        )}
        {pending && (
          <div className="row">
            <Button type="submit" busy={configure.busy} busyLabel={method === "port_mapping" ? "Asking the router…" : method === "tunnel" ? "Sending a test relay…" : "Saving…"} disabled={(method === "port_mapping" && hasWallet && !passphrase) || (method === "tunnel" && !tunnelUrl.trim())}>
              {method === "port_mapping" ? "Open the port on my router" : method === "tunnel" ? "Check and use this tunnel" : "Turn off"}
            </Button>
          </div>
        )}
        {configure.error != null && <ErrorMessage error={configure.error} title="Not changed." />}
      </form>

      <dl className="facts" data-testid="reach-facts">
        {reachFacts(status, now).map((row) => (
          <Fragment key={row.label}>
            <dt>{row.label}</dt>
            <dd data-testid={row.testId}>{row.value}</dd>
          </Fragment>
        ))}
      </dl>
      {status.method === "port_mapping" && status.mapping?.problem && (
        <Message tone="error" title="No port mapping." testId="reach-problem">
          {status.mapping.problem}
        </Message>
      )}
      {status.nat && (
        <Message tone="warn" title={status.nat.title} next={status.nat.whatToDo} testId="reach-nat">
          {status.nat.meaning}
        </Message>
      )}
      {status.proposedUrl && (
        <div className="row">
          <span className="small">
            Endpoint to stake with: <code data-testid="reach-proposed">{status.proposedUrl}</code>
          </span>
          {endpoint?.publicUrl !== status.proposedUrl && (
            <Button variant="secondary" busy={useEndpoint.busy} onClick={() => void useEndpoint.run(status.proposedUrl!)}>
              Use as endpoint
            </Button>
          )}
        </div>
      )}
      {useEndpoint.error != null && <ErrorMessage error={useEndpoint.error} title="The endpoint was not changed." />}
      <div className="row">
        <Button variant="secondary" busy={check.busy} busyLabel="Checking…" onClick={() => void check.run()}>
          Check reachability
        </Button>
      </div>
      {check.error != null && <ErrorMessage error={check.error} title="The check could not run." />}
      {lastCheck && (
        <div className="stack" data-testid="reach-check">
          <p className="small">{lastCheck.summary}</p>
          <ul className="reach-steps">
            {lastCheck.steps.map((step) => (
              <li key={step.id} data-testid={`reach-step-${step.id}`}>
                <Badge tone={outcomeTone(step.outcome)}>{OUTCOME_LABELS[step.outcome]}</Badge> <strong>{step.title}.</strong> <span className="small">{step.detail}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
