import type { PeerView, SharingSettings } from "../../../shared/api/sharing.js";
import { isLoopbackHost } from "../../../shared/hosts.js";

/** The Settings form's text fields for sharing, as typed (numbers are parsed on save). */
export interface SharingDraft {
  serve: boolean;
  host: string;
  port: string;
  announce: boolean;
  discover: boolean;
  usePeers: boolean;
  perPeerRequestsPerSecond: string;
  /** Empty for no cap. */
  uploadLimitMiBps: string;
}

export function draftOf(settings: SharingSettings): SharingDraft {
  return {
    serve: settings.serve,
    host: settings.host,
    port: String(settings.port),
    announce: settings.announce,
    discover: settings.discover,
    usePeers: settings.usePeers,
    perPeerRequestsPerSecond: String(settings.perPeerRequestsPerSecond),
    uploadLimitMiBps: settings.uploadLimitMiBps === null ? "" : String(settings.uploadLimitMiBps),
  };
}

export type DraftProblems = Partial<Record<"host" | "port" | "perPeerRequestsPerSecond" | "uploadLimitMiBps", string>>;

/** The settings a draft stands for, or what is wrong with its fields (the engine checks again). */
export function parseDraft(draft: SharingDraft): { settings: Omit<SharingSettings, "peers">; problems: DraftProblems } {
  const problems: DraftProblems = {};
  const host = draft.host.trim();
  if (!/^[0-9a-fA-F:.]+$/.test(host)) problems.host = "An IP address such as 0.0.0.0 (every interface) or 192.168.1.20.";
  const port = Number(draft.port.trim());
  if (!/^\d+$/.test(draft.port.trim()) || port > 65535) problems.port = "A port from 1 to 65535 (0 picks a free one at each start).";
  const perPeer = Number(draft.perPeerRequestsPerSecond.trim());
  if (!/^\d+$/.test(draft.perPeerRequestsPerSecond.trim()) || perPeer < 1 || perPeer > 100_000) problems.perPeerRequestsPerSecond = "Whole requests per second, 1 to 100000.";
  const capText = draft.uploadLimitMiBps.trim();
  const cap = capText === "" ? null : Number(capText);
  if (cap !== null && (!Number.isFinite(cap) || cap <= 0 || cap > 100_000)) problems.uploadLimitMiBps = "MiB/s above 0 (up to 100000), or empty for no cap.";
  return {
    settings: {
      serve: draft.serve,
      host,
      port,
      announce: draft.announce,
      discover: draft.discover,
      usePeers: draft.usePeers,
      perPeerRequestsPerSecond: perPeer,
      uploadLimitMiBps: cap,
    },
    problems,
  };
}

/** Whether saving starts serving on an address other machines reach: the engine then asks for the wallet passphrase. */
export function opensBeyondLoopback(current: SharingSettings, next: Pick<SharingSettings, "serve" | "host">): boolean {
  return next.serve && !isLoopbackHost(next.host) && (!current.serve || isLoopbackHost(current.host));
}

/** A CID in a table: its start and end, the whole one in the title and the copy button. */
export function shortCid(cid: string): string {
  return cid.length <= 20 ? cid : `${cid.slice(0, 10)}…${cid.slice(-6)}`;
}

export type PeerState = { label: string; tone: "ok" | "warn" | "error" | "neutral" };

/** A peer's state in words: answered (with how many models it offers), could not be read, or not asked yet. */
export function peerState(peer: PeerView): PeerState {
  if (peer.error) return { label: "unreachable", tone: "error" };
  if (peer.seenAt === null) return { label: "not reached yet", tone: "neutral" };
  return { label: "answered", tone: "ok" };
}
