import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../runtime/atomic-file.js";

const FORMAT = "pocketforge-staking-v1";

/** The public URL the supplier stakes with, remembered between the Endpoint and Stake steps (staking.json). */
export class EndpointStore {
  readonly path: string;
  private publicUrl: string | null;

  constructor(dataDir: string) {
    this.path = join(dataDir, "staking.json");
    this.publicUrl = this.load();
  }

  get(): string | null {
    return this.publicUrl;
  }

  set(publicUrl: string): void {
    writeFileAtomic(this.path, JSON.stringify({ format: FORMAT, publicUrl }, null, 2) + "\n");
    this.publicUrl = publicUrl;
  }

  private load(): string | null {
    if (!existsSync(this.path)) return null;
    try {
      const doc = JSON.parse(readFileSync(this.path, "utf8")) as { format?: unknown; publicUrl?: unknown };
      return doc.format === FORMAT && typeof doc.publicUrl === "string" ? doc.publicUrl : null;
    } catch {
      // An unreadable file only loses a URL the person can type again.
      return null;
    }
  }
}
