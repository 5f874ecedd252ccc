import { useEffect, useState } from "react";
import { Card } from "../../kit/Card.js";
import { Message } from "../../kit/Message.js";
import { useWallet } from "../../stores/wallet-store.js";
import { AddAccount } from "../wallet/AddAccount.js";
import { AddressBlock } from "../wallet/AddressBlock.js";
import { OwnerChoice } from "../wallet/OwnerChoice.js";
import { UnlockForm } from "../wallet/UnlockForm.js";
import { WizardNav } from "./WizardNav.js";

export function WalletStep() {
  const snapshot = useWallet((s) => s.snapshot);
  // The create flow must stay on screen after the engine reports the new account (the phrase is shown and
  // confirmed after that), so it ends when the flow says so, not when the snapshot changes.
  const [inFlow, setInFlow] = useState(false);
  useEffect(() => {
    if (snapshot?.state === "absent") setInFlow(true);
  }, [snapshot?.state]);

  const operator = snapshot?.accounts.find((a) => a.isOperator) ?? null;
  const ready = snapshot?.state === "unlocked" && operator !== null && !inFlow;
  return (
    <div className="stack" data-testid="step-wallet">
      {!snapshot ? (
        <p className="muted">Reading the wallet…</p>
      ) : snapshot.state === "unreadable" ? (
        <Message tone="error" title="The wallet file cannot be read." next="Restore keystore.json from a backup, or start with a new data folder and import your recovery phrase.">
          {snapshot.problem?.message}
        </Message>
      ) : inFlow ? (
        <Card title="Your supplier account" subtitle="Create a new one, or import the account you already use with pocketd.">
          <AddAccount hasKeystore={snapshot.state !== "absent"} onDone={() => setInFlow(false)} />
        </Card>
      ) : snapshot.state === "locked" ? (
        <Card title="Unlock your wallet">
          <UnlockForm snapshot={snapshot} />
        </Card>
      ) : (
        <>
          {operator && (
            <Card title="Operator account" subtitle="Signs relays, claims and proofs. Fund it with a little POKT for fees.">
              <AddressBlock address={operator.address} label="Operator" />
            </Card>
          )}
          <Card title="Owner" subtitle="Who stakes and receives the rewards.">
            <OwnerChoice snapshot={snapshot} />
          </Card>
        </>
      )}
      <WizardNav step="wallet" canNext={ready} waiting={inFlow ? "Finish creating the account first." : "Unlock or create the wallet first."} />
    </div>
  );
}
