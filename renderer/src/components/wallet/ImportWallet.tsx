import { useState, type FormEvent } from "react";
import type { AccountSummary } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { ErrorMessage } from "../../kit/Message.js";
import { Segmented } from "../../kit/Segmented.js";
import { useAction } from "../../hooks/useAction.js";
import { applyWalletSnapshot } from "../../stores/wallet-store.js";
import { NewPassphraseFields, newPassphraseProblem, type NewPassphrase } from "./NewPassphraseFields.js";

/** Importing an account from a recovery phrase (any BIP44 index) or a raw hex private key exported by pocketd. */
export function ImportWallet({ hasKeystore, onDone }: { hasKeystore: boolean; onDone: (account: AccountSummary) => void }) {
  const api = useApi();
  const [type, setType] = useState<"mnemonic" | "private_key">("mnemonic");
  const [mnemonic, setMnemonic] = useState("");
  const [index, setIndex] = useState("0");
  const [hex, setHex] = useState("");
  const [label, setLabel] = useState("Supplier operator");
  const [chosen, setChosen] = useState<NewPassphrase>({ passphrase: "", repeat: "" });
  const [current, setCurrent] = useState("");
  const importAccount = useAction(async () => {
    const source =
      type === "mnemonic"
        ? { type: "mnemonic" as const, mnemonic: mnemonic.trim(), index: Number(index) }
        : { type: "private_key" as const, privateKeyHex: hex.trim() };
    const result = await api.invoke("wallet.import", { source, label: label.trim(), passphrase: hasKeystore ? current : chosen.passphrase });
    applyWalletSnapshot(result.snapshot);
    onDone(result.account);
  });

  const indexValid = /^\d+$/.test(index) && Number(index) < 2 ** 31;
  const secretGiven = type === "mnemonic" ? mnemonic.trim().split(/\s+/).length >= 12 && indexValid : hex.trim().length > 0;
  const problem = hasKeystore ? (current ? null : "Enter the wallet passphrase.") : newPassphraseProblem(chosen);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (secretGiven && !problem && label.trim()) void importAccount.run();
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="import-wallet">
      <Segmented
        label="What to import"
        value={type}
        onChange={setType}
        options={[
          { value: "mnemonic", label: "Recovery phrase" },
          { value: "private_key", label: "Hex private key" },
        ]}
      />
      {type === "mnemonic" ? (
        <>
          <Field label="Recovery phrase" hint="12 or 24 words separated by spaces. It never leaves this computer.">
            {(control) => (
              <textarea {...control} autoComplete="off" autoCapitalize="none" spellCheck={false} rows={3} value={mnemonic} onChange={(e) => setMnemonic(e.target.value)} />
            )}
          </Field>
          <Field
            label="Account index"
            hint="0 for the first account of the phrase (what pocketd and most wallets use); change it only to import a later account."
            error={indexValid ? null : "A whole number from 0."}
          >
            {(control) => <input {...control} inputMode="numeric" value={index} onChange={(e) => setIndex(e.target.value)} />}
          </Field>
        </>
      ) : (
        <Field label="Private key (64 hex digits)" hint={<>For example the output of <code>pocketd keys export NAME --unarmored-hex --unsafe</code>.</>}>
          {(control) => <input {...control} type="password" autoComplete="off" spellCheck={false} value={hex} onChange={(e) => setHex(e.target.value)} />}
        </Field>
      )}
      <Field label="Account name">{(control) => <input {...control} value={label} maxLength={64} onChange={(e) => setLabel(e.target.value)} />}</Field>
      {hasKeystore ? (
        <Field label="Wallet passphrase">
          {(control) => <input {...control} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />}
        </Field>
      ) : (
        <NewPassphraseFields value={chosen} onChange={setChosen} label="Wallet passphrase" />
      )}
      {importAccount.error != null && <ErrorMessage error={importAccount.error} title="The account was not imported." />}
      <div className="row">
        <Button type="submit" busy={importAccount.busy} busyLabel="Importing…" disabled={!secretGiven || !!problem || !label.trim()}>
          Import account
        </Button>
      </div>
    </form>
  );
}
