import { useState } from "react";
import { formatUpokt } from "../../../../shared/format.js";
import { Card } from "../../kit/Card.js";
import { Message } from "../../kit/Message.js";
import { useStaking } from "../../stores/staking-store.js";
import { useWallet } from "../../stores/wallet-store.js";
import type { StakePath } from "../../view-models/staking.js";
import { EconomicsCard } from "../staking/EconomicsCard.js";
import { OperatorOnlyStake } from "../staking/OperatorOnlyStake.js";
import { StakeForm } from "../staking/StakeForm.js";
import { useServiceChoice } from "./useServiceChoice.js";
import { WizardNav } from "./WizardNav.js";

export function StakeStep() {
  const { serviceId } = useServiceChoice();
  const supplier = useStaking((s) => s.supplier);
  const params = useStaking((s) => s.params);
  const wallet = useWallet((s) => s.snapshot);
  const [path, setPath] = useState<StakePath>("self");
  const stakedFor = supplier?.services.some((s) => s.serviceId === serviceId) ?? false;
  const minimum = params ? formatUpokt(params.minStakeUpokt) : "the minimum stake";
  return (
    <div className="stack" data-testid="step-stake">
      {supplier && (
        <Message tone={stakedFor ? "ok" : "info"} title={stakedFor ? "Staked." : "Your supplier is staked for another service."} testId="stake-status">
          {formatUpokt(supplier.stakeUpokt)} staked for {supplier.services.map((s) => s.serviceId).join(", ") || "no service"}
          {wallet?.operatorAddress && supplier.ownerAddress !== wallet.operatorAddress ? `, owned by ${supplier.ownerAddress}` : ""}.
          {stakedFor ? " You can change the stake below, or go on." : ` Stake again below to serve ${serviceId}.`}
        </Message>
      )}
      <Card title="Who owns the stake" subtitle={`A supplier needs at least ${minimum} at stake on this network.`}>
        <fieldset className="choice-list" data-testid="stake-path">
          <legend className="visually-hidden">Who owns the stake</legend>
          <label className="choice">
            <input type="radio" name="stake-path" checked={path === "self"} onChange={() => setPath("self")} />
            <span>
              <span className="choice-title">I stake {minimum} myself</span>
              <span className="choice-body">From this wallet (or a hardware-wallet owner chosen in the Wallet step); all rewards go to you.</span>
            </span>
          </label>
          <label className="choice">
            <input type="radio" name="stake-path" checked={path === "operator-only"} onChange={() => setPath("operator-only")} />
            <span>
              <span className="choice-title">Someone else owns the stake: I only operate</span>
              <span className="choice-body">
                For hobbyists without {minimum}: a stake provider or a friend stakes for this machine and signs with their key; rewards are split by
                rev-share, part to your address.
              </span>
            </span>
          </label>
        </fieldset>
      </Card>
      {path === "self" ? (
        <Card title="Your stake" subtitle="Prefilled with this network's minimum stake; the fee and your balance are checked before anything is sent.">
          <StakeForm serviceId={serviceId} />
        </Card>
      ) : (
        <Card title="The owner's stake" subtitle={`The owner signs the stake for service ${serviceId}; this machine serves it as soon as the chain includes it.`}>
          <OperatorOnlyStake serviceId={serviceId} />
        </Card>
      )}
      <EconomicsCard serviceId={serviceId} />
      <WizardNav step="stake" canNext={(supplier?.services.length ?? 0) > 0} waiting="Stake first; the chain must include the transaction." />
    </div>
  );
}
