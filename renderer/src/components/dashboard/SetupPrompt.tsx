import { hrefFor } from "../../navigation.js";
import { Message } from "../../kit/Message.js";
import { resumeStep, WIZARD_STEPS } from "../../view-models/wizard.js";
import { useWizardFacts } from "../wizard/useWizardFacts.js";

/** While setup is unfinished, says which step is next and links straight to it. */
export function SetupPrompt() {
  const facts = useWizardFacts();
  const next = resumeStep(facts);
  if (facts.start) return null;
  const step = WIZARD_STEPS.find((s) => s.id === next)!;
  return (
    <Message tone="info" title="Setup is not finished yet." next={<a href={hrefFor("setup", next)}>Continue with “{step.title}”</a>} testId="setup-prompt">
      {step.sentence}
    </Message>
  );
}
