import { useEffect, useState, type FormEvent } from "react";
import type { TxEstimate } from "../../../../shared/api/staking.js";
import type { WalletSnapshot } from "../../../../shared/api/index.js";
import { formatUpokt } from "../../../../shared/format.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { PassphraseConfirm } from "../../kit/PassphraseConfirm.js";
import { useAction } from "../../hooks/useAction.js";
import { useStaking } from "../../stores/staking-store.js";
import { parsePokt } from "../../view-models/staking.js";
import { TxProgressView } from "../staking/TxProgressView.js";

/** Sends POKT from an account of this wallet: fee and balance first, then an explicit confirmation. */
export function SendForm({ snapshot }: { snapshot: WalletSnapshot }) {
  const api = useApi();
  const tx = useStaking((s) => s.tx);
  const [from, setFrom] = useState(snapshot.operatorAddress ?? snapshot.accounts[0]?.address ?? "");
  const [to, setTo] = useState("");
  const [amount, setAmount] = useState("");
  const [estimate, setEstimate] = useState<TxEstimate | null>(null);
  const [estimateError, setEstimateError] = useState<unknown>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [passphrase, setPassphrase] = useState("");
  const parsed = parsePokt(amount);
  const toValid = /^pokt1[02-9ac-hj-np-z]{38,58}$/.test(to.trim());
  const request = toValid && "upokt" in parsed && parsed.upokt > 0n ? { fromAddress: from, toAddress: to.trim(), amountUpokt: parsed.upokt.toString() } : null;
  const key = request ? JSON.stringify(request) : "";
  useEffect(() => {
    setConfirmed(false);
    if (!request) return setEstimate(null);
    const timer = setTimeout(() => {
      api.invoke("transfer.estimate", request).then(
        (e) => (setEstimate(e), setEstimateError(null)),
        (error) => (setEstimate(null), setEstimateError(error)),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [key]);
  const send = useAction(async () => {
    const result = await api.invoke("transfer.send", { ...request!, passphrase });
    setAmount("");
    setConfirmed(false);
    setPassphrase("");
    return result;
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (request && confirmed && passphrase && estimate?.enough) void send.run();
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="send-form">
      <Field label="From">
        {(control) => (
          <select {...control} value={from} onChange={(e) => setFrom(e.target.value)}>
            {snapshot.accounts.map((a) => (
              <option key={a.address} value={a.address}>
                {a.label} ({a.address})
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="grid">
        <Field label="To" error={to && !toValid ? "A pokt1… address." : null}>
          {(control) => <input {...control} spellCheck={false} placeholder="pokt1…" value={to} onChange={(e) => setTo(e.target.value)} />}
        </Field>
        <Field label="Amount (POKT)" error={amount && "error" in parsed ? parsed.error : null}>
          {(control) => <input {...control} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />}
        </Field>
      </div>
      {estimateError != null && <ErrorMessage error={estimateError} title="The fee could not be estimated." />}
      {estimate && (
        <p className="small">
          Fee {formatUpokt(estimate.feeUpokt)} · balance {formatUpokt(estimate.balanceUpokt)}
        </p>
      )}
      {estimate && !estimate.enough && (
        <Message tone="warn" next="Send less, or fund this account first.">
          {formatUpokt(estimate.shortfallUpokt)} missing for this amount plus the fee.
        </Message>
      )}
      {estimate?.enough && request && (
        <label className="check">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
          <span>
            Send {formatUpokt(request.amountUpokt)} to <span className="address">{request.toAddress}</span>. Transfers cannot be undone.
          </span>
        </label>
      )}
      {estimate?.enough && request && confirmed && <PassphraseConfirm value={passphrase} onChange={setPassphrase} />}
      {tx?.kind === "send" && send.busy && <TxProgressView tx={tx} label="Transfer" />}
      {send.error != null && <ErrorMessage error={send.error} title="Nothing was sent." />}
      {send.data && !send.busy && <Message tone="ok">Sent in block {send.data.height} (fee {formatUpokt(send.data.feeUpokt)}).</Message>}
      <div className="row">
        <Button type="submit" busy={send.busy} busyLabel="Sending…" disabled={!request || !estimate?.enough || !confirmed || !passphrase}>
          Send
        </Button>
      </div>
    </form>
  );
}
