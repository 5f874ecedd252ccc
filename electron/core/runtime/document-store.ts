import { existsSync, readFileSync, renameSync } from "node:fs";
import type { z } from "zod";
import { writeFileAtomic } from "./atomic-file.js";

/** The minimal logger the store needs, so the kernel stays independent of any logger implementation. */
export interface DocumentStoreLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * How a file says which version wrote it. Files already on users' disks use both spellings, so both are kept:
 * - envelope: `{ "format": "pocketforge-x-v1", "<key>": <document> }`;
 * - field: the document itself carries a numeric field (config.json's `version`), passed to the schema as is.
 */
export type DocumentVersion =
  | { kind: "envelope"; format: string; key: string }
  | { kind: "field"; field: string; version: number };

export interface DocumentStoreOptions<S extends z.ZodType> {
  path: string;
  schema: S;
  version: DocumentVersion;
  defaults: () => z.infer<S>;
  logger: DocumentStoreLogger;
  /** 0o600 unless the file holds nothing private. */
  mode?: number;
  /**
   * Reads a file written before it carried a version tag: returns the document to validate, or undefined when the
   * file is not such a file. The next save writes the tagged form.
   */
  legacy?: (raw: unknown) => unknown;
  now?: () => number;
}

/** Why a file on disk was not used. */
export type SetAsideReason = "unreadable" | "invalid";

/** A file written by a newer build: its data would be lost by a save, so the engine stops instead. */
export class NewerDocumentError extends Error {
  constructor(readonly path: string, readonly found: string | number) {
    super(`${path} was written by a newer PocketForge (${String(found)}); update PocketForge, or start with another data folder`);
    this.name = "NewerDocumentError";
  }
}

const ENVELOPE_FORMAT = /^(.*)-v(\d+)$/;

/**
 * One policy for every settings file:
 * - a file that cannot be read or fails its schema is renamed aside (timestamp suffix, never deleted or
 *   overwritten), a warning is logged, and the defaults are used;
 * - a file written by a newer build is left untouched and loading throws NewerDocumentError: starting on defaults
 *   would silently change what the engine does (another network, other ports), and saving would lose the file's data.
 */
export class DocumentStore<S extends z.ZodType> {
  readonly path: string;
  private current: z.infer<S>;
  /** Set when the file on disk was set aside at load; tests and diagnostics read it. */
  setAside: { reason: SetAsideReason; keptAt: string } | null = null;

  constructor(private readonly options: DocumentStoreOptions<S>) {
    this.path = options.path;
    this.current = this.load();
  }

  get(): z.infer<S> {
    return structuredClone(this.current);
  }

  /** Validates, writes atomically, then adopts `next`; a rejected value leaves both memory and disk unchanged. */
  set(next: z.input<S>): z.infer<S> {
    const parsed = this.options.schema.parse(next) as z.infer<S>;
    writeFileAtomic(this.path, JSON.stringify(this.wrap(parsed), null, 2) + "\n", this.options.mode ?? 0o600);
    this.current = parsed;
    return this.get();
  }

  update(mutate: (draft: z.infer<S>) => z.input<S> | void): z.infer<S> {
    const draft = this.get();
    const result = mutate(draft);
    return this.set((result === undefined ? draft : result) as z.input<S>);
  }

  private wrap(value: z.infer<S>): unknown {
    const v = this.options.version;
    if (v.kind === "envelope") return { format: v.format, [v.key]: value };
    return { ...(value as object), [v.field]: v.version };
  }

  private load(): z.infer<S> {
    if (!existsSync(this.path)) return this.options.defaults();
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, "utf8"));
    } catch (error) {
      return this.keepAside("unreadable", { error: error instanceof Error ? error.message : String(error) });
    }
    const unwrapped = this.unwrap(raw);
    if (unwrapped.kind === "newer") throw new NewerDocumentError(this.path, unwrapped.found);
    if (unwrapped.kind === "foreign") return this.keepAside("invalid", { problems: [unwrapped.problem] });
    const parsed = this.options.schema.safeParse(unwrapped.value);
    if (!parsed.success) {
      return this.keepAside("invalid", {
        problems: parsed.error.issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`),
      });
    }
    return parsed.data as z.infer<S>;
  }

  private unwrap(raw: unknown):
    | { kind: "ok"; value: unknown }
    | { kind: "newer"; found: string | number }
    | { kind: "foreign"; problem: string } {
    const tagged = this.unwrapTagged(raw);
    if (tagged.kind !== "foreign" || !this.options.legacy) return tagged;
    const legacy = this.options.legacy(raw);
    return legacy === undefined ? tagged : { kind: "ok", value: legacy };
  }

  private unwrapTagged(raw: unknown):
    | { kind: "ok"; value: unknown }
    | { kind: "newer"; found: string | number }
    | { kind: "foreign"; problem: string } {
    const v = this.options.version;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return { kind: "foreign", problem: "not a JSON object" };
    const doc = raw as Record<string, unknown>;
    if (v.kind === "field") {
      const found = doc[v.field];
      if (typeof found === "number" && found > v.version) return { kind: "newer", found };
      if (found !== v.version) return { kind: "foreign", problem: `${v.field}: expected ${v.version}, found ${String(found)}` };
      // The schema may name the field too (config.json's type carries its version); saving writes it either way.
      return { kind: "ok", value: doc };
    }
    const found = doc.format;
    if (found === v.format) return { kind: "ok", value: doc[v.key] };
    const ours = ENVELOPE_FORMAT.exec(v.format);
    const theirs = typeof found === "string" ? ENVELOPE_FORMAT.exec(found) : null;
    if (ours && theirs && ours[1] === theirs[1] && Number(theirs[2]) > Number(ours[2])) return { kind: "newer", found: found as string };
    return { kind: "foreign", problem: `format: expected ${v.format}, found ${String(found)}` };
  }

  private keepAside(reason: SetAsideReason, fields: Record<string, unknown>): z.infer<S> {
    const stamp = `${this.path}.${reason}-${(this.options.now ?? Date.now)()}`;
    // rename replaces its target, so an earlier kept-aside file with the same stamp must not be reused.
    let keptAt = stamp;
    for (let n = 1; existsSync(keptAt); n++) keptAt = `${stamp}-${n}`;
    renameSync(this.path, keptAt);
    this.setAside = { reason, keptAt };
    const why = { unreadable: "was not valid JSON", invalid: "had invalid settings" }[reason];
    this.options.logger.warn(`${this.path} ${why}; kept it aside and started with defaults`, { ...fields, keptAt });
    return this.options.defaults();
  }
}
