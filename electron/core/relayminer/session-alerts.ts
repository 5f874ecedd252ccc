import type { EventPayload } from "../../../shared/api/index.js";
import type { AlertInput } from "../runtime/alerts.js";

type SessionEvent = EventPayload<"miner.session">;

/**
 * The relay miner's session changes that need the user, as alerts. Skipped claims are one problem each (not one
 * per session: a drained operator skips every claim); a failed proof is reported per session, since each one
 * costs that session's reward or a penalty.
 */
export function alertForMinerSession(event: SessionEvent): AlertInput | null {
  const reason = event.reason ?? "";
  if (reason.startsWith("insufficient_balance")) {
    return {
      kind: "low_operator_balance",
      key: "low_operator_balance",
      title: "Operator balance too low to claim",
      message: `A claim for session ${event.sessionId} was not submitted: ${detail(reason)}. Send POKT to the operator account.`,
      route: "wallet",
    };
  }
  if (reason.startsWith("unprofitable")) {
    return {
      kind: "claim_skipped_fees",
      key: "claim_skipped_fees",
      title: "Claim skipped: fees exceed the reward",
      message: `Session ${event.sessionId} (${event.serviceId}) was not claimed: ${detail(reason)}.`,
      route: "dashboard",
    };
  }
  const proofLost =
    event.stage === "slashed" ||
    (event.stage === "expired" && reason.startsWith("proof_missing")) ||
    (event.stage === "proven" && reason.startsWith("the proof window closed"));
  if (proofLost) {
    return {
      kind: "proof_failed",
      key: `proof_failed:${event.sessionId}`,
      title: event.stage === "slashed" ? "Proof missing: stake penalised" : "Proof failed",
      message: `Session ${event.sessionId} (${event.serviceId}): ${reason || event.stage}.`,
      route: "dashboard",
    };
  }
  return null;
}

/** "unprofitable: the claim would earn…" → "the claim would earn…" */
function detail(reason: string): string {
  const colon = reason.indexOf(":");
  return colon >= 0 ? reason.slice(colon + 1).trim() : reason;
}
