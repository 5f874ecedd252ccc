import { useState } from "react";
import type { EndpointCheck } from "../../../../shared/api/staking.js";
import { EndpointForm } from "../staking/EndpointForm.js";
import { useServiceChoice } from "./useServiceChoice.js";
import { WizardNav } from "./WizardNav.js";

export function EndpointStep() {
  const [check, setCheck] = useState<EndpointCheck | null>(null);
  const { serviceId } = useServiceChoice();
  return (
    <div className="stack" data-testid="step-endpoint">
      <EndpointForm serviceId={serviceId} onChecked={setCheck} />
      <WizardNav step="endpoint" canNext={!!check?.reachable && check.relayMinerAnswered} waiting="Check that the endpoint is reachable first." />
    </div>
  );
}
