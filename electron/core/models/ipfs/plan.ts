import * as dagPb from "@ipld/dag-pb";
import { UnixFS } from "ipfs-unixfs";
import type { CID } from "multiformats/cid";
import { DownloadError } from "../download/errors.js";
import { DAG_PB_CODEC, RAW_CODEC } from "./block.js";

/** One block that carries file bytes, and where those bytes go in the file. */
export interface PlanItem {
  cid: string;
  offset: number;
  size: number;
  /** raw: the block is the bytes; dag-pb: the bytes are the UnixFS node's data field (CIDv0-style leaves). */
  kind: "raw" | "dag-pb";
}

export interface FilePlan {
  root: string;
  totalSize: number;
  items: PlanItem[];
}

export interface PlannedFile {
  plan: FilePlan;
  /** Blocks fetched while walking the DAG that also carry file bytes, so they are not fetched twice. */
  prefetched: Map<string, Uint8Array>;
}

/** How many interior nodes of one level are fetched at once. */
const WALK_CONCURRENCY = 8;

/**
 * Walks a UnixFS file DAG from its root and lists, in file order, every block that holds file bytes with its offset.
 * Offsets come from each node's blockSizes, so the leaves themselves are not needed to plan; interior nodes are
 * fetched (verified by `getBlock`) and checked for consistency, because a wrong size would put bytes in the wrong
 * place before any sha256 could notice.
 */
export async function planUnixfsFile(root: CID, getBlock: (cid: CID) => Promise<Uint8Array>): Promise<PlannedFile> {
  const prefetched = new Map<string, Uint8Array>();
  const items: PlanItem[] = [];

  const visit = async (cid: CID, offset: number, expectedSize: number | null): Promise<PlanItem[]> => {
    if (cid.code === RAW_CODEC) {
      if (expectedSize !== null) return [{ cid: cid.toString(), offset, size: expectedSize, kind: "raw" }];
      const bytes = await getBlock(cid);
      prefetched.set(cid.toString(), bytes);
      return [{ cid: cid.toString(), offset, size: bytes.length, kind: "raw" }];
    }
    if (cid.code !== DAG_PB_CODEC) throw malformed(`block ${cid} is neither raw nor dag-pb`);
    const bytes = await getBlock(cid);
    const node = dagPb.decode(bytes);
    if (!node.Data) throw malformed(`node ${cid} has no UnixFS data`);
    const unixfs = UnixFS.unmarshal(node.Data);
    if (unixfs.type !== "file" && unixfs.type !== "raw") {
      throw new DownloadError(
        "substituted",
        `The CID ${root} points at a UnixFS ${unixfs.type}, not a file: the catalog must give the CID of the GGUF file itself.`,
      );
    }
    const size = Number(unixfs.fileSize());
    if (expectedSize !== null && size !== expectedSize) {
      throw malformed(`node ${cid} describes ${size} bytes where its parent says ${expectedSize}`);
    }
    if (node.Links.length !== unixfs.blockSizes.length) {
      throw malformed(`node ${cid} has ${node.Links.length} links but ${unixfs.blockSizes.length} block sizes`);
    }
    const own: PlanItem[] = [];
    let cursor = offset;
    if (unixfs.data && unixfs.data.length > 0) {
      own.push({ cid: cid.toString(), offset: cursor, size: unixfs.data.length, kind: "dag-pb" });
      prefetched.set(cid.toString(), bytes);
      cursor += unixfs.data.length;
    }
    const children = node.Links.map((link, i) => {
      const child = { cid: link.Hash, offset: cursor, size: Number(unixfs.blockSizes[i]) };
      cursor += child.size;
      return child;
    });
    const nested: PlanItem[][] = new Array(children.length);
    for (let start = 0; start < children.length; start += WALK_CONCURRENCY) {
      const batch = children.slice(start, start + WALK_CONCURRENCY);
      const results = await Promise.all(batch.map((c) => visit(c.cid, c.offset, c.size)));
      results.forEach((r, i) => (nested[start + i] = r));
    }
    return [...own, ...nested.flat()];
  };

  items.push(...(await visit(root, 0, null)));
  const nonEmpty = items.filter((item) => item.size > 0);
  const totalSize = nonEmpty.reduce((sum, item) => sum + item.size, 0);
  return { plan: { root: root.toString(), totalSize, items: nonEmpty }, prefetched };
}

function malformed(detail: string): DownloadError {
  return new DownloadError("corrupt", `The IPFS DAG of this model is malformed (${detail}); it cannot be reassembled safely.`);
}
