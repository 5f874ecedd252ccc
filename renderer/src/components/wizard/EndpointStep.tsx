import { useState } from "react";
import type { EndpointCheck } from "../../../../shared/api/staking.js";
import { Card } from "../../kit/Card.js";
import { useChain } from "../../stores/chain-store.js";
import { useReach } from "../../stores/reach-store.js";
import { useStaking } from "../../stores/staking-store.js";
import { ReachabilityCard } from "../settings/ReachabilityCard.js";
import { EndpointForm } from "../staking/EndpointForm.js";
import { useServiceChoice } from "./useServiceChoice.js";
import { WizardNav } from "./WizardNav.js";

export function EndpointStep() {
  const [check, setCheck] = useState<EndpointCheck | null>(null);
  const { serviceId } = useServiceChoice();
  const network = useChain((s) => s.status?.network ?? "localnet");
  const reach = useReach((s) => s.status);
  const publicUrl = useStaking((s) => s.endpoint?.publicUrl ?? null);
  // Behind a router without hairpin NAT the public address cannot answer from inside: a proven mapping (or tunnel)
  // to a relay miner that answers here is as far as a check from this machine goes.
  const steps = reach?.lastCheck?.steps ?? [];
  const proven = (id: string) => steps.some((s) => s.id === id && s.outcome === "proven");
  const reachReady = !!reach?.proposedUrl && publicUrl === reach.proposedUrl && proven("relay_local") && (proven("mapping") || proven("tunnel"));
  return (
    <div className="stack" data-testid="step-endpoint">
      {network !== "localnet" && (
        <Card title="Reachability" subtitle="Let PocketForge open the port on your router, or give the URL of a tunnel you run.">
          <ReachabilityCard />
        </Card>
      )}
      <EndpointForm serviceId={serviceId} onChecked={setCheck} />
      <WizardNav step="endpoint" canNext={(!!check?.reachable && check.relayMinerAnswered) || reachReady} waiting="Check that the endpoint is reachable first." />
    </div>
  );
}
