import { formatUpokt } from "../../../../shared/format.js";
import { useNow } from "../../hooks/useNow.js";
import { Card } from "../../kit/Card.js";
import { Stat } from "../../kit/Stat.js";
import { useMiner } from "../../stores/miner-store.js";
import { usePreferences } from "../../stores/preferences-store.js";
import { earningsWindow, formatFiat, formatPoktShort, upoktToPokt } from "../../view-models/earnings.js";

const WINDOWS = [
  { days: 1, label: "Today (UTC)" },
  { days: 7, label: "Last 7 days" },
  { days: 30, label: "Last 30 days" },
];

/** Earnings today, over 7 and 30 days, in POKT (exact) with their value at the person's price. */
export function EarningsCard() {
  const summary = useMiner((s) => s.summary);
  const price = usePreferences((s) => s.price);
  const now = useNow(60_000);
  return (
    <Card title="Earnings" subtitle="Settled rewards are paid; pending ones wait for their claim and proof." testId="earnings-card">
      <div className="stats">
        {WINDOWS.map(({ days, label }) => {
          const window = summary ? earningsWindow(summary, days, now) : null;
          const total = window ? window.settledUpokt + window.pendingUpokt : null;
          return (
            <Stat
              key={days}
              label={label}
              value={window ? formatPoktShort(window.settledUpokt) : "—"}
              hint={
                window ? (
                  <>
                    +{formatPoktShort(window.pendingUpokt)} pending
                    {price?.perPokt != null && total != null ? ` · ≈ ${formatFiat(upoktToPokt(total) * price.perPokt, price.currency)}` : ""}
                  </>
                ) : undefined
              }
              testId={`earnings-${days}d`}
            />
          );
        })}
      </div>
      {summary && (
        <dl className="facts small earnings-totals">
          <dt>Settled in total</dt>
          <dd data-testid="earnings-settled-total">{formatUpokt(summary.settledUpokt)}</dd>
          <dt>Sessions</dt>
          <dd>
            {summary.settledSessions} settled · {summary.pendingSessions} pending
          </dd>
          {BigInt(summary.lostUpokt) > 0n && (
            <>
              <dt>Lost</dt>
              <dd>
                {formatUpokt(summary.lostUpokt)} —{" "}
                {summary.lost.map((l) => `${l.sessions} ${l.outcome} (${l.reason.replace(/_/g, " ")})`).join(", ")}
              </dd>
            </>
          )}
        </dl>
      )}
      {price?.perPokt == null && <p className="muted small">Set a POKT price in Settings to see these in your currency.</p>}
    </Card>
  );
}
