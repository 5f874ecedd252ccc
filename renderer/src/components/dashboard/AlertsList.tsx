import { useNow } from "../../hooks/useNow.js";
import { Message } from "../../kit/Message.js";
import { hrefFor } from "../../navigation.js";
import { useSettings } from "../../stores/settings-store.js";
import { formatAgo } from "../../view-models/format.js";

/** Alerts younger than this stay on the dashboard; older ones are in the Logs. */
const SHOW_FOR_MS = 24 * 3_600_000;

/** What needs the person now (failed proofs, skipped claims, low balance, hot GPUs), newest first, each linking to its page. */
export function AlertsList() {
  const alerts = useSettings((s) => s.alerts);
  const now = useNow(60_000);
  // One line per problem: an alert raised again replaces the earlier one with the same key.
  const latest = [...new Map(alerts.filter((a) => now - a.time < SHOW_FOR_MS).map((a) => [a.key, a])).values()].sort((a, b) => b.time - a.time).slice(0, 4);
  if (latest.length === 0) return null;
  return (
    <div data-testid="alerts" aria-label="Alerts" role="region">
      {latest.map((alert) => (
        <Message
          key={alert.key}
          tone={alert.kind === "update_ready" ? "info" : alert.kind === "gpu_over_temperature" || alert.kind === "low_operator_balance" ? "warn" : "error"}
          title={`${alert.title} · ${formatAgo(alert.time, now)}`}
          next={<a href={hrefFor(alert.route)}>Open {alert.route}</a>}
        >
          {alert.message}
        </Message>
      ))}
    </div>
  );
}
