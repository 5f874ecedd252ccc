import { open, readFile, rm } from "node:fs/promises";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { z } from "zod";
import { writeFileAtomicAsync } from "../../runtime/atomic-file.js";
import type { FilePlan } from "./plan.js";

const PLAN_FORMAT = "pocketforge-ipfs-plan-v1";

const PlanDocument = z.object({
  format: z.literal(PLAN_FORMAT),
  root: z.string(),
  totalSize: z.number().int().min(0),
  /** [cid, offset, size, kind] per item: compact, because a 40 GB model has ~160 000 of them. */
  items: z.array(z.tuple([z.string(), z.number().int().min(0), z.number().int().min(0), z.enum(["raw", "dag-pb"])])),
});

/**
 * The sidecar files that let an IPFS download resume at block granularity: the plan (which block goes where, so the
 * DAG need not be walked again) and an append-only journal of verified block indexes (4 bytes each). A block is
 * journaled only after its bytes were written and synced, so the journal never claims a block the disk lacks.
 */
export class IpfsResumeState {
  readonly planPath: string;
  readonly journalPath: string;
  /** The plan being written (off the event loop, while the first blocks already stream in). */
  private planWrite: Promise<void> = Promise.resolve();

  constructor(base: string) {
    this.planPath = `${base}.ipfs-plan.json`;
    this.journalPath = `${base}.ipfs-verified`;
  }

  /** The saved plan of any root (another source's partial file, when switching sources). */
  loadAnyPlan(): FilePlan | null {
    return this.loadPlan(null);
  }

  loadPlan(root: string | null): FilePlan | null {
    if (!existsSync(this.planPath)) return null;
    try {
      const doc = PlanDocument.parse(JSON.parse(readFileSync(this.planPath, "utf8")));
      if (root !== null && doc.root !== root) return null;
      return {
        root: doc.root,
        totalSize: doc.totalSize,
        items: doc.items.map(([cid, offset, size, kind]) => ({ cid, offset, size, kind })),
      };
    } catch {
      // An unreadable plan costs one DAG walk, never a wrong file: start over.
      return null;
    }
  }

  /**
   * Starts writing the plan (atomically, synced); the journal waits for it, and `settled` says when it is done. A plan
   * that could not be written only costs a resume its DAG walk: the journal without it is dropped.
   */
  savePlan(plan: FilePlan): void {
    const doc = {
      format: PLAN_FORMAT,
      root: plan.root,
      totalSize: plan.totalSize,
      items: plan.items.map((i) => [i.cid, i.offset, i.size, i.kind]),
    };
    const text = JSON.stringify(doc);
    this.planWrite = this.planWrite.then(() => writeFileAtomicAsync(this.planPath, text)).catch(() => {});
  }

  /** Resolves once a plan being written is on disk (or failed to be). */
  settled(): Promise<void> {
    return this.planWrite;
  }

  /** Indexes of verified blocks; a torn last record (crash mid-append) is ignored. */
  async loadVerified(itemCount: number): Promise<Set<number>> {
    const done = new Set<number>();
    if (!existsSync(this.journalPath)) return done;
    const bytes = await readFile(this.journalPath);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at + 4 <= bytes.length; at += 4) {
      const index = view.getUint32(at, true);
      if (index < itemCount) done.add(index);
    }
    return done;
  }

  async appendVerified(indexes: number[]): Promise<void> {
    if (indexes.length === 0) return;
    await this.planWrite;
    const record = Buffer.alloc(indexes.length * 4);
    indexes.forEach((index, i) => record.writeUInt32LE(index, i * 4));
    const handle = await open(this.journalPath, "a", 0o600);
    try {
      let written = 0;
      while (written < record.length) written += (await handle.write(record, written)).bytesWritten;
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /**
   * Bytes journaled as verified, and how many of them form an unbroken run from the file's start (what a source that
   * writes in order can go on from). A journal is 4 bytes per block (640 KiB for 40 GB). */
  progressSync(plan: FilePlan): { verifiedBytes: number; prefixBytes: number } {
    const bytes = existsSync(this.journalPath) ? readFileSync(this.journalPath) : Buffer.alloc(0);
    const verified = new Set<number>();
    for (let at = 0; at + 4 <= bytes.length; at += 4) {
      const index = bytes.readUInt32LE(at);
      if (index < plan.items.length) verified.add(index);
    }
    let verifiedBytes = 0;
    for (const index of verified) verifiedBytes += plan.items[index]!.size;
    let prefixBytes = 0;
    for (let i = 0; i < plan.items.length && verified.has(i); i++) prefixBytes = plan.items[i]!.offset + plan.items[i]!.size;
    return { verifiedBytes, prefixBytes };
  }

  clearSync(): void {
    rmSync(this.planPath, { force: true });
    rmSync(this.journalPath, { force: true });
  }

  async clearVerified(): Promise<void> {
    await rm(this.journalPath, { force: true });
  }

  async clear(): Promise<void> {
    await this.planWrite;
    await rm(this.planPath, { force: true });
    await rm(this.journalPath, { force: true });
  }
}
