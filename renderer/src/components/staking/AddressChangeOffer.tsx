import type { ReactNode } from "react";
import type { AddressChange } from "../../../../shared/api/reach.js";
import { useApi } from "../../api/api-context.js";
import { useAction } from "../../hooks/useAction.js";
import { Button } from "../../kit/Button.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { refreshReach, useReach } from "../../stores/reach-store.js";
import { useStaking } from "../../stores/staking-store.js";

/**
 * The router's public address changed under the staked endpoint (a dynamic IP): gateways are told an address that is
 * no longer this machine's. Offers the fix: take the new endpoint, then stake again with it below.
 */
export function AddressChangeOffer() {
  const api = useApi();
  const change = useReach((s) => s.status?.addressChange ?? null);
  const publicUrl = useStaking((s) => s.endpoint?.publicUrl ?? null);
  const adopt = useAction(async (url: string) => {
    useStaking.setState({ endpoint: await api.invoke("staking.setEndpoint", { publicUrl: url }) });
    await refreshReach(api);
  });
  if (!change) return null;
  return (
    <AddressChangeNotice change={change} adopted={publicUrl === change.proposedUrl}>
      <Button busy={adopt.busy} onClick={() => void adopt.run(change.proposedUrl)}>
        Use {change.proposedUrl} and update the stake
      </Button>
      {adopt.error != null && <ErrorMessage error={adopt.error} title="The endpoint was not changed." />}
    </AddressChangeNotice>
  );
}

/** What changed and what to do; `children` is the action that takes the new endpoint (until it is taken). */
export function AddressChangeNotice({ change, adopted, children }: { change: AddressChange; adopted: boolean; children?: ReactNode }) {
  return (
    <Message
      tone="warn"
      title={`Your public address changed: ${change.from} → ${change.to}.`}
      next={adopted ? "The new endpoint is set: press Update stake below (it asks for your passphrase) so gateways learn it." : children}
      testId="address-change"
    >
      Your stake still tells gateways <code>{change.stakedUrl}</code>, which no longer reaches this machine. Staking again with{" "}
      <code>{change.proposedUrl}</code> fixes it.
    </Message>
  );
}
