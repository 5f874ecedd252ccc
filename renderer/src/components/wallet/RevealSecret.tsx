import { useState, type FormEvent } from "react";
import type { RevealedSecret } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";
import { errorCode } from "../../view-models/errors.js";
import { MnemonicWords } from "./MnemonicWords.js";

/** Shows an account's recovery phrase (or raw key) after the passphrase is typed again; Hide forgets it. */
export function RevealSecret({ address }: { address: string }) {
  const api = useApi();
  const [passphrase, setPassphrase] = useState("");
  const [secret, setSecret] = useState<RevealedSecret | null>(null);
  const reveal = useAction(async () => {
    const result = await api.invoke("wallet.reveal", { address, passphrase });
    setPassphrase("");
    setSecret(result.secret);
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (passphrase) void reveal.run();
  }

  if (secret) {
    return (
      <div className="stack" data-testid="revealed-secret">
        <Message tone="warn" title="Anyone who sees this controls the account.">
          Make sure nobody is watching your screen, then hide it again.
        </Message>
        {secret.kind === "mnemonic" ? (
          <>
            <MnemonicWords mnemonic={secret.mnemonic} />
            <p className="muted small">Derivation path {secret.hdPath}</p>
          </>
        ) : (
          <div className="address">{secret.privateKeyHex}</div>
        )}
        <Button variant="secondary" onClick={() => setSecret(null)}>
          Hide
        </Button>
      </div>
    );
  }
  return (
    <form className="row" onSubmit={submit} data-testid="reveal-form">
      <Field className="grow" label="Passphrase to reveal the recovery phrase" error={errorCode(reveal.error) === "wrong_passphrase" ? "Wrong passphrase. It is case-sensitive; type it again." : null}>
        {(control) => <input {...control} type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />}
      </Field>
      <Button type="submit" variant="secondary" busy={reveal.busy} disabled={!passphrase}>
        Reveal
      </Button>
      {reveal.error != null && errorCode(reveal.error) !== "wrong_passphrase" && <ErrorMessage error={reveal.error} />}
    </form>
  );
}
