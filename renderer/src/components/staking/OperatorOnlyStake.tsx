import { useState, type FormEvent } from "react";
import { formatUpokt } from "../../../../shared/format.js";
import { useApi } from "../../api/api-context.js";
import { useAction } from "../../hooks/useAction.js";
import { Button } from "../../kit/Button.js";
import { Field } from "../../kit/Field.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { PassphraseConfirm } from "../../kit/PassphraseConfirm.js";
import { useChain } from "../../stores/chain-store.js";
import { useStaking } from "../../stores/staking-store.js";
import { applyWalletSnapshot, useWallet } from "../../stores/wallet-store.js";
import { operatorOnlyShares } from "../../view-models/staking.js";
import { ExternalStake } from "./ExternalStake.js";

/**
 * Operator only: someone else (a stake provider, a friend) owns the stake and signs it with their key; this machine
 * operates it with the operator key. The chain pays every settlement by the stake's rev-share list, so part of the
 * rewards goes to this user's address. PocketForge prepares the stake config and the pocketd command for the owner.
 */
export function OperatorOnlyStake({ serviceId }: { serviceId: string }) {
  const api = useApi();
  const wallet = useWallet((s) => s.snapshot);
  const params = useStaking((s) => s.params);
  const endpoint = useStaking((s) => s.endpoint);
  const status = useChain((s) => s.status);
  const supplier = useStaking((s) => s.supplier);
  const currentOwner = wallet?.owner?.custody === "external" ? wallet.owner.address : "";
  const [owner, setOwner] = useState(currentOwner);
  const [share, setShare] = useState("50");
  const [passphrase, setPassphrase] = useState("");
  const operator = wallet?.operatorAddress ?? null;
  const shareValue = Number(share);
  const shareValid = share.trim() !== "" && Number.isInteger(shareValue) && shareValue >= 0 && shareValue <= 100;
  const ownerSet = currentOwner !== "" && currentOwner === owner.trim();
  const save = useAction(async () => {
    applyWalletSnapshot(await api.invoke("wallet.setOwner", { address: owner.trim(), passphrase }));
    setPassphrase("");
  });

  if (!params || !wallet || !operator) return <p className="muted">Reading the chain's staking rules…</p>;
  const endpointUrl = endpoint?.publicUrl ?? null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (owner.trim() && passphrase) void save.run();
  }

  return (
    <div className="stack" data-testid="operator-only">
      <Message tone="info" title={`No ${formatUpokt(params.minStakeUpokt)}? Someone else can own the stake.`}>
        A stake provider or a friend who holds the POKT owns the stake and signs it with their own key. This machine operates it with your
        operator key: it answers relays and sends claims and proofs (keep a little POKT on <span className="address">{operator}</span> for their
        fees). Each settlement is split by the stake's rev-share list, so your share goes to your address. Only the owner can unstake; the stake
        returns to them.
      </Message>
      <form className="stack" onSubmit={submit}>
        <div className="grid">
          <Field label="Owner's address" hint="The pokt1… address of whoever holds the stake and signs it.">
            {(control) => <input {...control} spellCheck={false} placeholder="pokt1…" value={owner} onChange={(e) => setOwner(e.target.value)} />}
          </Field>
          <Field label="Your share of the rewards (%)" hint="Paid to your operator address; the owner gets the rest. Agree it with the owner." error={shareValid ? null : "A whole percent from 0 to 100."}>
            {(control) => <input {...control} inputMode="numeric" value={share} onChange={(e) => setShare(e.target.value)} />}
          </Field>
        </div>
        {!ownerSet && (
          <>
            <PassphraseConfirm value={passphrase} onChange={setPassphrase} />
            {save.error != null && <ErrorMessage error={save.error} title="The owner was not set." />}
            <div className="row">
              <Button type="submit" busy={save.busy} busyLabel="Saving…" disabled={!owner.trim() || !passphrase}>
                Use this owner
              </Button>
            </div>
          </>
        )}
      </form>
      {supplier && owner.trim() && supplier.ownerAddress !== owner.trim() && (
        <Message
          tone="warn"
          title="This operator is already staked by another owner."
          next="Unstake it first (the stake returns to its owner after the unbonding period), or create a new operator account in the Wallet page."
          testId="owner-cannot-change"
        >
          The chain does not let a supplier change its owner: it is owned by <span className="address">{supplier.ownerAddress}</span>, so a stake signed by
          another owner would be refused.
        </Message>
      )}
      {!endpointUrl && <Message tone="warn" next={<a href="#/setup/endpoint">Set it in the Endpoint step.</a>}>No public endpoint is set yet.</Message>}
      {ownerSet && endpointUrl && shareValid && (
        <ExternalStake
          key={`${owner}/${share}/${serviceId}`}
          ownerIsSomeoneElse
          build={() =>
            api.invoke("wallet.stakeCommand", {
              stakeUpokt: params.minStakeUpokt,
              services: [
                {
                  serviceId,
                  endpoints: [{ publiclyExposedUrl: endpointUrl, rpcType: "REST" }],
                  revSharePercent: operatorOnlyShares(owner.trim(), operator, shareValue),
                },
              ],
              network: stakeNetwork(status),
            })
          }
        />
      )}
    </div>
  );
}

/** Where pocketd sends the stake: the named public networks, or this node and chain id. */
export function stakeNetwork(status: ReturnType<typeof useChain.getState>["status"]) {
  if (status?.network === "mainnet") return { kind: "named" as const, name: "main" as const };
  if (status?.network === "beta") return { kind: "named" as const, name: "beta" as const };
  return { kind: "custom" as const, nodeUrl: status?.rpcUrl ?? "http://127.0.0.1:26657", chainId: status?.chainId ?? "" };
}
