import { formatUpokt } from "../../../shared/format.js";
import { AddressChangeOffer } from "../components/staking/AddressChangeOffer.js";
import { EndpointForm } from "../components/staking/EndpointForm.js";
import { StakeForm } from "../components/staking/StakeForm.js";
import { UnstakeCard } from "../components/staking/UnstakeCard.js";
import { useServiceChoice } from "../components/wizard/useServiceChoice.js";
import { EconomicsCard } from "../components/staking/EconomicsCard.js";
import { ServicesTable } from "../components/staking/ServicesTable.js";
import { Badge } from "../kit/Badge.js";
import { Card } from "../kit/Card.js";
import { EmptyState } from "../kit/EmptyState.js";
import { ErrorMessage } from "../kit/Message.js";
import { PageHeader } from "../kit/PageHeader.js";
import { hrefFor } from "../navigation.js";
import { useChain } from "../stores/chain-store.js";
import { useStaking } from "../stores/staking-store.js";

export function StakingPage() {
  const supplier = useStaking((s) => s.supplier);
  const error = useStaking((s) => s.error);
  const chain = useChain((s) => s.status);
  const { serviceId } = useServiceChoice();
  const unstaking = supplier?.unbondingEndHeight != null;
  return (
    <section aria-labelledby="page-title">
      <PageHeader title="Staking" description="Your supplier on the chain: its stake, the services it serves and where gateways reach it." actions={chain && <Badge tone={chain.reachable ? "ok" : "error"}>{chain.network}</Badge>} />
      {error && <ErrorMessage error={error} title="Could not read the supplier from the chain." />}
      <AddressChangeOffer />
      <Card title="Services on this network" subtitle="Read from the chain (x/service). Gateways send relays for the services they use: ai-inference on mainnet and beta." testId="network-services">
        <ServicesTable />
      </Card>
      {supplier === undefined ? (
        <Card title="Supplier">
          <p className="muted">Reading the supplier from the chain…</p>
        </Card>
      ) : supplier === null ? (
        <Card title="Supplier">
          <EmptyState title="Not staked yet" actions={<a className="button" href={hrefFor("setup", "stake")}>Stake in the setup wizard</a>}>
            Gateways send relays only to staked suppliers. The wizard offers this network's services (ai-inference on mainnet and beta) and checks your endpoint first.
          </EmptyState>
        </Card>
      ) : (
        <>
          <Card title="Supplier" actions={<Badge tone={unstaking ? "warn" : "ok"}>{unstaking ? "unstaking" : "staked"}</Badge>} testId="supplier-card">
            <dl className="facts">
              <dt>Stake</dt>
              <dd data-testid="supplier-stake">{formatUpokt(supplier.stakeUpokt)}</dd>
              <dt>Operator</dt>
              <dd className="address">{supplier.operatorAddress}</dd>
              <dt>Owner</dt>
              <dd className="address">{supplier.ownerAddress}</dd>
            </dl>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Service</th>
                    <th scope="col">Endpoints</th>
                    <th scope="col">Rev-share</th>
                  </tr>
                </thead>
                <tbody>
                  {supplier.services.map((s) => (
                    <tr key={s.serviceId}>
                      <td>
                        <code>{s.serviceId}</code>
                      </td>
                      <td>
                        {s.endpoints.map((e) => (
                          <div key={e.url}>
                            <code>{e.url}</code> <span className="muted small">{e.rpcType}</span>
                          </div>
                        ))}
                      </td>
                      <td className="small">
                        {s.revShare.map((r) => (
                          <div key={r.address}>
                            {r.percent} % → <span className="address">{r.address}</span>
                          </div>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
          <Card title="Stake more or change services" subtitle="The amount is the new total stake; the chain takes the difference from the owner.">
            <StakeForm serviceId={supplier.services[0]?.serviceId ?? serviceId} />
          </Card>
          <Card title="Endpoint" subtitle="A new public URL takes effect once you stake again with it.">
            <EndpointForm serviceId={supplier.services[0]?.serviceId ?? serviceId} />
          </Card>
          <UnstakeCard />
        </>
      )}
      <EconomicsCard serviceId={supplier?.services[0]?.serviceId ?? serviceId} title="The network's economics" />
    </section>
  );
}
