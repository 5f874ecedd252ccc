import { useEffect, useState, type FormEvent } from "react";
import type { EndpointCheck } from "../../../../shared/api/staking.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";
import { useChain } from "../../stores/chain-store.js";
import { useStaking } from "../../stores/staking-store.js";
import { endpointProblem } from "../../view-models/staking.js";
import { EndpointHelp } from "./EndpointHelp.js";

/** The public URL to stake with, checked by sending a signed test relay to it through that very address. */
export function EndpointForm({ serviceId, onChecked }: { serviceId: string | null; onChecked?: (check: EndpointCheck) => void }) {
  const api = useApi();
  const endpoint = useStaking((s) => s.endpoint);
  const network = useChain((s) => s.status?.network ?? "localnet");
  const [url, setUrl] = useState("");
  useEffect(() => {
    if (endpoint && !url) setUrl(endpoint.publicUrl ?? endpoint.suggestedUrl ?? "");
  }, [endpoint]);
  // An endpoint chosen elsewhere (reachability's "Use as endpoint", a changed public address) shows here.
  useEffect(() => {
    if (endpoint?.publicUrl) setUrl(endpoint.publicUrl);
  }, [endpoint?.publicUrl]);
  const check = useAction(async () => {
    if (!serviceId) throw new Error("Pick the model to serve first (Model step): the check runs the relay miner for its service.");
    const result = await api.invoke("staking.checkEndpoint", { url: url.trim(), serviceId });
    // Only an address that answered becomes the one to stake with.
    if (result.reachable && result.relayMinerAnswered) useStaking.setState({ endpoint: await api.invoke("staking.setEndpoint", { publicUrl: url.trim() }) });
    onChecked?.(result);
    return result;
  });
  const problem = url.trim() ? endpointProblem(url, network) : null;
  // On localnet there is nothing to decide: check the suggested address straight away.
  useEffect(() => {
    if (network === "localnet" && serviceId && endpoint?.suggestedUrl && url === endpoint.suggestedUrl && !check.data && !check.busy && check.error == null) void check.run();
  }, [network, endpoint?.suggestedUrl, url, serviceId]);
  const result = check.data && check.data.url === url.trim() ? check.data : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (url.trim() && !problem) void check.run();
  }

  if (!endpoint) return <p className="muted">Reading the relay miner's address…</p>;
  return (
    <form className="stack" onSubmit={submit} data-testid="endpoint-form">
      {network === "localnet" && (
        <Message tone="info" title="Automatic on the local test network.">
          Its gateways run inside this engine and reach the relay miner at <code>{endpoint.listenUrl}</code>; nothing to open.
        </Message>
      )}
      <div className="row">
        <Field className="grow" label="Public URL of your relay miner" error={problem} hint={`The relay miner listens at ${endpoint.listenUrl} on this machine.`}>
          {(control) => <input {...control} spellCheck={false} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://relay.example.org" />}
        </Field>
        <Button type="submit" busy={check.busy} busyLabel="Sending a test relay…" disabled={!url.trim() || !!problem}>
          Check reachability
        </Button>
      </div>
      {check.error != null && <ErrorMessage error={check.error} title="The check could not run." />}
      {result &&
        (result.reachable && result.relayMinerAnswered ? (
          <Message tone="ok" title="Reachable." testId="endpoint-check">
            Your relay miner answered a signed test relay sent to {result.url}
            {result.latencyMs != null ? ` in ${Math.round(result.latencyMs)} ms` : ""}.
          </Message>
        ) : (
          <Message tone="error" title="Not reachable from outside yet." next="One of the options below fixes it; check again afterwards." testId="endpoint-check">
            {result.problem}
          </Message>
        ))}
      {network !== "localnet" && <EndpointHelp listenUrl={endpoint.listenUrl} check={result} />}
    </form>
  );
}
