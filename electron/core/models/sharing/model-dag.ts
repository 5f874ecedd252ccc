import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { CarReader } from "@ipld/car/reader";
import { CarWriter } from "@ipld/car/writer";
import * as dagPb from "@ipld/dag-pb";
import { UnixFS } from "ipfs-unixfs";
import { CID } from "multiformats/cid";
import { writeFileAtomic } from "../../runtime/atomic-file.js";
import { blockMatchesCid, DAG_PB_CODEC, RAW_CODEC } from "../ipfs/block.js";
import { importUnixfs } from "../publish.js";

/** An interior node of a model's DAG, decoded once. */
interface DagNode {
  bytes: Uint8Array;
  /** File bytes the node's own data field carries (0 for kubo's DAGs, whose leaves are raw). */
  data: Uint8Array;
  links: Array<{ cid: CID; size: number }>;
  size: number;
}

/** One block of a walk over the DAG, in depth-first order, with the file range it covers. */
export interface DagStep {
  cid: CID;
  kind: "node" | "leaf";
  /** Where the block's file bytes start (for a node: where the bytes under it start). */
  offset: number;
  size: number;
  /** A node's block bytes; leaves are read from the model file. */
  bytes?: Uint8Array;
}

/**
 * The UnixFS DAG of an installed model as a gateway needs it: the interior nodes (kept in a small CAR beside the model,
 * a few MiB for 40 GB) and, for every raw leaf, where its bytes lie in the model file. The file is not copied: a
 * leaf is read from it when asked for and checked against its CID before it leaves.
 */
export class ModelDag {
  private readonly nodes = new Map<string, DagNode>();
  private readonly leaves = new Map<string, { offset: number; size: number }>();

  private constructor(
    readonly root: CID,
    readonly size: number,
    nodes: Map<string, Uint8Array>,
  ) {
    for (const [key, bytes] of nodes) this.nodes.set(key, decodeNode(key, bytes));
    if (root.code === RAW_CODEC) {
      this.leaves.set(root.toString(), { offset: 0, size });
      return;
    }
    if (!this.nodes.has(root.toString())) throw new Error(`the DAG sidecar lacks its root ${root}`);
    for (const step of this.walk(root)) {
      if (step.kind === "leaf" && !this.leaves.has(step.cid.toString())) this.leaves.set(step.cid.toString(), { offset: step.offset, size: step.size });
    }
  }

  /**
   * Reads the file once: its CID with publishing's settings, its sha256, and the interior nodes, saved to `carPath`.
   */
  static async compute(filePath: string, carPath: string): Promise<{ dag: ModelDag; sha256: string; sizeBytes: number }> {
    const nodes = new Map<string, Uint8Array>();
    const imported = await importUnixfs(filePath, null, (cid, bytes) => void nodes.set(cid.toString(), bytes));
    const root = CID.parse(imported.cid);
    const dag = new ModelDag(root, imported.sizeBytes, nodes);
    const { writer, out } = CarWriter.create([root]);
    const chunks: Uint8Array[] = [];
    const collected = (async () => {
      for await (const chunk of out) chunks.push(chunk);
    })();
    for (const [key, bytes] of nodes) await writer.put({ cid: CID.parse(key), bytes });
    await writer.close();
    await collected;
    mkdirSync(dirname(carPath), { recursive: true });
    writeFileAtomic(carPath, Buffer.concat(chunks));
    return { dag, sha256: imported.sha256, sizeBytes: imported.sizeBytes };
  }

  /** Loads a sidecar written by compute; every node is checked against its CID, so a damaged sidecar is refused. */
  static async load(carPath: string, root: string, fileSize: number): Promise<ModelDag> {
    const reader = await CarReader.fromBytes(readFileSync(carPath));
    const [carRoot] = await reader.getRoots();
    if (carRoot?.toString() !== root) throw new Error(`${carPath} describes ${String(carRoot)}, not ${root}`);
    const nodes = new Map<string, Uint8Array>();
    for await (const { cid, bytes } of reader.blocks()) {
      if (!(await blockMatchesCid(cid, bytes))) throw new Error(`${carPath} holds a damaged node ${cid}`);
      nodes.set(cid.toString(), bytes);
    }
    const dag = new ModelDag(CID.parse(root), fileSize, nodes);
    const rootNode = dag.nodes.get(root);
    if (rootNode && rootNode.size !== fileSize) throw new Error(`${carPath} describes ${rootNode.size} bytes, the file has ${fileSize}`);
    return dag;
  }

  /** Whether `cid` is a block of this DAG. */
  has(cid: string): boolean {
    return this.nodes.has(cid) || this.leaves.has(cid);
  }

  /** A node's bytes, or where a leaf's bytes are in the file. */
  locate(cid: string): { kind: "node"; bytes: Uint8Array } | { kind: "leaf"; offset: number; size: number } | undefined {
    const node = this.nodes.get(cid);
    if (node) return { kind: "node", bytes: node.bytes };
    const leaf = this.leaves.get(cid);
    return leaf ? { kind: "leaf", ...leaf } : undefined;
  }

  /** Bytes under `cid` (the whole file for the root). */
  sizeOf(cid: string): number | undefined {
    return this.nodes.get(cid)?.size ?? this.leaves.get(cid)?.size;
  }

  /**
   * The blocks under `start` in depth-first order (what a CAR of the DAG carries), leaving out subtrees that lie
   * wholly outside `range` (file offsets relative to `start`, end exclusive): the blocks needed to read those bytes.
   */
  *walk(start: CID, range?: { from: number; to: number }): Generator<DagStep> {
    const key = start.toString();
    const base = this.offsetOf(key);
    if (base === undefined) return;
    const lo = base + (range?.from ?? 0);
    const hi = range ? base + range.to : Number.POSITIVE_INFINITY;
    const visit = function* (this: ModelDag, cid: CID, offset: number, size: number): Generator<DagStep> {
      if (cid.code === RAW_CODEC) {
        yield { cid, kind: "leaf", offset, size };
        return;
      }
      const node = this.nodes.get(cid.toString());
      if (!node) throw new Error(`the DAG lacks node ${cid}`);
      yield { cid, kind: "node", offset, size: node.size, bytes: node.bytes };
      let cursor = offset + node.data.length;
      for (const link of node.links) {
        if (cursor < hi && cursor + link.size > lo) yield* visit.call(this, link.cid, cursor, link.size);
        cursor += link.size;
      }
    };
    yield* visit.call(this, start, base, this.sizeOf(key) ?? 0);
  }

  private offsetCache: Map<string, number> | null = null;

  private offsetOf(cid: string): number | undefined {
    if (this.leaves.has(cid)) return this.leaves.get(cid)!.offset;
    if (!this.offsetCache) {
      this.offsetCache = new Map();
      const stack: Array<{ cid: CID; offset: number }> = [{ cid: this.root, offset: 0 }];
      while (stack.length) {
        const { cid, offset } = stack.pop()!;
        const node = this.nodes.get(cid.toString());
        if (!node) continue;
        if (!this.offsetCache.has(cid.toString())) this.offsetCache.set(cid.toString(), offset);
        let cursor = offset + node.data.length;
        for (const link of node.links) {
          if (link.cid.code === DAG_PB_CODEC) stack.push({ cid: link.cid, offset: cursor });
          cursor += link.size;
        }
      }
    }
    return this.offsetCache.get(cid);
  }
}

function decodeNode(key: string, bytes: Uint8Array): DagNode {
  const node = dagPb.decode(bytes);
  if (!node.Data) throw new Error(`node ${key} has no UnixFS data`);
  const unixfs = UnixFS.unmarshal(node.Data);
  if (unixfs.type !== "file" && unixfs.type !== "raw") throw new Error(`node ${key} is a UnixFS ${unixfs.type}, not part of a file`);
  if (node.Links.length !== unixfs.blockSizes.length) throw new Error(`node ${key} has ${node.Links.length} links but ${unixfs.blockSizes.length} block sizes`);
  return {
    bytes,
    data: unixfs.data ?? new Uint8Array(),
    links: node.Links.map((link, i) => ({ cid: link.Hash, size: Number(unixfs.blockSizes[i]) })),
    size: Number(unixfs.fileSize()),
  };
}
