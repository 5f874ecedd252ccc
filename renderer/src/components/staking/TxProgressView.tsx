import type { TxProgress } from "../../../../shared/api/staking.js";
import { ProgressBar } from "../../kit/ProgressBar.js";
import { useChain } from "../../stores/chain-store.js";

const STAGES: TxProgress["stage"][] = ["signing", "broadcasting", "included"];
const LABELS = { signing: "Signing with your key", broadcasting: "Sent; waiting for a block to include it", included: "Included in a block", failed: "Failed" };

/** Where a transaction is: signed, broadcast, then waiting for the block that includes it (with the chain height). */
export function TxProgressView({ tx, label }: { tx: TxProgress; label: string }) {
  const height = useChain((s) => s.status?.height ?? null);
  const step = STAGES.indexOf(tx.stage);
  return (
    <div data-testid="tx-progress" data-stage={tx.stage}>
      <ProgressBar
        label={label}
        fraction={tx.stage === "failed" ? null : (step + 1) / STAGES.length}
        start={LABELS[tx.stage]}
        end={tx.stage === "included" && tx.height != null ? `block ${tx.height}` : height != null ? `chain at block ${height}` : ""}
      />
      {tx.txHash && (
        <p className="muted small">
          Transaction <code>{tx.txHash}</code>
        </p>
      )}
    </div>
  );
}
