import { formatPoktShort } from "../../view-models/earnings.js";
import { formatCount, formatTimeLeft } from "../../view-models/format.js";
import { useBalances } from "../../hooks/useBalances.js";
import { Card } from "../../kit/Card.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { Stat } from "../../kit/Stat.js";
import { useStaking } from "../../stores/staking-store.js";
import { useWallet } from "../../stores/wallet-store.js";
import { feeRunway, RUNWAY_WARN_SESSIONS } from "../../view-models/staking.js";

/** How many sessions of claim and proof fees the operator balance still pays, warning before claims would be skipped. */
export function FeeRunwayCard() {
  const operator = useWallet((s) => s.snapshot?.operatorAddress ?? null);
  const params = useStaking((s) => s.params);
  const { balances, error } = useBalances(operator ? [operator] : []);
  const balance = operator ? balances[operator] : undefined;
  const fees = params?.feesPerSessionUpokt ?? null;
  const runway = balance !== undefined && params && fees !== null ? feeRunway(balance, BigInt(fees), params.numBlocksPerSession * params.blockTimeMs) : null;
  return (
    <Card title="Fee runway" subtitle="The operator pays a fee for every claim and proof; without funds, claims are skipped and their rewards lost." testId="fee-runway">
      <div className="stats">
        <Stat label="Operator balance" value={balance !== undefined ? formatPoktShort(balance) : "—"} testId="operator-balance" />
        <Stat label="Fees per session" value={fees !== null ? formatPoktShort(fees) : "—"} hint={params && fees === null ? "priced once the wallet is unlocked" : "one claim and one proof, at today's gas price"} />
        <Stat
          label="Runway"
          value={runway ? formatCount(runway.sessions) : "—"}
          unit="sessions"
          tone={runway ? (runway.level === "ok" ? "ok" : runway.level === "warn" ? "warn" : "error") : undefined}
          hint={runway?.msLeft != null ? formatTimeLeft(runway.msLeft) : undefined}
          testId="fee-runway-sessions"
        />
      </div>
      {runway && runway.level !== "ok" && operator && (
        <Message
          tone={runway.level === "critical" ? "error" : "warn"}
          title={runway.level === "critical" ? "Claims are being skipped: the operator cannot pay their fees." : `Fewer than ${RUNWAY_WARN_SESSIONS} sessions of fees left.`}
          next={`Send POKT to the operator ${operator} (Wallet page shows its QR code).`}
          testId="fee-runway-warning"
        />
      )}
      {!operator && <p className="muted small">Create or import the operator account on the Wallet page.</p>}
      {error != null && <ErrorMessage error={error} title="Could not read the operator's balance." />}
    </Card>
  );
}
