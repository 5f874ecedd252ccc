import { useEffect, useState, type FormEvent } from "react";
import type { AccountSummary } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { Segmented } from "../../kit/Segmented.js";
import { useAction } from "../../hooks/useAction.js";
import { applyWalletSnapshot } from "../../stores/wallet-store.js";
import { ConfirmWords } from "./ConfirmWords.js";
import { MnemonicWords } from "./MnemonicWords.js";
import { NewPassphraseFields, newPassphraseProblem, type NewPassphrase } from "./NewPassphraseFields.js";

type Phase = { step: "form" } | { step: "show" | "confirm"; mnemonic: string; account: AccountSummary };

/**
 * Creating an account: choose a passphrase (or give the existing one), then the phrase is shown once and three of its
 * words are asked back. The phrase lives only in this component's state and is dropped once confirmed.
 */
export function CreateWallet({ hasKeystore, onDone, onFlowChange }: { hasKeystore: boolean; onDone: (account: AccountSummary) => void; onFlowChange?: (showingPhrase: boolean) => void }) {
  const api = useApi();
  const [label, setLabel] = useState("Supplier operator");
  const [words, setWords] = useState<"12" | "24">("24");
  const [chosen, setChosen] = useState<NewPassphrase>({ passphrase: "", repeat: "" });
  const [current, setCurrent] = useState("");
  const [phase, setPhase] = useState<Phase>({ step: "form" });
  const [wroteDown, setWroteDown] = useState(false);
  // While the phrase is on screen nothing else may replace this form (the phrase would be lost).
  useEffect(() => onFlowChange?.(phase.step !== "form"), [phase.step]);
  const create = useAction(async () => {
    const result = await api.invoke("wallet.create", {
      words: Number(words) as 12 | 24,
      label: label.trim(),
      passphrase: hasKeystore ? current : chosen.passphrase,
    });
    applyWalletSnapshot(result.snapshot);
    setPhase({ step: "show", mnemonic: result.mnemonic, account: result.account });
  });

  const problem = hasKeystore ? (current ? null : "Enter the wallet passphrase.") : newPassphraseProblem(chosen);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!problem && label.trim()) void create.run();
  }

  if (phase.step === "show") {
    return (
      <div className="stack" data-testid="show-mnemonic">
        <Message tone="warn" title="Write these words down on paper, in order.">
          They are the only way to restore this account. Anyone who has them controls its funds. PocketForge shows them
          only now; later you can reveal them again with your passphrase.
        </Message>
        <MnemonicWords mnemonic={phase.mnemonic} />
        <label className="check">
          <input type="checkbox" checked={wroteDown} onChange={(e) => setWroteDown(e.target.checked)} />
          <span>I wrote down all {phase.mnemonic.split(/\s+/).length} words in order and keep them offline.</span>
        </label>
        <div className="row">
          <Button disabled={!wroteDown} onClick={() => setPhase({ ...phase, step: "confirm" })}>
            Next: confirm three words
          </Button>
        </div>
      </div>
    );
  }
  if (phase.step === "confirm") {
    return (
      <ConfirmWords
        mnemonic={phase.mnemonic}
        onBack={() => setPhase({ ...phase, step: "show" })}
        onConfirmed={() => {
          const { account } = phase;
          setPhase({ step: "form" });
          onDone(account);
        }}
      />
    );
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="create-wallet">
      <Field label="Account name" hint="Only shown in PocketForge, to tell accounts apart.">
        {(control) => <input {...control} value={label} maxLength={64} onChange={(e) => setLabel(e.target.value)} />}
      </Field>
      <div>
        <div className="field-label">Recovery phrase length</div>
        <Segmented
          label="Recovery phrase length"
          value={words}
          onChange={setWords}
          options={[
            { value: "24", label: "24 words (recommended)" },
            { value: "12", label: "12 words" },
          ]}
        />
      </div>
      {hasKeystore ? (
        <Field label="Wallet passphrase" hint="The passphrase this wallet already uses; the new account is stored under it.">
          {(control) => <input {...control} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />}
        </Field>
      ) : (
        <NewPassphraseFields value={chosen} onChange={setChosen} label="Wallet passphrase" />
      )}
      {!hasKeystore && (
        <p className="muted small">
          The passphrase encrypts the keys on this computer. PocketForge cannot recover it: if you lose it, restore the
          account from the recovery phrase.
        </p>
      )}
      {create.error != null && <ErrorMessage error={create.error} title="The account was not created." />}
      <div className="row">
        <Button type="submit" busy={create.busy} busyLabel="Creating…" disabled={!!problem || !label.trim()}>
          Create account
        </Button>
        {problem && chosen.passphrase && <span className="muted small">{problem}</span>}
      </div>
    </form>
  );
}
