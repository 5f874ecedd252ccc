import { useState } from "react";
import { useApi } from "../api/api-context.js";
import { AccountsTable } from "../components/wallet/AccountsTable.js";
import { AddAccount } from "../components/wallet/AddAccount.js";
import { AddressBlock } from "../components/wallet/AddressBlock.js";
import { BalancesCard } from "../components/wallet/BalancesCard.js";
import { SendForm } from "../components/wallet/SendForm.js";
import { ChangePassphrase } from "../components/wallet/ChangePassphrase.js";
import { OwnerChoice } from "../components/wallet/OwnerChoice.js";
import { RevealSecret } from "../components/wallet/RevealSecret.js";
import { UnlockForm } from "../components/wallet/UnlockForm.js";
import { useAction } from "../hooks/useAction.js";
import { Badge } from "../kit/Badge.js";
import { Button } from "../kit/Button.js";
import { Card } from "../kit/Card.js";
import { EmptyState } from "../kit/EmptyState.js";
import { ErrorMessage, Message } from "../kit/Message.js";
import { PageHeader } from "../kit/PageHeader.js";
import { applyWalletSnapshot, useWallet } from "../stores/wallet-store.js";

const STATE_LABEL = { absent: "no wallet yet", locked: "locked", unlocked: "unlocked", unreadable: "unreadable" } as const;
const STATE_TONE = { absent: "neutral", locked: "warn", unlocked: "ok", unreadable: "error" } as const;

export function WalletPage() {
  const api = useApi();
  const snapshot = useWallet((s) => s.snapshot);
  const loadError = useWallet((s) => s.error);
  const [adding, setAdding] = useState(false);
  const lock = useAction(async () => applyWalletSnapshot(await api.invoke("wallet.lock", {})));

  const state = snapshot?.state;
  const operator = snapshot?.accounts.find((a) => a.isOperator) ?? null;
  return (
    <section aria-labelledby="page-title">
      <PageHeader
        title="Wallet"
        description="The keys that run your supplier. They stay encrypted on this computer; only signatures leave it."
        actions={
          <>
            {state && <Badge tone={STATE_TONE[state]}>{STATE_LABEL[state]}</Badge>}
            {state === "unlocked" && (
              <Button variant="secondary" busy={lock.busy} onClick={() => void lock.run()}>
                Lock wallet
              </Button>
            )}
          </>
        }
      />
      {loadError && <ErrorMessage error={loadError} title="Could not read the wallet's state." />}
      {lock.error != null && <ErrorMessage error={lock.error} />}
      {!snapshot ? (
        <Card title="Wallet">
          <p className="muted">Reading the wallet…</p>
        </Card>
      ) : state === "unreadable" ? (
        <Message tone="error" title="The wallet file cannot be read." next="Restore keystore.json from a backup, or start with a new data folder and import your recovery phrase.">
          {snapshot.problem?.message}
        </Message>
      ) : state === "absent" ? (
        <Card title="No wallet yet" subtitle="Create a new account, or import the one you already stake with.">
          <AddAccount hasKeystore={false} />
        </Card>
      ) : (
        <>
          {state === "locked" && (
            <Card title="Unlock">
              <UnlockForm snapshot={snapshot} />
            </Card>
          )}
          <div className="grid">
            <Card title="Operator" subtitle="Signs relays, claims and proofs, and pays their fees.">
              {operator ? (
                <AddressBlock address={operator.address} label="Operator" />
              ) : (
                <EmptyState title="No operator chosen">Pick the account that runs the supplier in the table below (Make operator).</EmptyState>
              )}
            </Card>
            <Card title="Owner" subtitle="Stakes the POKT, receives the rewards, and alone can unstake.">
              {state === "unlocked" ? <OwnerChoice snapshot={snapshot} /> : <p className="muted">Unlock the wallet to change the owner.</p>}
            </Card>
          </div>
          <BalancesCard snapshot={snapshot} />
          {state === "unlocked" && (
            <Card title="Send" subtitle="From an account of this wallet to any pokt address.">
              <SendForm snapshot={snapshot} />
            </Card>
          )}
          <Card
            title="Accounts"
            actions={
              state === "unlocked" && (
                <Button variant="secondary" onClick={() => setAdding(!adding)} aria-expanded={adding}>
                  {adding ? "Close" : "Add account"}
                </Button>
              )
            }
          >
            <AccountsTable snapshot={snapshot} />
            {adding && (
              <div className="stack">
                <h3>Add an account</h3>
                <AddAccount hasKeystore />
              </div>
            )}
          </Card>
          {state === "unlocked" && operator && (
            <div className="grid">
              <Card title="Recovery phrase" subtitle={`Of ${operator.label}. Type your passphrase again to see it.`}>
                <RevealSecret address={operator.address} />
              </Card>
              <Card title="Passphrase" subtitle="Re-encrypts the keystore; the recovery phrase stays the same.">
                <ChangePassphrase />
              </Card>
            </div>
          )}
        </>
      )}
    </section>
  );
}
