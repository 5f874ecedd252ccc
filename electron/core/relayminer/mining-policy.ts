// Which served relays are mined (docs/protocol.md §6.5). pocket-relay-miner mines every relay its backend answered
// below 500. PocketForge also leaves out the 4xx statuses that say the supplier, not the request, failed: the
// application must not pay for a model or route this supplier lacks, for its backend's own credentials, or for its
// lack of capacity or time. A client's own mistake (400 malformed JSON, 413 too large, 422 …) was served and is mined.

/** 4xx statuses that mean the supplier did not serve what the service promises. */
export const SUPPLIER_FAULT_STATUSES: ReadonlySet<number> = new Set([
  401, // the backend's own credentials are wrong (misconfigured supplier)
  403, // the backend refuses this supplier
  404, // no such model or route on this supplier (e.g. model_not_found of a per-model service)
  407, // a proxy in front of the backend wants credentials
  408, // the backend timed out
  421, // the backend answers to another host name (misconfigured supplier)
  429, // the backend's own rate limit: no capacity, like 503
]);

export type UnminedStatusReason = "backend_error" | "backend_refused";

/** Why a relay whose backend answered `status` is not mined; undefined when it is. */
export function unminedStatusReason(status: number): UnminedStatusReason | undefined {
  if (status >= 500) return "backend_error";
  if (SUPPLIER_FAULT_STATUSES.has(status)) return "backend_refused";
  return undefined;
}
