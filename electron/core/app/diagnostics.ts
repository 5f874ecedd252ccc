import type { DiagnosticsBundle } from "../../../shared/api/index.js";

/** Keys whose values never enter a bundle, however deep they sit (narrower than the log sink's rule, so figures such as tokensGenerated survive). */
const SECRET_KEY = /mnemonic|passphrase|password|private.?key|secret|seed|^token$|access.?token|auth|api.?key|x-api-key/i;

/** Credentials inside URLs: `user:pass@`, secret-looking query parameters, and API keys that providers put in the path. */
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;
const QUERY_SECRET = /([?&](?:api[-_]?key|key|token|access[-_]?token|auth|secret|password)=)[^&#\s"']+/gi;
/** A path segment of 20+ URL-safe characters mixing letters and digits: how RPC providers embed keys (`/v2/<key>`). */
const PATH_KEY = /\/(?=[A-Za-z0-9_-]{20,}(?:[/?#]|$))(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}/g;

export function scrubUrls(text: string): string {
  return text.replace(URL_PATTERN, (url) =>
    url
      .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i, "$1[redacted]@")
      .replace(QUERY_SECRET, "$1[redacted]")
      .replace(/^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/i, (_m, origin: string, rest: string) => origin + rest.replace(PATH_KEY, "/[redacted]")),
  );
}

export interface DiagnosticsSources {
  /** Sections of the bundle, each read independently: one that fails is reported as its error, not fatal. */
  sections: Record<string, () => unknown>;
  /** Exact secret strings (e.g. the dashboard access token) scrubbed wherever they appear, even inside log text. */
  secrets: () => string[];
  now?: () => number;
}

/**
 * A support bundle a person can attach to a bug report: what ran, on what, with which settings, and recent logs.
 * Keys are redacted by name, and known secret values by content, so a bundle is safe to share.
 */
export async function buildDiagnostics(sources: DiagnosticsSources): Promise<DiagnosticsBundle> {
  const now = (sources.now ?? Date.now)();
  const body: Record<string, unknown> = { format: "pocketforge-diagnostics-v1", createdAt: new Date(now).toISOString() };
  for (const [name, read] of Object.entries(sources.sections)) {
    try {
      body[name] = await read();
    } catch (error) {
      body[name] = { unavailable: error instanceof Error ? error.message : String(error) };
    }
  }
  const secrets = sources.secrets().filter((s) => s.length >= 8);
  const content = JSON.stringify(redactValue(body, secrets), null, 2);
  const stamp = new Date(now).toISOString().replace(/[:.]/g, "-");
  return { fileName: `pocketforge-diagnostics-${stamp}.json`, content };
}

export function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === "string") return scrubUrls(secrets.reduce((text, secret) => text.split(secret).join("[redacted]"), value));
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return redactValue(value.message, secrets);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? "[redacted]" : redactValue(inner, secrets);
    return out;
  }
  return value;
}
