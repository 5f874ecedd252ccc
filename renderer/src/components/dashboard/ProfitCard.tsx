import { formatNumber } from "../../../../shared/format.js";
import { Card } from "../../kit/Card.js";
import { Message } from "../../kit/Message.js";
import { Stat } from "../../kit/Stat.js";
import { formatFiat } from "../../view-models/earnings.js";
import { formatDuration } from "../../../../shared/format.js";
import { profitView } from "../../view-models/profit.js";
import { useProfitInputs } from "./useProfitInputs.js";

/** Electricity cost from measured GPU power × the person's tariff, against earnings: net profit and break-even tariff. */
export function ProfitCard() {
  const inputs = useProfitInputs();
  const watts = inputs.power.size ? [...inputs.power.values()].reduce((a, b) => a + b, 0) : null;
  const view = profitView({ watts, tariffPerKwh: inputs.tariff, poktPerDay: inputs.rate?.poktPerDay ?? 0, pricePerPokt: inputs.rate ? inputs.price : null });
  const c = inputs.currency;
  return (
    <Card title="Profit after electricity" subtitle="Per day, from measured GPU power, your tariff and the recent earning pace." testId="profit-card">
      <div className="stats">
        <Stat label="GPU power" value={view.watts != null ? view.watts.toFixed(0) : "—"} unit="W" hint={view.kwhPerDay != null ? `${view.kwhPerDay.toFixed(2)} kWh/day` : undefined} />
        <Stat label="Electricity" value={view.costPerDay != null ? formatFiat(view.costPerDay, c) : "—"} hint="per day" />
        <Stat label="Earnings" value={view.earningsPerDay != null ? formatFiat(view.earningsPerDay, c) : "—"} hint={inputs.rate ? `per day, pace of the last ${formatDuration(inputs.rate.coveredMs)}` : "per day"} />
        <Stat
          label="Net profit"
          value={view.netPerDay != null ? formatFiat(view.netPerDay, c) : "—"}
          tone={view.netPerDay == null ? undefined : view.netPerDay >= 0 ? "ok" : "error"}
          hint="per day"
          testId="net-profit"
        />
        <Stat label="Break-even tariff" value={view.breakEvenTariff != null ? formatFiat(view.breakEvenTariff, c) : "—"} hint="per kWh: below it you profit" testId="break-even" />
      </div>
      {watts == null && (
        <Message tone="info" next="On a CPU-only machine, estimate it from your wall meter: profit = earnings − watts × 24 h × tariff.">
          No GPU reports its power here, so the electricity cost cannot be measured.
        </Message>
      )}
      {inputs.tariff == null && <Message tone="info" next={<a href="#/settings">Enter your tariff in Settings.</a>}>The electricity cost needs your tariff (price per kWh).</Message>}
      {inputs.price == null && <Message tone="info" next={<a href="#/settings">Set a POKT price in Settings.</a>}>Earnings in money need a POKT price.</Message>}
      {!inputs.rate && <p className="muted small">The earning pace appears after an hour of serving.</p>}
    </Card>
  );
}
