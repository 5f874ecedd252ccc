import { Fragment, useState, type ReactNode } from "react";
import type { ServiceInfo, StakingParams } from "../../../../shared/api/staking.js";
import { DEFAULT_TOKENS_PER_RELAY } from "../../../../shared/economics.js";
import { Card } from "../../kit/Card.js";
import { Field } from "../../kit/Field.js";
import { useChain } from "../../stores/chain-store.js";
import { useModels } from "../../stores/models-store.js";
import { useStaking } from "../../stores/staking-store.js";
import { economicsView } from "../../view-models/economics.js";
import { useServingModel } from "../wizard/useServingModel.js";

/**
 * The network's economics from its own params: minimum stake, price per compute unit, the service's price per relay,
 * the proof rule and fees, session length and unbonding; and POKT per hour estimated from this machine's measured
 * speed under a stated (and editable) assumption of tokens per relay.
 */
export function EconomicsCard({ serviceId, title }: { serviceId: string | null; title?: string }) {
  const params = useStaking((s) => s.params);
  const services = useStaking((s) => s.services);
  const network = useChain((s) => s.status?.network ?? null);
  const benchmarks = useModels((s) => s.benchmarks);
  const { model } = useServingModel();
  const measured = model ? benchmarks.filter((b) => b.modelId === model.id).sort((a, b) => b.measuredAt - a.measuredAt)[0] ?? null : null;
  return (
    <EconomicsCardView
      title={title}
      params={params}
      network={network}
      serviceId={serviceId}
      service={serviceId ? services?.find((s) => s.serviceId === serviceId) ?? null : null}
      tokensPerSecond={measured?.generationTokensPerSecond ?? null}
    />
  );
}

export function EconomicsCardView({
  title = "What serving earns here",
  params,
  network,
  serviceId,
  service,
  tokensPerSecond,
}: {
  title?: string;
  params: StakingParams | null;
  network: string | null;
  serviceId: string | null;
  service: ServiceInfo | null;
  tokensPerSecond: number | null;
}) {
  const [tokensPerRelay, setTokensPerRelay] = useState(String(DEFAULT_TOKENS_PER_RELAY));
  const assumed = Number(tokensPerRelay);
  const assumedValid = Number.isInteger(assumed) && assumed >= 1 && assumed <= 100_000;

  return (
    <Card title={title} subtitle={`Read from ${network ?? "the network"}'s parameters; they change by governance (the price per compute unit about weekly on mainnet).`} testId="economics-card">
      {!params ? (
        <p className="muted">Reading the chain's parameters…</p>
      ) : (
        <EconomicsBody params={params} service={service} serviceId={serviceId} tokensPerSecond={tokensPerSecond} tokensPerRelay={assumedValid ? assumed : undefined}>
          <Field label="Assumed tokens per relay" hint="A relay is paid the same however long its answer: fewer tokens per relay means more relays an hour." error={assumedValid ? null : "A whole number from 1 to 100,000."}>
            {(control) => <input {...control} inputMode="numeric" value={tokensPerRelay} onChange={(e) => setTokensPerRelay(e.target.value)} />}
          </Field>
        </EconomicsBody>
      )}
    </Card>
  );
}

function EconomicsBody({
  params,
  service,
  serviceId,
  tokensPerSecond,
  tokensPerRelay,
  children,
}: {
  params: StakingParams;
  service: ServiceInfo | null;
  serviceId: string | null;
  tokensPerSecond: number | null;
  tokensPerRelay: number | undefined;
  children: ReactNode;
}) {
  const view = economicsView({ params, service, tokensPerSecond, tokensPerRelay });
  return (
    <div className="stack">
      <dl className="facts" data-testid="economics-facts">
        {view.facts.map((fact) => (
          <Fragment key={fact.label}>
            <dt>{fact.label}</dt>
            <dd>
              {fact.value}
              {fact.note && <span className="muted small"> · {fact.note}</span>}
            </dd>
          </Fragment>
        ))}
      </dl>
      {!service && serviceId && <p className="muted small">Service {serviceId} is not registered on this network: no price per relay yet.</p>}
      {view.headline && (
        <p data-testid="economics-estimate">
          <strong>{view.headline}</strong> <span className="muted small">(estimate)</span>
        </p>
      )}
      {view.assumption && <p className="small muted" data-testid="economics-assumption">{view.assumption}</p>}
      {service && children}
    </div>
  );
}
