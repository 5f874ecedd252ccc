import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { z } from "zod";
import { InstalledModel } from "../../../shared/api/models.js";
import type { Logger } from "../runtime/logger.js";
import { writeFileAtomic } from "../runtime/atomic-file.js";

const INDEX_FORMAT = "pocketforge-installed-models-v1";

const TrustedCid = z.object({ catalogId: z.string(), sha256: z.string(), cid: z.string() });
type TrustedCid = z.infer<typeof TrustedCid>;

const IndexDocument = z.object({
  format: z.literal(INDEX_FORMAT),
  models: z.array(z.unknown()),
  /**
   * CIDs this engine computed from files whose sha256 equals the catalog's pinned one: trusted for that catalog model
   * (kept after the model is deleted, so peers serving it can be used for a later download). Older files lack it.
   */
  trustedCids: z.array(TrustedCid).default([]),
});

/**
 * The installed-model index (one JSON file in the data dir, replaced atomically). A model is added only after its
 * file was verified and renamed into place, and removed from the index before its file is deleted, so the index never
 * names a half-written file.
 */
export class InstalledStore {
  private models: InstalledModel[];
  private trusted: TrustedCid[] = [];

  constructor(
    readonly indexPath: string,
    private readonly logger: Logger,
  ) {
    this.models = this.load();
  }

  list(): InstalledModel[] {
    return this.models.map((m) => structuredClone(m));
  }

  get(id: string): InstalledModel | undefined {
    const found = this.models.find((m) => m.id === id);
    return found ? structuredClone(found) : undefined;
  }

  /** Adds or replaces the record with this id; a verified catalog model's CID becomes trusted for that model. */
  put(model: InstalledModel): void {
    const parsed = InstalledModel.parse(model);
    if (parsed.catalogId && parsed.verified && parsed.cid) {
      const { catalogId, sha256, cid } = parsed;
      this.trusted = [...this.trusted.filter((t) => t.catalogId !== catalogId), { catalogId, sha256, cid }];
    }
    this.save([...this.models.filter((m) => m.id !== parsed.id), parsed]);
  }

  /** The CID computed here from a file matching the catalog's sha256 for this model, when there is one. */
  trustedCid(catalogId: string, sha256: string): string | undefined {
    return this.trusted.find((t) => t.catalogId === catalogId && t.sha256 === sha256)?.cid;
  }

  /** Drops the record and then deletes its file; returns the record that was removed. */
  remove(id: string): InstalledModel | undefined {
    const found = this.models.find((m) => m.id === id);
    if (!found) return undefined;
    this.save(this.models.filter((m) => m.id !== id));
    rmSync(found.path, { force: true });
    return found;
  }

  private save(next: InstalledModel[]): void {
    const sorted = [...next].sort((a, b) => a.id.localeCompare(b.id));
    const trustedCids = [...this.trusted].sort((a, b) => a.catalogId.localeCompare(b.catalogId));
    writeFileAtomic(this.indexPath, JSON.stringify({ format: INDEX_FORMAT, models: sorted, trustedCids }, null, 2) + "\n");
    this.models = sorted;
  }

  private load(): InstalledModel[] {
    if (!existsSync(this.indexPath)) return [];
    let document: z.infer<typeof IndexDocument>;
    try {
      document = IndexDocument.parse(JSON.parse(readFileSync(this.indexPath, "utf8")));
    } catch (error) {
      // Kept aside rather than overwritten: the model files are still on disk and can be imported again.
      const aside = `${this.indexPath}.unreadable-${Date.now()}`;
      renameSync(this.indexPath, aside);
      this.logger.warn("installed-model index was unreadable; kept it aside and started empty", { keptAt: aside, error });
      return [];
    }
    this.trusted = document.trustedCids;
    const models: InstalledModel[] = [];
    for (const raw of document.models) {
      const parsed = InstalledModel.safeParse(raw);
      if (parsed.success) models.push(parsed.data);
      else this.logger.warn("skipping an invalid installed-model record", { record: raw, problem: parsed.error.message });
    }
    return models;
  }
}
