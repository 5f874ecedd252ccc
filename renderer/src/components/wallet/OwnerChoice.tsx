import { useState, type FormEvent } from "react";
import type { WalletSnapshot } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { PassphraseConfirm } from "../../kit/PassphraseConfirm.js";
import { useAction } from "../../hooks/useAction.js";
import { applyWalletSnapshot } from "../../stores/wallet-store.js";

type Choice = "operator" | "local" | "external";

/**
 * Who owns the stake. The operator key must live in PocketForge (it signs every relay); the owner key only stakes and
 * receives rewards, so it can stay in a hardware wallet and sign the stake transaction there.
 */
export function OwnerChoice({ snapshot }: { snapshot: WalletSnapshot }) {
  const api = useApi();
  const custody = snapshot.owner?.custody ?? "operator";
  const [choice, setChoice] = useState<Choice>(custody);
  const others = snapshot.accounts.filter((a) => a.address !== snapshot.operatorAddress);
  const [local, setLocal] = useState(snapshot.owner?.custody === "local" ? snapshot.owner.address : others[0]?.address ?? "");
  const [external, setExternal] = useState(snapshot.owner?.custody === "external" ? snapshot.owner.address : "");
  const [passphrase, setPassphrase] = useState("");
  const save = useAction(async () => {
    const address = choice === "operator" ? null : choice === "local" ? local : external.trim();
    applyWalletSnapshot(await api.invoke("wallet.setOwner", { address, passphrase }));
    setPassphrase("");
  });

  const target = choice === "operator" ? null : choice === "local" ? local : external.trim();
  const unchanged = choice === custody && (choice === "operator" || target === snapshot.owner?.address);

  function submit(event: FormEvent) {
    event.preventDefault();
    void save.run();
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="owner-choice">
      <p className="muted">
        The <strong>operator</strong> key lives in PocketForge: it signs relays, claims and proofs and pays their small
        fees. The <strong>owner</strong> key stakes the POKT, receives the rewards and alone can unstake.
      </p>
      <fieldset className="choice-list">
        <legend className="visually-hidden">Who owns the stake</legend>
        <label className="choice">
          <input type="radio" name="owner" checked={choice === "operator"} onChange={() => setChoice("operator")} />
          <span>
            <span className="choice-title">The operator account owns the stake too</span>
            <span className="choice-body">Simplest: one key, staking from this app. Fine for trying and for small stakes.</span>
          </span>
        </label>
        <label className="choice">
          <input type="radio" name="owner" checked={choice === "local"} onChange={() => setChoice("local")} disabled={others.length === 0} />
          <span>
            <span className="choice-title">Another account in this wallet owns it</span>
            <span className="choice-body">
              {others.length === 0 ? "Create or import a second account first." : "Rewards go to a separate account you keep in this wallet."}
            </span>
          </span>
        </label>
        <label className="choice">
          <input type="radio" name="owner" checked={choice === "external"} onChange={() => setChoice("external")} />
          <span>
            <span className="choice-title">The owner stays in my hardware wallet</span>
            <span className="choice-body">
              PocketForge prepares the stake config and the exact pocketd command; you sign it where the owner key lives.
            </span>
          </span>
        </label>
      </fieldset>
      {choice === "local" && others.length > 0 && (
        <Field label="Owner account">
          {(control) => (
            <select {...control} value={local} onChange={(e) => setLocal(e.target.value)}>
              {others.map((a) => (
                <option key={a.address} value={a.address}>
                  {a.label} ({a.address})
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {choice === "external" && (
        <Field label="Owner address" hint="The pokt1… address of the key in your hardware wallet.">
          {(control) => <input {...control} spellCheck={false} placeholder="pokt1…" value={external} onChange={(e) => setExternal(e.target.value)} />}
        </Field>
      )}
      {!unchanged && <PassphraseConfirm value={passphrase} onChange={setPassphrase} />}
      {save.error != null && <ErrorMessage error={save.error} title="The owner was not changed." />}
      {snapshot.owner && unchanged && (
        <Message tone="ok">
          Owner: {snapshot.owner.custody === "operator" ? "the operator account" : snapshot.owner.address}
          {snapshot.owner.custody === "external" ? " (signs outside PocketForge)" : ""}.
        </Message>
      )}
      <div className="row">
        <Button type="submit" busy={save.busy} busyLabel="Saving…" disabled={unchanged || !passphrase || (choice === "external" && !external.trim()) || (choice === "local" && !local)}>
          Save owner
        </Button>
      </div>
    </form>
  );
}
