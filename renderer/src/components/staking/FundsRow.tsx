import { useEffect } from "react";
import { formatUpokt } from "../../../../shared/format.js";
import { useApi } from "../../api/api-context.js";
import { useBalances } from "../../hooks/useBalances.js";
import { useAction } from "../../hooks/useAction.js";
import { Button } from "../../kit/Button.js";
import { ErrorMessage } from "../../kit/Message.js";
import { useChain } from "../../stores/chain-store.js";
import { useStaking } from "../../stores/staking-store.js";


/** The paying account's balance, and on the local test network a faucet that fills it at once. */
export function FundsRow({ address, onFunded, refreshKey }: { address: string; onFunded: () => void; refreshKey?: number }) {
  const api = useApi();
  const network = useChain((s) => s.status?.network);
  const { balances, error, refresh } = useBalances([address]);
  // What starting takes on this localnet: its minimum stake, an add-service fee and 1,000 POKT for fees.
  const starting = useStaking((s) => s.params?.startingFundsUpokt ?? null);
  const faucet = useAction(async () => {
    const paid = await api.invoke("localnet.faucet", { address, ...(starting ? { amount: starting } : {}) });
    refresh();
    onFunded();
    return paid;
  });
  const balance = balances[address];
  // Another transaction of this form (registering the service) spent from it: read it again.
  useEffect(() => {
    if (refreshKey) refresh();
  }, [refreshKey]);
  return (
    <div className="stack" data-testid="funds">
      <div className="row row-center">
        <span>
          Balance of the paying account <span className="address small muted" title={address}>{address}</span>: <strong data-testid="funds-balance">{balance !== undefined ? formatUpokt(balance) : "—"}</strong>
        </span>
        {network === "localnet" && (
          <Button variant="secondary" size="small" busy={faucet.busy} busyLabel="Waiting for the faucet's block…" onClick={() => void faucet.run()}>
            {starting ? `Get ${formatUpokt(starting)} from the faucet` : "Get test POKT from the faucet"}
          </Button>
        )}
      </div>
      {faucet.data && <p className="muted small">The faucet paid {formatUpokt(faucet.data.amount)} in block {faucet.data.height}.</p>}
      {faucet.error != null && <ErrorMessage error={faucet.error} title="The faucet did not pay." />}
      {error != null && <ErrorMessage error={error} title="Could not read the balance." />}
    </div>
  );
}
