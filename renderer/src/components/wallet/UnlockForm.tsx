import { useState, type FormEvent } from "react";
import type { WalletSnapshot } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { ErrorMessage } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";
import { applyWalletSnapshot } from "../../stores/wallet-store.js";
import { errorCode } from "../../view-models/errors.js";

/** Unlocks the keystore so the engine can sign relays and transactions; optionally remembered by the OS keychain. */
export function UnlockForm({ snapshot }: { snapshot: WalletSnapshot }) {
  const api = useApi();
  const [passphrase, setPassphrase] = useState("");
  const [remember, setRemember] = useState(snapshot.device.remembered);
  const canRemember = snapshot.device.availability === "available";
  const unlock = useAction(async () => {
    applyWalletSnapshot(await api.invoke("wallet.unlock", { passphrase, ...(canRemember ? { remember } : {}) }));
    setPassphrase("");
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (passphrase) void unlock.run();
  }

  const wrong = errorCode(unlock.error) === "wrong_passphrase";
  return (
    <form className="stack" onSubmit={submit} data-testid="unlock-form">
      <p>The wallet is locked: the relay miner cannot sign relays or claims until you unlock it.</p>
      <Field label="Wallet passphrase" error={wrong ? "Wrong passphrase." : null}>
        {(control) => (
          <input {...control} type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
        )}
      </Field>
      {canRemember && (
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          <span>Unlock automatically on this computer (the key is kept in the system keychain)</span>
        </label>
      )}
      {unlock.error != null && (
        <ErrorMessage
          error={unlock.error}
          next={wrong ? "Passphrases are case-sensitive. If you lost it, your recovery phrase still restores the account: import it into PocketForge started with a new data folder." : undefined}
          testId="unlock-error"
        />
      )}
      <div className="row">
        <Button type="submit" busy={unlock.busy} busyLabel="Unlocking…" disabled={!passphrase}>
          Unlock
        </Button>
      </div>
    </form>
  );
}
