import type { WalletSnapshot } from "../../../../shared/api/index.js";
import { formatUpokt } from "../../../../shared/format.js";
import { useBalances } from "../../hooks/useBalances.js";
import { Badge } from "../../kit/Badge.js";
import { Card } from "../../kit/Card.js";
import { ErrorMessage } from "../../kit/Message.js";
import { useChain } from "../../stores/chain-store.js";

/** Every account's spendable POKT on the current network (staked POKT is on the Staking page). */
export function BalancesCard({ snapshot }: { snapshot: WalletSnapshot }) {
  const chain = useChain((s) => s.status);
  const addresses = snapshot.accounts.map((a) => a.address);
  if (snapshot.owner?.custody === "external") addresses.push(snapshot.owner.address);
  const { balances, error } = useBalances(addresses);
  return (
    <Card title="Balances" subtitle={chain ? `Spendable POKT on ${chain.network}${chain.chainId ? ` (${chain.chainId})` : ""}.` : "Spendable POKT."} testId="balances">
      {chain && !chain.reachable && <p className="muted">The {chain.network} node is not reachable; balances appear once it answers.</p>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col" className="num">Balance</th>
            </tr>
          </thead>
          <tbody>
            {addresses.map((address) => {
              const account = snapshot.accounts.find((a) => a.address === address);
              return (
                <tr key={address}>
                  <td>
                    {account?.label ?? "Owner (outside PocketForge)"} {account?.isOperator && <Badge tone="accent">operator</Badge>} {(account?.isOwner || !account) && <Badge tone="info">owner</Badge>}
                    <div className="address muted small">{address}</div>
                  </td>
                  <td className="num" data-testid="balance">
                    {balances[address] !== undefined ? formatUpokt(balances[address]) : "—"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {error != null && <ErrorMessage error={error} title="Could not read balances." />}
    </Card>
  );
}
