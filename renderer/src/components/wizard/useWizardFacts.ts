import { useChain } from "../../stores/chain-store.js";
import { useEngine } from "../../stores/engine-store.js";
import { useMiner } from "../../stores/miner-store.js";
import { useModels } from "../../stores/models-store.js";
import { useStaking } from "../../stores/staking-store.js";
import { useWallet } from "../../stores/wallet-store.js";
import type { WizardFacts } from "../../view-models/wizard.js";

/** Which steps' outcomes already hold, read from the stores (which mirror the engine). */
export function useWizardFacts(): WizardFacts {
  const hardware = useEngine((s) => s.hardware !== null);
  const inference = useEngine((s) => s.inference);
  const wallet = useWallet((s) => s.snapshot);
  const installed = useModels((s) => s.installed);
  const benchmarks = useModels((s) => s.benchmarks);
  const chain = useChain((s) => s.status);
  const traffic = useChain((s) => s.traffic);
  const supplier = useStaking((s) => s.supplier);
  const endpoint = useStaking((s) => s.endpoint);
  const miner = useMiner((s) => s.status);
  const serving = inference?.state === "ready" && inference.model ? installed?.find((m) => m.path === inference.model!.path) : undefined;
  return {
    welcome: wallet != null && wallet.state !== "absent",
    hardware,
    wallet: wallet?.state === "unlocked" && wallet.operatorAddress !== null,
    model: serving !== undefined,
    test: serving !== undefined && benchmarks.some((b) => b.modelId === serving.id),
    network: chain?.reachable ?? false,
    endpoint: !!endpoint?.publicUrl,
    stake: !!supplier && supplier.services.length > 0,
    start: miner?.state === "running" && (chain?.network !== "localnet" || traffic?.running === true),
  };
}
