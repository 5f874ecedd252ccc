import { Field } from "../../kit/Field.js";
import { MIN_ACCEPTED_SCORE, passphraseStrength } from "../../view-models/passphrase-strength.js";
import { StrengthMeter } from "./StrengthMeter.js";

export interface NewPassphrase {
  passphrase: string;
  repeat: string;
}

/** Whether a chosen passphrase may be used: strong enough and typed the same twice. */
export function newPassphraseProblem(value: NewPassphrase): string | null {
  const strength = passphraseStrength(value.passphrase);
  if (strength.score < MIN_ACCEPTED_SCORE) return `The passphrase is ${strength.label}. ${strength.hint}`;
  if (value.passphrase !== value.repeat) return "The two passphrases differ: type the same passphrase twice.";
  return null;
}

/** Choosing a passphrase: the field, the strength meter under it, and the repeat field. */
export function NewPassphraseFields({ value, onChange, label = "Passphrase" }: { value: NewPassphrase; onChange: (value: NewPassphrase) => void; label?: string }) {
  const mismatch = value.repeat.length > 0 && value.repeat !== value.passphrase;
  return (
    <>
      <Field label={label}>
        {(control) => (
          <>
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              value={value.passphrase}
              onChange={(e) => onChange({ ...value, passphrase: e.target.value })}
            />
            <StrengthMeter passphrase={value.passphrase} />
          </>
        )}
      </Field>
      <Field label={`Repeat the ${label.toLowerCase()}`} error={mismatch ? "Does not match the passphrase above." : null}>
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="new-password"
            value={value.repeat}
            onChange={(e) => onChange({ ...value, repeat: e.target.value })}
          />
        )}
      </Field>
    </>
  );
}
