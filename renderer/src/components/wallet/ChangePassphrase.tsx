import { useState, type FormEvent } from "react";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";
import { applyWalletSnapshot } from "../../stores/wallet-store.js";
import { errorCode } from "../../view-models/errors.js";
import { NewPassphraseFields, newPassphraseProblem, type NewPassphrase } from "./NewPassphraseFields.js";

export function ChangePassphrase() {
  const api = useApi();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState<NewPassphrase>({ passphrase: "", repeat: "" });
  const [done, setDone] = useState(false);
  const change = useAction(async () => {
    applyWalletSnapshot(await api.invoke("wallet.changePassphrase", { currentPassphrase: current, newPassphrase: next.passphrase }));
    setCurrent("");
    setNext({ passphrase: "", repeat: "" });
    setDone(true);
  });
  const problem = newPassphraseProblem(next);

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    if (current && !problem) void change.run();
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="change-passphrase">
      <Field label="Current passphrase" error={errorCode(change.error) === "wrong_passphrase" ? "Wrong passphrase. It is case-sensitive; type it again." : null}>
        {(control) => <input {...control} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />}
      </Field>
      <NewPassphraseFields value={next} onChange={setNext} label="New passphrase" />
      {change.error != null && errorCode(change.error) !== "wrong_passphrase" && <ErrorMessage error={change.error} />}
      {done && <Message tone="ok">The keystore is now encrypted with the new passphrase.</Message>}
      <div className="row">
        <Button type="submit" busy={change.busy} busyLabel="Re-encrypting…" disabled={!current || !!problem}>
          Change passphrase
        </Button>
      </div>
    </form>
  );
}
