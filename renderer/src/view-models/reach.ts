import type { MappingStatus, ReachCheckStep, ReachStatus } from "../../../shared/api/reach.js";

export const PROTOCOL_LABELS: Record<NonNullable<MappingStatus["protocol"]>, string> = {
  "upnp-igd1": "UPnP-IGD v1",
  "upnp-igd2": "UPnP-IGD v2",
  pcp: "PCP",
  "nat-pmp": "NAT-PMP",
};

export const METHOD_LABELS: Record<ReachStatus["method"], string> = {
  off: "Off (forward the port yourself)",
  port_mapping: "Port mapping on the router",
  tunnel: "Tunnel",
};

function minutes(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  return m >= 90 ? `${Math.round(m / 60)} h` : `${m} min`;
}

/** "renewed 3 min ago, runs out in 57 min", "permanent (removed when PocketForge stops)" or "—". */
export function leaseText(mapping: MappingStatus | null, now: number): string {
  if (!mapping || mapping.state !== "mapped" || mapping.leaseSeconds === null) return "—";
  if (mapping.leaseSeconds === 0) return "permanent (the router grants no timed lease; removed when PocketForge stops)";
  const renewed = mapping.renewedAt !== null ? `renewed ${minutes(now - mapping.renewedAt)} ago, ` : "";
  return mapping.leaseExpiresAt !== null ? `${renewed}runs out in ${minutes(mapping.leaseExpiresAt - now)} unless renewed (at half its life)` : `${mapping.leaseSeconds} s`;
}

/** The rows of the reachability card: method, router, external address, mapped port, lease, last check. */
export function reachFacts(status: ReachStatus, now: number): Array<{ label: string; value: string; testId: string }> {
  const m = status.mapping;
  const rows = [{ label: "Method", value: METHOD_LABELS[status.method], testId: "reach-method" }];
  if (status.method === "port_mapping") {
    rows.push(
      { label: "Router", value: m?.protocol ? `${PROTOCOL_LABELS[m.protocol]} at ${m.gateway}` : m?.state === "discovering" ? "looking for it…" : "none found", testId: "reach-router" },
      {
        label: "External address",
        value: status.externalAddress ? `${status.externalAddress}${status.addressKind && status.addressKind !== "public" ? ` (${{ private: "private: double NAT", cgnat: "carrier-grade NAT", unspecified: "none" }[status.addressKind]})` : ""}` : "—",
        testId: "reach-external",
      },
      { label: "Mapped port", value: m?.state === "mapped" && m.externalPort !== null ? `TCP ${m.externalPort} → ${m.internalAddress}:${m.internalPort}` : "—", testId: "reach-port" },
      { label: "Lease", value: leaseText(m, now), testId: "reach-lease" },
    );
  }
  if (status.method === "tunnel") rows.push({ label: "Tunnel URL", value: status.tunnelUrl ?? "—", testId: "reach-tunnel" });
  rows.push({ label: "Last check", value: status.lastCheck ? `${minutes(now - status.lastCheck.at)} ago` : "never", testId: "reach-last-check" });
  return rows;
}

export function outcomeTone(outcome: ReachCheckStep["outcome"]): "ok" | "error" | "warn" | "neutral" {
  return { proven: "ok", failed: "error", not_proven: "warn", skipped: "neutral" }[outcome] as "ok" | "error" | "warn" | "neutral";
}

export const OUTCOME_LABELS: Record<ReachCheckStep["outcome"], string> = { proven: "proven", failed: "failed", not_proven: "not proven", skipped: "skipped" };
