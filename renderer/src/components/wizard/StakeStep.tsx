import { formatUpokt } from "../../../../shared/format.js";
import { Card } from "../../kit/Card.js";
import { Message } from "../../kit/Message.js";
import { useStaking } from "../../stores/staking-store.js";
import { StakeForm } from "../staking/StakeForm.js";
import { useServingModel } from "./useServingModel.js";
import { WizardNav } from "./WizardNav.js";

export function StakeStep() {
  const { serviceId, model } = useServingModel();
  const supplier = useStaking((s) => s.supplier);
  const stakedFor = serviceId ? supplier?.services.some((s) => s.serviceId === serviceId) ?? false : (supplier?.services.length ?? 0) > 0;
  return (
    <div className="stack" data-testid="step-stake">
      {supplier && (
        <Message tone={stakedFor ? "ok" : "info"} title={stakedFor ? "Staked." : "Your supplier is staked for another service."} testId="stake-status">
          {formatUpokt(supplier.stakeUpokt)} staked for {supplier.services.map((s) => s.serviceId).join(", ") || "no service"}.
          {stakedFor ? " You can change the stake below, or go on." : " Stake again below to serve this model's service."}
        </Message>
      )}
      {!serviceId && model && <Message tone="info">The model {model.name} is not from the catalog: enter the service id gateways use for it.</Message>}
      <Card title="Your stake" subtitle="Prefilled with this network's minimum stake; the fee and your balance are checked before anything is sent.">
        <StakeForm serviceId={serviceId} />
      </Card>
      <WizardNav step="stake" canNext={stakedFor} waiting="Stake first; the chain must include the transaction." />
    </div>
  );
}
