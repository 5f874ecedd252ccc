import { useState } from "react";
import { formatDuration, formatUpokt } from "../../../../shared/format.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { Card } from "../../kit/Card.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { PassphraseConfirm } from "../../kit/PassphraseConfirm.js";
import { ProgressBar } from "../../kit/ProgressBar.js";
import { useAction } from "../../hooks/useAction.js";
import { useChain } from "../../stores/chain-store.js";
import { refreshStaking, useStaking } from "../../stores/staking-store.js";
import { unbondingCountdown } from "../../view-models/staking.js";
import { TxProgressView } from "./TxProgressView.js";

/** Unstaking: what it means, a confirmation, and then the countdown until the stake returns to the owner. */
export function UnstakeCard() {
  const api = useApi();
  const supplier = useStaking((s) => s.supplier);
  const params = useStaking((s) => s.params);
  const tx = useStaking((s) => s.tx);
  const height = useChain((s) => s.status?.height ?? null);
  const [confirming, setConfirming] = useState(false);
  const [passphrase, setPassphrase] = useState("");
  const unstake = useAction(async () => {
    await api.invoke("staking.unstake", { passphrase });
    setConfirming(false);
    setPassphrase("");
    await refreshStaking(api);
  });
  if (!supplier || !params) return null;
  const unbondingEnd = supplier.unbondingEndHeight;
  const countdown = unbondingEnd != null && height != null ? unbondingCountdown(unbondingEnd, height, params.blockTimeMs) : null;
  const unbondingBlocks = params.unbondingPeriodSessions * params.numBlocksPerSession;

  return (
    <Card title="Unstake" subtitle="Stops this supplier; the stake returns to the owner after the unbonding period." testId="unstake-card">
      {countdown ? (
        <div className="stack" data-testid="unbonding">
          <Message tone="info" title={countdown.done ? "Unbonding is over." : "Unbonding."}>
            {countdown.done
              ? `The stake of ${formatUpokt(supplier.stakeUpokt)} returns to ${supplier.ownerAddress} with the next block.`
              : `${formatUpokt(supplier.stakeUpokt)} returns to the owner at block ${unbondingEnd}: ${countdown.blocksLeft} blocks, about ${formatDuration(countdown.msLeft)}.`}
          </Message>
          <ProgressBar label="Unbonding" fraction={unbondingBlocks > 0 ? 1 - countdown.blocksLeft / unbondingBlocks : null} start={`block ${height}`} end={`ends at block ${unbondingEnd}`} />
          <p className="muted small">Staking again before it ends cancels the unstake (the owner must sign).</p>
        </div>
      ) : confirming ? (
        <Message tone="warn" title="Unstake this supplier?" next="Sessions already served are still claimed and proven.">
          Gateways stop sending relays at the end of the current session. {formatUpokt(supplier.stakeUpokt)} returns to the owner after{" "}
          {params.unbondingPeriodSessions} session{params.unbondingPeriodSessions === 1 ? "" : "s"} ({unbondingBlocks} blocks, about{" "}
          {formatDuration(unbondingBlocks * params.blockTimeMs)}).
          <PassphraseConfirm value={passphrase} onChange={setPassphrase} />
          <div className="row">
            <Button variant="danger" busy={unstake.busy} busyLabel="Unstaking…" disabled={!passphrase} onClick={() => void unstake.run()}>
              Unstake
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              Keep serving
            </Button>
          </div>
        </Message>
      ) : (
        <Button variant="secondary" onClick={() => setConfirming(true)}>
          Unstake…
        </Button>
      )}
      {tx?.kind === "unstake" && tx.stage !== "included" && <TxProgressView tx={tx} label="Unstake transaction" />}
      {unstake.error != null && <ErrorMessage error={unstake.error} title="The supplier was not unstaked." />}
    </Card>
  );
}
