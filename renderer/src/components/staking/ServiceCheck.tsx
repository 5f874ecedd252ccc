import { useEffect, useState } from "react";
import { formatUpokt } from "../../../../shared/format.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { PassphraseConfirm } from "../../kit/PassphraseConfirm.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";
import { useChain } from "../../stores/chain-store.js";
import { useStaking } from "../../stores/staking-store.js";

/** Whether the service exists on chain; when it does not, registering it is one transaction (the add-service fee). */
export function ServiceCheck({ serviceId, serviceName, onRegistered, onStatus }: {
  serviceId: string;
  serviceName?: string;
  onRegistered?: () => void;
  /** Told whether the service exists (null while looking it up). */
  onStatus?: (exists: boolean | null) => void;
}) {
  const api = useApi();
  const params = useStaking((s) => s.params);
  const network = useChain((s) => s.status?.network ?? "this network");
  const [units, setUnits] = useState("1");
  const [passphrase, setPassphrase] = useState("");
  // Registering spends the add-service fee for good: it takes an explicit yes, on top of the passphrase.
  const [feeAccepted, setFeeAccepted] = useState(false);
  const lookup = useAction(async (id: string) => api.invoke("staking.service", { serviceId: id }));
  const unitsValue = Number(units);
  const unitsValid = Number.isInteger(unitsValue) && unitsValue >= 1 && unitsValue <= 1_000_000;
  const register = useAction(async () => {
    await api.invoke("staking.addService", { serviceId, name: serviceName ?? serviceId, computeUnitsPerRelay: unitsValue, passphrase });
    setPassphrase("");
    setFeeAccepted(false);
    await lookup.run(serviceId);
    onRegistered?.();
  });
  useEffect(() => {
    setFeeAccepted(false);
    const timer = setTimeout(() => void lookup.run(serviceId), 300);
    return () => clearTimeout(timer);
  }, [serviceId]);
  useEffect(() => onStatus?.(lookup.busy || lookup.data === undefined ? null : lookup.data !== null), [lookup.busy, lookup.data]);

  if (lookup.error != null) return <ErrorMessage error={lookup.error} title="Could not look the service up." />;
  if (lookup.data === undefined || lookup.busy) return <p className="muted small">Looking up service {serviceId}…</p>;
  if (lookup.data) {
    return (
      <p className="small muted" data-testid="service-found">
        Service <code>{lookup.data.serviceId}</code> ({lookup.data.name}) · {lookup.data.computeUnitsPerRelay} compute units per relay
        {lookup.data.byom ? " · bring your own model: any model name is answered by the model you serve" : ""}.
      </p>
    );
  }
  return (
    <Message
      tone="warn"
      title={`Service ${serviceId} is not registered on ${network} yet.`}
      next="Register it (you become its source owner and earn that share of every relay), or pick a service that exists: gateways only send relays for services they use."
      testId="service-missing"
    >
      <div className="row">
        <Field label="Compute units per relay" hint="What one relay of this service is priced at; the chain's parameters turn compute units into POKT." error={unitsValid ? null : "A whole number from 1 to 1,000,000."}>
          {(control) => <input {...control} inputMode="numeric" value={units} onChange={(e) => setUnits(e.target.value)} />}
        </Field>
      </div>
      {params ? (
        <label className="check" data-testid="service-fee-confirm">
          <input type="checkbox" checked={feeAccepted} onChange={(e) => setFeeAccepted(e.target.checked)} />
          <span>
            Register <code>{serviceId}</code> on {network} for the add-service fee of <strong data-testid="service-fee">{formatUpokt(params.addServiceFeeUpokt)}</strong>. The fee
            is paid once by the owner account and not returned.
          </span>
        </label>
      ) : (
        <p className="muted small">Reading the add-service fee from the chain…</p>
      )}
      {feeAccepted && <PassphraseConfirm value={passphrase} onChange={setPassphrase} />}
      <div className="row">
        <Button variant="secondary" busy={register.busy} busyLabel="Registering…" disabled={!params || !feeAccepted || !unitsValid || !passphrase} onClick={() => void register.run()}>
          Register the service{params ? ` (fee ${formatUpokt(params.addServiceFeeUpokt)})` : ""}
        </Button>
      </div>
      {register.error != null && <ErrorMessage error={register.error} title="The service was not registered." />}
    </Message>
  );
}
