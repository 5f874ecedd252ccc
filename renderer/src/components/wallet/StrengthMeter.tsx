import { passphraseStrength } from "../../view-models/passphrase-strength.js";

/** Four bars and a word; the hint says how to improve it. Announced politely as the person types. */
export function StrengthMeter({ passphrase, id }: { passphrase: string; id?: string }) {
  const strength = passphraseStrength(passphrase);
  return (
    <div id={id} data-testid="passphrase-strength">
      <div className="strength" data-score={passphrase ? strength.score : 0} aria-hidden="true">
        <span />
        <span />
        <span />
        <span />
      </div>
      <div className="field-hint" aria-live="polite">
        {passphrase ? (
          <>
            Strength: <strong>{strength.label}</strong> (about {strength.bits} bits). {strength.hint}
          </>
        ) : (
          "Four or more unrelated words make a strong passphrase that is easy to remember."
        )}
      </div>
    </div>
  );
}
