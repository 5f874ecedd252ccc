import { formatUpokt } from "../../../../shared/format.js";
import { useApi } from "../../api/api-context.js";
import { useAction } from "../../hooks/useAction.js";
import { Button } from "../../kit/Button.js";
import { Card } from "../../kit/Card.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { hrefFor } from "../../navigation.js";
import { useChain } from "../../stores/chain-store.js";
import { useEngine } from "../../stores/engine-store.js";
import { useMiner } from "../../stores/miner-store.js";
import { useStaking } from "../../stores/staking-store.js";
import { useServingModel } from "./useServingModel.js";

/** The last step: a summary of the setup, and Start serving (on localnet also the traffic that plays the gateways). */
export function StartStep() {
  const api = useApi();
  const { model } = useServingModel();
  const supplier = useStaking((s) => s.supplier);
  const endpoint = useStaking((s) => s.endpoint);
  const chain = useChain((s) => s.status);
  const traffic = useChain((s) => s.traffic);
  const miner = useMiner((s) => s.status);
  const metrics = useMiner((s) => s.metrics);
  const localnet = chain?.network === "localnet";
  // On localnet, serving means the relay miner runs and the engine's own gateway sends it traffic.
  const running = miner?.state === "running" && (!localnet || traffic?.running === true);
  const start = useAction(async () => {
    if (useMiner.getState().status?.state !== "running") useMiner.setState({ status: await api.invoke("miner.start", {}) });
    // On the local test network nobody else sends relays: the engine's own application and gateway do.
    if (localnet) {
      const serviceId = supplier?.services[0]?.serviceId;
      // Its chat requests name the model this engine serves, as a gateway's client would.
      const modelName = useEngine.getState().inference?.model?.name;
      useChain.setState({ traffic: await api.invoke("localnet.traffic", { action: "start", ...(serviceId ? { serviceId } : {}), ...(modelName ? { model: modelName } : {}) }) });
    }
  });

  return (
    <div className="stack" data-testid="step-start">
      <Card title="Your supplier">
        <dl className="facts">
          <dt>Network</dt>
          <dd>
            {chain?.network ?? "—"} {chain?.chainId ? `(${chain.chainId})` : ""}
          </dd>
          <dt>Model</dt>
          <dd>{model?.name ?? "—"}</dd>
          <dt>Stake</dt>
          <dd>{supplier ? `${formatUpokt(supplier.stakeUpokt)} for ${supplier.services.map((s) => s.serviceId).join(", ")}` : "not staked"}</dd>
          <dt>Endpoint</dt>
          <dd>{endpoint?.publicUrl ? <code>{endpoint.publicUrl}</code> : "—"}</dd>
        </dl>
      </Card>
      {localnet && !running && (
        <p className="muted">
          On the local test network, PocketForge also plays the apps and gateways: once serving starts it sends your supplier real signed chat relays.
        </p>
      )}
      {start.error != null && <ErrorMessage error={start.error} title="Serving did not start." />}
      {running ? (
        <Message tone="ok" title="Serving." testId="serving-started">
          {metrics ? `${metrics.relaysTotal.toLocaleString("en-US")} relays answered so far` : "Waiting for the first relays"}
          {localnet && traffic?.running ? `; the local traffic generator sends ${traffic.ratePerSecond} relay/s.` : "."}
        </Message>
      ) : (
        <Button busy={start.busy} busyLabel="Starting…" disabled={!supplier} onClick={() => void start.run()}>
          Start serving
        </Button>
      )}
      {running && (
        <a className="button" href={hrefFor("dashboard")} data-testid="go-dashboard">
          Open the dashboard
        </a>
      )}
    </div>
  );
}
