import { useEffect, useState, type FormEvent } from "react";
import type { NetworkName } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Badge } from "../../kit/Badge.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";
import { refreshChain, useChain } from "../../stores/chain-store.js";

const CHOICES: Array<{ value: NetworkName; title: string; body: string; badge?: string }> = [
  { value: "localnet", title: "Local test network", body: "Runs inside PocketForge: no real tokens, no internet, sessions of seconds. Try the whole cycle here first.", badge: "recommended to start" },
  { value: "beta", title: "Beta testnet", body: "The public test network: real gateways and real traffic, test tokens from the community faucet." },
  { value: "mainnet", title: "Mainnet", body: "The real POKT Network: real POKT at stake, real earnings." },
  { value: "custom", title: "Custom node", body: "Your own node's CometBFT RPC (for example a full node on your LAN)." },
];

/** Which network the engine talks to; shows the chain id and height once the node answers. */
export function NetworkPicker() {
  const api = useApi();
  const status = useChain((s) => s.status);
  const loadError = useChain((s) => s.error);
  const [choice, setChoice] = useState<NetworkName>(status?.network ?? "localnet");
  const [rpcUrl, setRpcUrl] = useState("");
  const [chainId, setChainId] = useState("");
  useEffect(() => {
    if (status) setChoice((c) => (c === "localnet" && status.network !== "localnet" ? status.network : c));
  }, [status?.network]);
  const connect = useAction(async () => {
    const next = await api.invoke("chain.setNetwork", {
      network: choice,
      ...(choice === "custom" ? { rpcUrl: rpcUrl.trim(), ...(chainId.trim() ? { chainId: chainId.trim() } : {}) } : {}),
    });
    useChain.setState({ status: next, error: null });
    await refreshChain(api);
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    void connect.run();
  }
  const connected = status?.network === choice && status.reachable;

  return (
    <form className="stack" onSubmit={submit} data-testid="network-picker">
      <fieldset className="choice-list">
        <legend className="visually-hidden">Network</legend>
        {CHOICES.map((c) => (
          <label key={c.value} className="choice">
            <input type="radio" name="network" value={c.value} checked={choice === c.value} onChange={() => setChoice(c.value)} />
            <span>
              <span className="choice-title">
                {c.title} {c.badge && <Badge tone="accent">{c.badge}</Badge>}
                {status?.network === c.value && <Badge tone={status.reachable ? "ok" : "error"}>{status.reachable ? "connected" : "unreachable"}</Badge>}
              </span>
              <span className="choice-body">{c.body}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {choice === "custom" && (
        <div className="grid">
          <Field label="RPC URL" hint="The node's CometBFT RPC, e.g. http://192.168.1.20:26657">
            {(control) => <input {...control} spellCheck={false} value={rpcUrl} onChange={(e) => setRpcUrl(e.target.value)} placeholder="http://…:26657" />}
          </Field>
          <Field label="Chain id (optional)" hint="When given, a node reporting another chain is refused.">
            {(control) => <input {...control} spellCheck={false} value={chainId} onChange={(e) => setChainId(e.target.value)} />}
          </Field>
        </div>
      )}
      {choice === "mainnet" && <Message tone="warn" title="Real money.">Staking on mainnet locks real POKT, and missed proofs cost part of it.</Message>}
      {loadError && <ErrorMessage error={loadError} title="Could not read the network status." />}
      {connect.error != null && <ErrorMessage error={connect.error} title="Could not switch network." />}
      {status && status.network === choice && (
        status.reachable ? (
          <Message tone="ok" title={`Connected to ${status.chainId ?? "the node"}.`} testId="network-status">
            Height <strong data-testid="network-height">{status.height?.toLocaleString("en-US") ?? "—"}</strong> · chain id <code>{status.chainId}</code>
            {status.rpcUrl ? <> · <code>{status.rpcUrl}</code></> : null}
          </Message>
        ) : (
          <Message tone="error" title="The node does not answer." next="Check the URL and your internet connection; the engine keeps retrying." testId="network-status">
            {status.error}
          </Message>
        )
      )}
      <div className="row">
        <Button type="submit" busy={connect.busy} busyLabel="Connecting…" disabled={connected || (choice === "custom" && !rpcUrl.trim())}>
          {connected ? "Connected" : `Use ${CHOICES.find((c) => c.value === choice)!.title.toLowerCase()}`}
        </Button>
      </div>
    </form>
  );
}
