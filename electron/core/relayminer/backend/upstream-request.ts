// The backend request built from a relay's POKTHTTPRequest (docs/protocol.md §3.4): the gateway's URL re-rooted on
// the backend (scheme and host replaced, paths joined and cleaned like Go's path.Join, query values merged
// and sorted by key), the relay's headers, then the backend's own authentication and headers.
import type { POKTHTTPRequest } from "../../pokt/proto/http.js";
import type { SessionHeader } from "../../pokt/proto/session.js";

export interface UpstreamRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions?x=1`. */
  path: string;
  /** Header name → values, names as the relay spelled them. */
  headers: Map<string, string[]>;
  body: Uint8Array;
}

export interface UpstreamTarget {
  /** Base URL of the backend; the in-process engine uses a placeholder origin and only its path matters. */
  baseUrl: URL;
  headers?: Readonly<Record<string, string>>;
  basicAuth?: { username: string; password: string };
  forwardPocketHeaders?: boolean;
}

/** Go's path.Join: join with "/", then Clean (collapse "//", resolve "." and "..", drop a trailing "/"). */
export function joinUrlPath(...parts: string[]): string {
  const joined = parts.filter((p) => p !== "").join("/");
  if (joined === "") return "";
  const rooted = joined.startsWith("/");
  const out: string[] = [];
  for (const segment of joined.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(segment);
  }
  const cleaned = out.join("/");
  return rooted ? `/${cleaned}` : cleaned || ".";
}

/** Query values of the relay plus those of the backend URL, keys sorted (Go's url.Values.Encode). */
function mergedQuery(requestQuery: URLSearchParams, backendQuery: URLSearchParams): string {
  const merged = new URLSearchParams(requestQuery);
  for (const [key, value] of backendQuery) merged.append(key, value);
  merged.sort();
  return merged.toString();
}

/**
 * The relay's URL is whatever the gateway concatenated (its public URL + the user's path), so only its path
 * and query are used. An unparsable URL is refused: there is no path to forward.
 * @throws TypeError for a URL that cannot be parsed
 */
export function buildUpstreamRequest(
  payload: POKTHTTPRequest,
  target: UpstreamTarget,
  session: { header: SessionHeader; operatorAddress: string },
): UpstreamRequest {
  const requestUrl = new URL(payload.url === "" ? "/" : payload.url, "http://relay.invalid");
  // Both paths are in their percent-encoded form, so joining them needs no decoding (which could fail).
  const pathname = joinUrlPath(target.baseUrl.pathname, requestUrl.pathname) || "/";
  // Most relays and backends carry no query; parsing two empty ones would still build three URLSearchParams.
  const query = requestUrl.search === "" && target.baseUrl.search === "" ? "" : mergedQuery(requestUrl.searchParams, target.baseUrl.searchParams);
  const path = pathname + (query ? `?${query}` : "");

  const headers = new Map<string, string[]>();
  const set = (name: string, values: string[]) => {
    // One entry per case-insensitive name: a later source overrides an earlier one, like Go's Header.Set.
    for (const existing of headers.keys()) if (existing.toLowerCase() === name.toLowerCase()) headers.delete(existing);
    headers.set(name, values);
  };
  if (target.forwardPocketHeaders) {
    const { header } = session;
    set("Pocket-Supplier", [session.operatorAddress]);
    set("Pocket-Service", [header.serviceId]);
    set("Pocket-Session-Id", [header.sessionId]);
    set("Pocket-Application", [header.applicationAddress]);
    set("Pocket-Session-Start-Height", [header.sessionStartBlockHeight.toString()]);
    set("Pocket-Session-End-Height", [header.sessionEndBlockHeight.toString()]);
  }
  for (const [name, header] of payload.header) {
    if (isHopByHop(name) || header.values.length === 0) continue;
    set(name, [...header.values]);
  }
  if (target.basicAuth) {
    const token = Buffer.from(`${target.basicAuth.username}:${target.basicAuth.password}`).toString("base64");
    set("Authorization", [`Basic ${token}`]);
  }
  for (const [name, value] of Object.entries(target.headers ?? {})) set(name, [value]);
  return { method: payload.method || "GET", path, headers, body: payload.bodyBz };
}

/** Headers that describe the gateway's connection, not the request; the backend connection has its own. */
function isHopByHop(name: string): boolean {
  switch (name.toLowerCase()) {
    case "host":
    case "connection":
    case "keep-alive":
    case "transfer-encoding":
    case "content-length":
    case "upgrade":
    case "proxy-connection":
      return true;
    default:
      return false;
  }
}
