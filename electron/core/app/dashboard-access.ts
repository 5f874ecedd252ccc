import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { TOKEN_PARAM } from "../../../shared/api/index.js";
import { HostNames, isLoopbackHost } from "../runtime/host-names.js";
import { requestUrl } from "../runtime/http-guard.js";
import type { AccessToken } from "./access-token.js";

/** The dashboard page's credential: HttpOnly (page scripts cannot read it), same-site only (no cross-site request carries it). */
export const SESSION_COOKIE = "pf_session";

/**
 * Who may use the dashboard's API. Any web page the user opens can reach loopback, so:
 * - the Host header must be a name the engine answers to (loopback names, IP literals on a LAN bind, this machine's
 *   own names): a DNS-rebinding page sends its own domain as Host and is refused before anything else;
 * - every API connection carries a credential, on loopback too: the session cookie, which the page the engine serves
 *   receives without the user typing anything (on a LAN bind only after the printed URL's token was presented),
 *   or the token itself (scripts; the token file is 0600 in the data folder).
 */
export class DashboardAccess {
  private readonly loopbackBind: boolean;
  private readonly hostNames: HostNames;
  /**
   * What the session cookie carries: a random value of this run, never the access token. Browsers send a host's
   * cookies to every port of it, so the cookie must not outlive the engine or unlock the token file's credential.
   */
  private readonly session = randomBytes(32).toString("base64url");

  constructor(
    private readonly token: AccessToken,
    bindHost: string,
    machineName?: string,
  ) {
    this.loopbackBind = isLoopbackHost(bindHost);
    this.hostNames = new HostNames(bindHost, machineName);
  }

  /** Whether the Host header names this engine (and the port it listens on). */
  answersTo(hostHeader: string | undefined, port: number): boolean {
    return this.hostNames.answersTo(hostHeader, port);
  }

  /** The Set-Cookie value to send with the page, or null when this request may not have the session. */
  sessionCookie(request: IncomingMessage): string | null {
    if (!this.loopbackBind && !this.token.matches(requestUrl(request)?.searchParams.get(TOKEN_PARAM))) return null;
    return `${SESSION_COOKIE}=${this.session}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** Whether an API connection carries the session cookie or the token. */
  isAuthorized(request: IncomingMessage): boolean {
    return sameSecret(cookieValue(request.headers.cookie, SESSION_COOKIE), this.session) || this.token.matches(requestUrl(request)?.searchParams.get(TOKEN_PARAM));
  }
}

function sameSecret(candidate: string | null, secret: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
