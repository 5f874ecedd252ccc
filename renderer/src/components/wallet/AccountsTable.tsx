import { useState } from "react";
import type { AccountSummary, WalletSnapshot } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Badge } from "../../kit/Badge.js";
import { Button } from "../../kit/Button.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { PassphraseConfirm } from "../../kit/PassphraseConfirm.js";
import { useAction } from "../../hooks/useAction.js";
import { applyWalletSnapshot } from "../../stores/wallet-store.js";

/** Every account of the keystore with its roles; choose the operator, or delete an account after a warning. */
export function AccountsTable({ snapshot }: { snapshot: WalletSnapshot }) {
  const api = useApi();
  const unlocked = snapshot.state === "unlocked";
  const [pendingDelete, setPendingDelete] = useState<{ address: string; token: string; warning: string } | null>(null);
  const [passphrase, setPassphrase] = useState("");
  const action = useAction(async (kind: "operator" | "prepare" | "delete", account: AccountSummary) => {
    if (kind === "operator") applyWalletSnapshot(await api.invoke("wallet.setOperator", { address: account.address }));
    if (kind === "prepare") {
      const prepared = await api.invoke("wallet.prepareDelete", { address: account.address });
      setPendingDelete({ address: prepared.address, token: prepared.confirmationToken, warning: prepared.warning });
    }
    if (kind === "delete" && pendingDelete) {
      applyWalletSnapshot(await api.invoke("wallet.delete", { address: pendingDelete.address, confirmationToken: pendingDelete.token, passphrase }));
      setPendingDelete(null);
      setPassphrase("");
    }
  });

  return (
    <>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Address</th>
              <th scope="col">Kind</th>
              <th scope="col">Roles</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {snapshot.accounts.map((account) => (
              <tr key={account.address}>
                <td>{account.label}</td>
                <td className="address">{account.address}</td>
                <td>{account.kind === "mnemonic" ? `phrase, ${account.hdPath}` : "imported key"}</td>
                <td>
                  {account.isOperator && <Badge tone="accent">operator</Badge>} {account.isOwner && <Badge tone="info">owner</Badge>}
                </td>
                <td>
                  <div className="card-actions">
                    {!account.isOperator && (
                      <Button size="small" variant="secondary" disabled={!unlocked || action.busy} onClick={() => void action.run("operator", account)}>
                        Make operator
                      </Button>
                    )}
                    <Button size="small" variant="ghost" disabled={!unlocked || action.busy} onClick={() => void action.run("prepare", account)}>
                      Delete…
                    </Button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!unlocked && <p className="muted small">Unlock the wallet to change roles or delete accounts.</p>}
      {pendingDelete && (
        <Message tone="warn" title="Delete this account from this computer?" next="Reveal and write down its recovery phrase first if you have not.">
          {pendingDelete.warning}
          <PassphraseConfirm value={passphrase} onChange={setPassphrase} />
          <div className="row">
            <Button variant="danger" busy={action.busy} disabled={!passphrase} onClick={() => void action.run("delete", snapshot.accounts.find((a) => a.address === pendingDelete.address)!)}>
              Delete account
            </Button>
            <Button variant="secondary" onClick={() => setPendingDelete(null)}>
              Keep it
            </Button>
          </div>
        </Message>
      )}
      {action.error != null && <ErrorMessage error={action.error} />}
    </>
  );
}
