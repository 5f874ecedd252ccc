/** The setup wizard's steps, in order, each with the one sentence that says what it is for. */

export const WIZARD_STEPS = [
  { id: "welcome", title: "Welcome", sentence: "What PocketForge does with this computer, what it costs you, and the risks." },
  { id: "hardware", title: "Hardware check", sentence: "Checks your GPUs, memory, driver and compute backend, and says how to fix anything missing." },
  { id: "wallet", title: "Wallet", sentence: "Creates or imports the keys that sign your relays and hold your stake." },
  { id: "network", title: "Network", sentence: "Chooses the POKT network to join: a local test network, the beta testnet, or mainnet." },
  { id: "model", title: "Model", sentence: "Picks the model this machine serves (the recommendation fits your hardware and earns the most) and the network's service to serve it under." },
  { id: "test", title: "Test", sentence: "Measures the model: how soon the first token arrives and how many tokens per second follow." },
  { id: "endpoint", title: "Endpoint", sentence: "Sets the public address gateways send relays to, and checks that it is reachable from outside." },
  { id: "stake", title: "Stake", sentence: "Stakes POKT as a supplier of that service, yourself or through someone who owns the stake, so gateways start sending you relays." },
  { id: "start", title: "Start serving", sentence: "Starts the relay miner: this machine begins serving and earning." },
] as const;

export type WizardStepId = (typeof WIZARD_STEPS)[number]["id"];

export function isWizardStep(id: string | null): id is WizardStepId {
  return WIZARD_STEPS.some((s) => s.id === id);
}

export function stepIndex(id: WizardStepId): number {
  return WIZARD_STEPS.findIndex((s) => s.id === id);
}

export function nextStep(id: WizardStepId): WizardStepId | null {
  return WIZARD_STEPS[stepIndex(id) + 1]?.id ?? null;
}

export function previousStep(id: WizardStepId): WizardStepId | null {
  const index = stepIndex(id);
  return index > 0 ? WIZARD_STEPS[index - 1].id : null;
}

/** Facts from the engine's state that say whether a step's outcome already holds (so a re-run shows ticks). */
export type WizardFacts = Partial<Record<WizardStepId, boolean>>;

/**
 * Where to resume: the first step whose outcome does not hold yet, after Welcome (which is only read). A finished
 * setup resumes at Start serving.
 */
export function resumeStep(facts: WizardFacts): WizardStepId {
  for (const step of WIZARD_STEPS) {
    if (step.id === "welcome") continue;
    if (!facts[step.id]) return step.id;
  }
  return "start";
}
