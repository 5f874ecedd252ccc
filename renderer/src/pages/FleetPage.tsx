import { useEffect, useState } from "react";
import type { FleetNodeView, FleetStatus } from "../../../shared/api/index.js";
import { useApi } from "../api/api-context.js";
import { useAction } from "../hooks/useAction.js";
import { Badge } from "../kit/Badge.js";
import { Button } from "../kit/Button.js";
import { Card } from "../kit/Card.js";
import { Field } from "../kit/Field.js";
import { ErrorMessage, Message } from "../kit/Message.js";
import { errorCode } from "../view-models/errors.js";
import { PageHeader } from "../kit/PageHeader.js";
import { PassphraseConfirm } from "../kit/PassphraseConfirm.js";
import { DiscoveredFronts, DiscoveredNodes } from "../components/fleet/DiscoveredMachines.js";

/**
 * The fleet: on a front node, every node with its models, GPUs, load, tokens/s, requests, errors and relay share (its
 * share of the earnings); pairing and adding OpenAI-compatible servers. On an inference node, the front node it serves.
 */
export function FleetPage() {
  const api = useApi();
  const [status, setStatus] = useState<FleetStatus | null>(null);
  useEffect(() => {
    void api.invoke("fleet.status", {}).then(setStatus, () => {});
    return api.on("fleet.status", setStatus);
  }, [api]);
  const configure = useAction(async (role: FleetStatus["role"]) => setStatus(await api.invoke("fleet.configure", { role })));
  const pair = useAction(() => api.invoke("fleet.createPairing", {}));
  // The machine found on the LAN the open pairing is for, so the card can name it.
  const [pairingFor, setPairingFor] = useState<string | null>(null);
  const [frontUrl, setFrontUrl] = useState("");
  const [code, setCode] = useState("");
  const join = useAction(async () => setStatus(await api.invoke("fleet.join", { frontUrl, code })));
  const leave = useAction(async () => setStatus(await api.invoke("fleet.leave", {})));
  const [serverUrl, setServerUrl] = useState("");
  const [serverKey, setServerKey] = useState("");
  const addServer = useAction(async () => setStatus(await api.invoke("fleet.addServer", { url: serverUrl, ...(serverKey ? { apiKey: serverKey } : {}) })));
  const remove = useAction(async (id: string) => setStatus(await api.invoke("fleet.removeNode", { id })));
  const [listenHost, setListenHost] = useState<string | null>(null);
  const [listenPort, setListenPort] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState("");
  const host = listenHost ?? status?.listen.host ?? "";
  const port = listenPort ?? String(status?.listen.port ?? "");
  const listen = useAction(async () => {
    setStatus(await api.invoke("fleet.configure", { listen: { host, port: Number(port) }, ...(passphrase ? { passphrase } : {}) }));
    setPassphrase("");
  });
  const loopback = /^(127\.|localhost$|::1$|\[::1\]$)/.test(host);

  return (
    <div className="page" data-testid="fleet-page">
      <PageHeader
        title="Fleet"
        description="One stake, many machines: the front node holds the operator key and runs the relay miner; inference nodes and OpenAI-compatible servers answer its requests and hold no key."
      />
      <Card title="This machine's role">
        <div className="row">
          {(["off", "front", "node"] as const).map((role) => (
            <Button key={role} variant={status?.role === role ? "primary" : "secondary"} busy={configure.busy} onClick={() => void configure.run(role)}>
              {role === "off" ? "On its own" : role === "front" ? "Front node" : "Inference node"}
            </Button>
          ))}
        </div>
        {status?.listenUrl && (
          <p>
            Fleet listener: <code>{status.listenUrl}</code> · certificate <code>{status.fingerprint}</code>
          </p>
        )}
        {status && status.role !== "off" && (
          <div data-testid="fleet-listen">
            <p>
              The other machines reach this one at the fleet listener's address: on loopback only this machine can; give it
              this machine's LAN address (e.g. 192.168.1.10) so they can.
            </p>
            <div className="row">
              <Field label="Listen on address">
                {(control) => <input {...control} value={host} onChange={(e) => setListenHost(e.target.value)} />}
              </Field>
              <Field label="Port">
                {(control) => <input {...control} inputMode="numeric" value={port} onChange={(e) => setListenPort(e.target.value)} />}
              </Field>
            </div>
            {!loopback && <PassphraseConfirm value={passphrase} onChange={setPassphrase} label="Wallet passphrase (when this machine has a wallet)" />}
            <Button variant="secondary" busy={listen.busy} disabled={!host || !/^\d+$/.test(port)} onClick={() => void listen.run()}>
              Listen here
            </Button>
            {listen.error ? <ErrorMessage error={listen.error} /> : null}
          </div>
        )}
        {status?.problem && <Message tone="error">{status.problem}</Message>}
        {configure.error ? <ErrorMessage error={configure.error} /> : null}
      </Card>

      {status?.role === "front" && (
        <>
          <Card title="Nodes" testId="fleet-nodes">
            {status.nodes.length === 0 ? (
              <p>No node yet: pair a PocketForge or add a server below.</p>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th>Node</th>
                    <th>State</th>
                    <th>Models</th>
                    <th>GPUs</th>
                    <th>Load</th>
                    <th>Tokens/s</th>
                    <th>Requests</th>
                    <th>Errors</th>
                    <th>Earnings share</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {status.nodes.map((node) => (
                    <NodeRow key={node.id} node={node} onRemove={node.kind === "local" ? undefined : () => void remove.run(node.id)} />
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card title="Pair a PocketForge">
            <DiscoveredNodes
              machines={status.discovered}
              busy={pair.busy}
              onPair={(machine) => {
                setPairingFor(machine.name);
                void pair.run();
              }}
            />
            <p>
              On {pairingFor ? <strong>{pairingFor}</strong> : "the other machine"}, open Fleet, choose “Inference node”, pick this front node
              (listed there when both machines are on the LAN) or enter this address, and type the code.
            </p>
            <Button
              busy={pair.busy}
              onClick={() => {
                setPairingFor(null);
                void pair.run();
              }}
            >
              Show a pairing code
            </Button>
            {(pair.data ?? status.pairing) && (
              <p data-testid="fleet-pairing">
                Address <code>{(pair.data ?? status.pairing)!.frontUrl}</code> · code <strong>{(pair.data ?? status.pairing)!.code}</strong> · valid until{" "}
                {new Date((pair.data ?? status.pairing)!.expiresAt).toLocaleTimeString()}
              </p>
            )}
            {pair.error ? <ErrorMessage error={pair.error} /> : null}
          </Card>
          <Card title="Add an OpenAI-compatible server (vLLM, llama-server, Ollama, LM Studio)">
            <Field label="Base URL" hint="e.g. http://10.0.0.7:8000/v1">
              {(control) => <input {...control} value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} />}
            </Field>
            <Field label="API key (optional)">
              {(control) => <input {...control} type="password" value={serverKey} onChange={(e) => setServerKey(e.target.value)} />}
            </Field>
            <Button busy={addServer.busy} disabled={!serverUrl} onClick={() => void addServer.run()}>
              Add server
            </Button>
            {addServer.error ? <ErrorMessage error={addServer.error} /> : null}
          </Card>
        </>
      )}

      {status?.role === "node" && (
        <Card title="Front node" testId="fleet-front">
          {status.front ? (
            <>
              <p>
                Serving <strong>{status.front.name}</strong> at <code>{status.front.url}</code> (certificate <code>{status.front.fingerprint}</code>), paired{" "}
                {new Date(status.front.pairedAt).toLocaleString()}.
              </p>
              <p>
                Requests served since start: {status.front.requestsServed}
                {status.front.lastRequestAt ? `, last at ${new Date(status.front.lastRequestAt).toLocaleTimeString()}` : ""}.
              </p>
              <Button variant="secondary" busy={leave.busy} onClick={() => void leave.run()}>
                Leave the fleet
              </Button>
            </>
          ) : (
            <>
              <DiscoveredFronts machines={status.discovered} chosen={frontUrl} onUse={(machine) => setFrontUrl(machine.url)} />
              <Field label="Front node address" hint="as the front node's Fleet page shows it, https://…">
                {(control) => <input {...control} value={frontUrl} onChange={(e) => setFrontUrl(e.target.value)} />}
              </Field>
              <Field label="Pairing code">
                {(control) => <input {...control} value={code} onChange={(e) => setCode(e.target.value)} placeholder="XXXX-XXXX-XXXX" />}
              </Field>
              <Button busy={join.busy} disabled={!frontUrl || !code} onClick={() => void join.run()}>
                Join
              </Button>
              {join.error ? (
                <ErrorMessage
                  error={join.error}
                  // A refused code is the pairing's "unauthorized", not this dashboard's access token.
                  next={errorCode(join.error) === "unauthorized" ? "Check the code on the front node's Fleet page, or show a new one there." : undefined}
                  testId="fleet-join-error"
                />
              ) : null}
            </>
          )}
        </Card>
      )}
    </div>
  );
}

function NodeRow({ node, onRemove }: { node: FleetNodeView; onRemove?: () => void }) {
  return (
    <tr>
      <td>
        {node.name}
        <br />
        <small>{node.kind === "local" ? "this machine" : node.kind === "openai" ? node.url : "PocketForge"}</small>
      </td>
      <td>
        <Badge tone={node.state === "healthy" ? "ok" : "error"} title={node.lastError ?? undefined}>
          {node.state === "healthy" ? (node.engine ?? "healthy") : "down"}
        </Badge>
      </td>
      <td>{node.models.join(", ") || "—"}</td>
      {/* An OpenAI-compatible server does not say what it runs on. */}
      <td>{node.gpus.join(", ") || (node.kind === "openai" ? "not reported" : "CPU")}</td>
      <td>
        {node.active}/{node.capacity}
      </td>
      <td>{node.tokensPerSecond.toFixed(1)}</td>
      <td>
        {node.requests} ({node.relays} relays)
      </td>
      <td>{node.errors}</td>
      <td>{(node.relayShare * 100).toFixed(0)}%</td>
      <td>{onRemove && <Button variant="secondary" size="small" onClick={onRemove}>Remove</Button>}</td>
    </tr>
  );
}
