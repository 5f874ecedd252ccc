import { useState, type FormEvent } from "react";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { Message } from "../../kit/Message.js";
import { checkConfirmation, mnemonicWords, ordinal, pickConfirmPositions } from "../../view-models/mnemonic-confirm.js";

/** Asks for three words of the phrase at random positions; calls onConfirmed once all three are right. */
export function ConfirmWords({ mnemonic, onConfirmed, onBack }: { mnemonic: string; onConfirmed: () => void; onBack: () => void }) {
  const [positions] = useState(() => pickConfirmPositions(mnemonicWords(mnemonic).length));
  const [answers, setAnswers] = useState<string[]>(() => positions.map(() => ""));
  const [checked, setChecked] = useState<boolean[] | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = checkConfirmation(mnemonic, positions, answers);
    setChecked(result);
    if (result.every(Boolean)) onConfirmed();
  }

  return (
    <form onSubmit={submit} className="stack" data-testid="confirm-words">
      <p>Type these words from the phrase you wrote down, to make sure your copy is complete and in order.</p>
      <div className="grid-3">
        {positions.map((position, i) => (
          <Field
            key={position}
            label={`The ${ordinal(position + 1)} word (#${position + 1})`}
            error={checked && !checked[i] ? "This is not the word at that position." : null}
          >
            {(control) => (
              <input
                {...control}
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                value={answers[i]}
                onChange={(e) => setAnswers(answers.map((a, j) => (j === i ? e.target.value : a)))}
              />
            )}
          </Field>
        ))}
      </div>
      {checked && !checked.every(Boolean) && (
        <Message tone="error" next="Check your written copy against the words shown on the previous screen (Back shows them again).">
          {checked.filter((ok) => !ok).length} of {positions.length} words do not match.
        </Message>
      )}
      <div className="row">
        <Button variant="secondary" onClick={onBack}>
          Back to the words
        </Button>
        <Button type="submit" disabled={answers.some((a) => !a.trim())}>
          Confirm words
        </Button>
      </div>
    </form>
  );
}
