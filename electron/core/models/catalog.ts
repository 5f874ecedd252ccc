// Bundled into the app (esbuild inlines it), so the built-in catalog is always the one this build was tested with.
import builtInDocument from "../../../models/catalog.json" with { type: "json" };
import {
  mergeCatalogs,
  parseCatalog,
  type CatalogEntry,
  type CatalogProblem,
  type ParsedCatalog,
} from "../../../shared/models/catalog-schema.js";
import type { Logger } from "../runtime/logger.js";
import { checkOutboundUrl, fetchOutbound } from "../runtime/outbound-url.js";

export const BUILT_IN_ORIGIN = "built-in";

/** A remote catalog is a small JSON file; anything much larger is not one. */
const REMOTE_CATALOG_MAX_BYTES = 4 * 1024 * 1024;

export interface RemoteCatalogStatus {
  url: string | null;
  fetchedAt: number | null;
  /** Why the last fetch failed (the built-in catalog is used alone meanwhile); null after a good fetch. */
  error: string | null;
}

export interface CatalogSnapshot {
  entries: CatalogEntry[];
  problems: CatalogProblem[];
  remote: RemoteCatalogStatus;
}

/** How the remote catalog is fetched: by default fetchOutbound (public https:// servers only, no redirects). */
type CatalogFetch = (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>;

const WHAT = "The remote catalog URL";

export interface ModelCatalogOptions {
  logger: Logger;
  /** Replaces the outbound fetch (tests); the URL is still checked before it is called. */
  fetch?: CatalogFetch;
  /** Development and tests: a catalog served over http:// from this machine is fetched too. */
  allowLoopback?: boolean;
  now?: () => number;
  /** Replaces models/catalog.json (tests). */
  builtInDocument?: unknown;
  remoteTimeoutMs?: number;
}

/**
 * The built-in catalog, optionally extended by one remote catalog URL. Every catalog goes through the same schema;
 * a bad remote entry, or a whole unreachable remote, is reported in `problems` and never stops the built-in list.
 */
export class ModelCatalog {
  private readonly builtIn: ParsedCatalog;
  private merged: ParsedCatalog;
  private remote: RemoteCatalogStatus = { url: null, fetchedAt: null, error: null };
  private readonly fetchImpl: CatalogFetch;
  private readonly now: () => number;

  constructor(private readonly options: ModelCatalogOptions) {
    this.builtIn = parseCatalog(options.builtInDocument ?? builtInDocument, BUILT_IN_ORIGIN);
    for (const problem of this.builtIn.problems) options.logger.error("built-in catalog entry is invalid", { ...problem });
    this.merged = this.builtIn;
    this.fetchImpl = options.fetch ?? ((url, init) => fetchOutbound(url, { ...init, what: WHAT, allowLoopback: options.allowLoopback }));
    this.now = options.now ?? Date.now;
  }

  snapshot(): CatalogSnapshot {
    return { entries: this.merged.entries, problems: this.merged.problems, remote: { ...this.remote } };
  }

  get(id: string): CatalogEntry | undefined {
    return this.merged.entries.find((entry) => entry.id === id);
  }

  /** Fetches `url` (or drops the remote part when null) and merges it over the built-in list. */
  async refresh(url: string | null): Promise<CatalogSnapshot> {
    if (!url) {
      this.merged = this.builtIn;
      this.remote = { url: null, fetchedAt: null, error: null };
      return this.snapshot();
    }
    try {
      const document = await this.fetchDocument(url);
      this.merged = mergeCatalogs(this.builtIn, parseCatalog(document, url), url);
      this.remote = { url, fetchedAt: this.now(), error: null };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.logger.warn("remote model catalog unavailable; using the built-in one", { url, error: message });
      this.merged = {
        entries: this.builtIn.entries,
        problems: [...this.builtIn.problems, { origin: url, entry: null, message }],
      };
      this.remote = { url, fetchedAt: null, error: message };
    }
    return this.snapshot();
  }

  private async fetchDocument(url: string): Promise<unknown> {
    // Scheme and address literals are checked whatever fetches; names are checked again when fetchOutbound connects.
    checkOutboundUrl(url, { what: WHAT, allowLoopback: this.options.allowLoopback });
    const response = await this.fetchImpl(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(this.options.remoteTimeoutMs ?? 15_000),
    });
    if (!response.ok) throw new Error(`The remote catalog at ${url} answered HTTP ${response.status}`);
    const declared = Number(response.headers.get("content-length") ?? 0);
    if (declared > REMOTE_CATALOG_MAX_BYTES) throw new Error(`The remote catalog at ${url} is larger than ${REMOTE_CATALOG_MAX_BYTES} bytes`);
    const text = await response.text();
    if (text.length > REMOTE_CATALOG_MAX_BYTES) throw new Error(`The remote catalog at ${url} is larger than ${REMOTE_CATALOG_MAX_BYTES} bytes`);
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`The remote catalog at ${url} is not valid JSON`);
    }
  }
}
