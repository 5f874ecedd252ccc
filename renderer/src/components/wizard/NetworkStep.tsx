import { NetworkPicker } from "../chain/NetworkPicker.js";
import { useChain } from "../../stores/chain-store.js";
import { WizardNav } from "./WizardNav.js";

export function NetworkStep() {
  const status = useChain((s) => s.status);
  return (
    <div className="stack" data-testid="step-network">
      <NetworkPicker />
      <WizardNav step="network" canNext={!!status?.reachable} waiting="Connect to a network first." />
    </div>
  );
}
