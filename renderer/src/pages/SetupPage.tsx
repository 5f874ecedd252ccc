import { useEffect, type ComponentType } from "react";
import { HardwareStep } from "../components/wizard/HardwareStep.js";
import { ModelStep } from "../components/wizard/ModelStep.js";
import { NetworkStep } from "../components/wizard/NetworkStep.js";
import { EndpointStep } from "../components/wizard/EndpointStep.js";
import { StakeStep } from "../components/wizard/StakeStep.js";
import { StartStep } from "../components/wizard/StartStep.js";
import { TestStep } from "../components/wizard/TestStep.js";
import { WalletStep } from "../components/wizard/WalletStep.js";
import { WelcomeStep } from "../components/wizard/WelcomeStep.js";
import { useWizardFacts } from "../components/wizard/useWizardFacts.js";
import { hrefFor } from "../navigation.js";
import { isWizardStep, resumeStep, stepIndex, WIZARD_STEPS, type WizardStepId } from "../view-models/wizard.js";

const STEP_VIEWS: Record<WizardStepId, ComponentType> = {
  welcome: WelcomeStep,
  hardware: HardwareStep,
  wallet: WalletStep,
  network: NetworkStep,
  model: ModelStep,
  test: TestStep,
  endpoint: EndpointStep,
  stake: StakeStep,
  start: StartStep,
};

/** The setup wizard: first run, and re-runnable from Settings. Each step's outcome lives in the engine, so a re-run shows ticks. */
export function SetupPage({ step }: { step: string | null }) {
  const facts = useWizardFacts();
  const current: WizardStepId = isWizardStep(step) ? step : facts.wallet ? resumeStep(facts) : "welcome";
  const meta = WIZARD_STEPS[stepIndex(current)];
  const View = STEP_VIEWS[current];

  // Each step is its own address so Back/Forward and reloads keep the place; a bare #/setup resumes.
  useEffect(() => {
    if (!isWizardStep(step)) window.history.replaceState(null, "", hrefFor("setup", current));
  }, [step, current]);

  return (
    <section aria-labelledby="page-title" className="wizard">
      <ol className="wizard-steps" aria-label="Setup steps">
        {WIZARD_STEPS.map((s, i) => (
          <li key={s.id} aria-current={s.id === current ? "step" : undefined} data-done={facts[s.id] ? "true" : undefined}>
            <span className="step-dot" aria-hidden="true">
              {facts[s.id] ? "✓" : i + 1}
            </span>
            <a href={hrefFor("setup", s.id)} className="wizard-step-link">
              {s.title}
              {facts[s.id] && <span className="visually-hidden"> (done)</span>}
            </a>
          </li>
        ))}
      </ol>
      <div>
        <header className="wizard-step-header">
          <div className="muted small">
            Step {stepIndex(current) + 1} of {WIZARD_STEPS.length}
          </div>
          <h1 id="page-title" tabIndex={-1}>
            {meta.title}
          </h1>
          <p>{meta.sentence}</p>
        </header>
        <View key={current} />
      </div>
    </section>
  );
}
