import type { ReactNode } from "react";
import { hrefFor } from "../../navigation.js";
import { nextStep, previousStep, type WizardStepId } from "../../view-models/wizard.js";

/** Back and Next (links, so the browser's back button and deep links work); Next stays off until the step is done. */
export function WizardNav({ step, canNext, nextLabel = "Next", waiting }: { step: WizardStepId; canNext: boolean; nextLabel?: string; waiting?: ReactNode }) {
  const previous = previousStep(step);
  const next = nextStep(step);
  return (
    <nav className="wizard-nav" aria-label="Wizard">
      {previous ? (
        <a className="button button-secondary" href={hrefFor("setup", previous)}>
          Back
        </a>
      ) : (
        <span />
      )}
      <div className="row row-center">
        {!canNext && waiting && <span className="muted small">{waiting}</span>}
        {next &&
          (canNext ? (
            <a className="button" href={hrefFor("setup", next)} data-testid="wizard-next">
              {nextLabel}
            </a>
          ) : (
            <button type="button" className="button" disabled data-testid="wizard-next">
              {nextLabel}
            </button>
          ))}
      </div>
    </nav>
  );
}
