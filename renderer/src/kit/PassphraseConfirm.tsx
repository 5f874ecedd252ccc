import { Field } from "./Field.js";

/** The wallet passphrase asked again before an act that moves funds, changes keys or opens the engine up. */
export function PassphraseConfirm({ value, onChange, label = "Wallet passphrase" }: { value: string; onChange: (value: string) => void; label?: string }) {
  return (
    <Field label={label} hint="Asked again for this action, even while the wallet is unlocked.">
      {(control) => <input {...control} type="password" autoComplete="current-password" value={value} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}
