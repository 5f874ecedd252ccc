import { test } from "node:test";
import assert from "node:assert/strict";
import { isWizardStep, nextStep, previousStep, resumeStep, WIZARD_STEPS } from "../../../renderer/src/view-models/wizard.js";

test("the steps run in the issue's order and each explains itself in one sentence", () => {
  assert.deepEqual(WIZARD_STEPS.map((s) => s.id), ["welcome", "hardware", "wallet", "network", "model", "test", "endpoint", "stake", "start"]);
  for (const step of WIZARD_STEPS) assert.match(step.sentence, /^[A-Z][^.]*\.$/, step.id);
});

test("next and previous walk the list and stop at its ends", () => {
  assert.equal(nextStep("welcome"), "hardware");
  assert.equal(nextStep("start"), null);
  assert.equal(previousStep("hardware"), "welcome");
  assert.equal(previousStep("welcome"), null);
});

test("a re-run resumes at the first step whose outcome does not hold", () => {
  assert.equal(resumeStep({}), "hardware");
  assert.equal(resumeStep({ hardware: true, wallet: true, network: true }), "model");
  assert.equal(resumeStep({ hardware: true, wallet: true, network: true, model: true, test: true, endpoint: true, stake: true, start: true }), "start");
});

test("only known step ids are steps", () => {
  assert.equal(isWizardStep("stake"), true);
  assert.equal(isWizardStep("nope"), false);
  assert.equal(isWizardStep(null), false);
});
