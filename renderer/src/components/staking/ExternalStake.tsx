import type { StakeCommand } from "../../../../shared/api/index.js";
import { useApi } from "../../api/api-context.js";
import { Button } from "../../kit/Button.js";
import { CopyButton } from "../../kit/CopyButton.js";
import { ErrorMessage, Message } from "../../kit/Message.js";
import { useAction } from "../../hooks/useAction.js";
import { refreshStaking } from "../../stores/staking-store.js";

/** For an owner key kept elsewhere: the stake config and the exact pocketd command, to run where that key lives. */
export function ExternalStake({ build, ownerIsSomeoneElse = false }: { build: () => Promise<StakeCommand>; ownerIsSomeoneElse?: boolean }) {
  const api = useApi();
  const prepare = useAction(build);
  const recheck = useAction(() => refreshStaking(api));
  const command = prepare.data;
  return (
    <div className="stack" data-testid="external-stake">
      {ownerIsSomeoneElse ? (
        <Message tone="info" title="The owner signs this stake with their key.">
          Send the owner the config below and the command; they save the config as a file and run the command where their key lives.
        </Message>
      ) : (
        <Message tone="info" title="Your owner key signs this stake outside PocketForge.">
          Save the config below as a file, then run the command on the machine (or with the hardware wallet) that holds the owner key.
        </Message>
      )}
      <Button variant="secondary" busy={prepare.busy} onClick={() => void prepare.run()}>
        {command ? "Prepare again" : "Prepare the stake command"}
      </Button>
      {prepare.error != null && <ErrorMessage error={prepare.error} />}
      {command && (
        <>
          <div className="row row-center">
            <strong>{command.configFileName}</strong>
            <CopyButton text={command.yaml} label="Copy config" />
          </div>
          <pre className="reply">{command.yaml}</pre>
          <div className="row row-center">
            <strong>Command</strong>
            <CopyButton text={command.command} label="Copy command" />
          </div>
          <pre className="reply">{command.command}</pre>
          <Button busy={recheck.busy} onClick={() => void recheck.run()}>
            I ran it: check the chain
          </Button>
        </>
      )}
    </div>
  );
}
