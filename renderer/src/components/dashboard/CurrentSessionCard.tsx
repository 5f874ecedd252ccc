import { Badge } from "../../kit/Badge.js";
import { Card } from "../../kit/Card.js";
import { ProgressBar } from "../../kit/ProgressBar.js";
import { Stat } from "../../kit/Stat.js";
import { useMiner } from "../../stores/miner-store.js";
import { stageView } from "../../view-models/earnings.js";

/** The session being served now: where the chain is in it, and what it has produced so far. */
export function CurrentSessionCard() {
  const metrics = useMiner((s) => s.metrics);
  const sessions = useMiner((s) => s.sessions);
  const session = metrics?.currentSession ?? null;
  const ledger = session ? sessions?.find((s) => s.sessionId === session.sessionId) : undefined;
  const height = metrics?.height ?? null;
  const blocksLeft = session && height != null ? Math.max(0, session.endHeight - height) : null;
  const stage = session ? stageView(session.stage) : null;
  return (
    <Card title="Current session" subtitle="Rewards are counted per session; each ends after a fixed number of blocks." testId="current-session" actions={stage && <Badge tone={stage.tone}>{stage.label}</Badge>}>
      <div className="stats">
        <Stat label="Chain height" value={height != null ? height.toLocaleString("en-US") : "—"} unit="blocks" testId="chain-height" />
        <Stat label="Blocks left" value={blocksLeft != null ? String(blocksLeft) : "—"} unit="blocks" hint={session ? `ends at ${session.endHeight}` : undefined} />
        {/* Both counts come from the same ledger row, so mined (a subset of served) never shows above served. */}
        <Stat label="Relays served" value={ledger ? ledger.relays.toLocaleString("en-US") : session ? "0" : "—"} unit="relays" testId="session-relays" />
        <Stat
          label="Relays mined"
          value={ledger ? ledger.minedRelays.toLocaleString("en-US") : session ? "0" : "—"}
          unit="relays"
          hint="Of those served, the ones the claim counts towards the reward"
          testId="session-mined"
        />
        <Stat label="Compute units" value={session ? BigInt(session.computeUnits).toLocaleString("en-US") : "—"} unit="CU" />
      </div>
      {session ? (
        <div className="session-progress">
          <ProgressBar
            label="Session progress"
            fraction={session.progress}
            start={
              <>
                Service <code>{session.serviceId}</code> · session <code title={session.sessionId}>{session.sessionId.slice(0, 10)}…</code>
              </>
            }
            end={`blocks ${session.startHeight}–${session.endHeight}`}
          />
        </div>
      ) : (
        <p className="muted small session-progress">No session yet: one starts when a gateway sends the first relay to your supplier.</p>
      )}
    </Card>
  );
}
