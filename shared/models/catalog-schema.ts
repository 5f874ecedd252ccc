import { z } from "zod";

/**
 * The model catalog's on-disk format (models/catalog.json and any remote catalog that extends it). Pure: shared by the
 * engine, which validates every catalog it reads with it, and the renderer, which shows the entries.
 */

/** Written into every catalog file; a catalog with another value is refused as a whole. */
export const CATALOG_SCHEMA = "pocketforge-catalog-v1";

/** docs/protocol.md §10.2: what MsgAddService accepts as a service id. */
export const SERVICE_ID_PATTERN = /^[a-zA-Z0-9_-]+$/;
export const SERVICE_ID_MAX_LENGTH = 42;

export const ServiceId = z
  .string()
  .min(1, "a service id cannot be empty")
  .max(SERVICE_ID_MAX_LENGTH, `a service id has at most ${SERVICE_ID_MAX_LENGTH} characters`)
  .regex(SERVICE_ID_PATTERN, "a service id may contain only letters, digits, '_' and '-'");

export const Sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "a sha256 is 64 lowercase hex characters");

/**
 * CIDv0 (base58btc, "Qm…") or CIDv1 in base32 ("b…"), the two forms gateways and kubo print. Shape only: the engine
 * parses it with multiformats before use.
 */
export const CidString = z
  .string()
  .regex(/^(Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{50,})$/, "expected a CIDv0 (Qm…) or base32 CIDv1 (b…)");

/** Arweave transaction ids are 32 bytes in unpadded base64url. */
export const ArweaveTxId = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "an Arweave transaction id is 43 base64url characters");

export const ModelSource = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ipfs"), cid: CidString }).strict(),
  z.object({ kind: z.literal("arweave"), txId: ArweaveTxId }).strict(),
  z
    .object({
      kind: z.literal("https"),
      url: z.string().url().refine((u) => u.startsWith("https://"), "only https:// URLs are catalog sources"),
    })
    .strict(),
]);
export type ModelSource = z.infer<typeof ModelSource>;
export type ModelSourceKind = ModelSource["kind"];

/** Transformer shape facts the fit planner needs before a file is on disk (from the model's published config). */
export const ArchitectureFacts = z
  .object({
    layers: z.number().int().min(1),
    /** Key/value heads (grouped-query attention) and the width of one head: they size the KV cache. */
    kvHeads: z.number().int().min(1),
    headDim: z.number().int().min(1),
  })
  .strict();
export type ArchitectureFacts = z.infer<typeof ArchitectureFacts>;

export const CatalogEntry = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,79}$/, "lowercase letters, digits, '.', '_' and '-' (2–80 characters)"),
    name: z.string().min(1).max(120),
    family: z.string().min(1).max(40),
    /** SPDX id where one exists (apache-2.0, mit), else the licence's usual short name (llama3.1, gemma). */
    license: z.string().min(1).max(60),
    parameters: z.number().positive().describe("parameter count"),
    quantization: z.string().min(1).max(20),
    /** Exact size of the GGUF file; absent when no public source states it (the download learns it from the source). */
    sizeBytes: z.number().int().positive().optional(),
    /** Only a value found in a public source (Hugging Face LFS pointer or a repository pinning it); never guessed. */
    sha256: Sha256Hex.optional(),
    /** True exactly when sha256 is known, so a finished download can be checked byte for byte. */
    verified: z.boolean(),
    contextLength: z.number().int().min(128),
    architecture: ArchitectureFacts,
    /** Memory to hold the model with `contextTokens` of KV cache, fully on one GPU (vram) or on the CPU (ram). */
    needs: z
      .object({
        vramBytes: z.number().int().positive(),
        ramBytes: z.number().int().positive(),
        contextTokens: z.number().int().min(128),
      })
      .strict(),
    pokt: z
      .object({
        serviceId: ServiceId,
        /**
         * Relative reward per generated token the catalog expects this service to pay, 1 = the smallest chat
         * models. A curated proxy until the chain client reads each service's compute_units_per_relay.
         */
        weight: z.number().positive().max(1000),
      })
      .strict(),
    sources: z.array(ModelSource).min(1, "list at least one source"),
    /** Tiny models for tests and smoke checks; the wizard never recommends them. */
    testOnly: z.boolean().optional(),
    description: z.string().max(500).optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (entry.verified !== (entry.sha256 !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["verified"],
        message: entry.sha256 ? "an entry with a sha256 is verified: true" : "an entry without a sha256 must say verified: false",
      });
    }
    const kinds = entry.sources.map((s) => JSON.stringify(s));
    if (new Set(kinds).size !== kinds.length) ctx.addIssue({ code: "custom", path: ["sources"], message: "a source is listed twice" });
  });
export type CatalogEntry = z.infer<typeof CatalogEntry>;

/** The file's outer shape; entries are checked one by one so one bad entry does not sink the others. */
export const CatalogFile = z
  .object({
    schema: z.literal(CATALOG_SCHEMA),
    models: z.array(z.unknown()),
  })
  .loose();

export interface CatalogProblem {
  /** Which catalog (e.g. "built-in", or the remote URL). */
  origin: string;
  /** Entry index or id when the problem is one entry's; null for the file as a whole. */
  entry: string | null;
  message: string;
}

export interface ParsedCatalog {
  entries: CatalogEntry[];
  problems: CatalogProblem[];
}

/** Validates a catalog document; bad entries and duplicate ids are reported and skipped, never fatal. */
export function parseCatalog(document: unknown, origin: string): ParsedCatalog {
  const file = CatalogFile.safeParse(document);
  if (!file.success) {
    return {
      entries: [],
      problems: [{ origin, entry: null, message: `not a ${CATALOG_SCHEMA} catalog: ${issueText(file.error)}` }],
    };
  }
  const entries: CatalogEntry[] = [];
  const problems: CatalogProblem[] = [];
  const seen = new Set<string>();
  file.data.models.forEach((raw, index) => {
    const label = typeof (raw as { id?: unknown })?.id === "string" ? (raw as { id: string }).id : `#${index}`;
    const parsed = CatalogEntry.safeParse(raw);
    if (!parsed.success) {
      problems.push({ origin, entry: label, message: issueText(parsed.error) });
      return;
    }
    if (seen.has(parsed.data.id)) {
      problems.push({ origin, entry: label, message: "duplicate id; the first entry with this id is kept" });
      return;
    }
    seen.add(parsed.data.id);
    entries.push(parsed.data);
  });
  return { entries, problems };
}

/**
 * A remote catalog may add models but never replace a built-in one: otherwise whoever controls that URL could swap
 * the sha256 of a model the user already trusts.
 */
export function mergeCatalogs(builtIn: ParsedCatalog, remote: ParsedCatalog, remoteOrigin: string): ParsedCatalog {
  const ids = new Set(builtIn.entries.map((e) => e.id));
  const added: CatalogEntry[] = [];
  const problems = [...builtIn.problems, ...remote.problems];
  for (const entry of remote.entries) {
    if (ids.has(entry.id)) {
      problems.push({ origin: remoteOrigin, entry: entry.id, message: "a built-in model has this id; the built-in entry is kept" });
      continue;
    }
    ids.add(entry.id);
    added.push(entry);
  }
  return { entries: [...builtIn.entries, ...added], problems };
}

function issueText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(entry)"}: ${i.message}`).join("; ");
}
