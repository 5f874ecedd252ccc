// In-memory Sparse Merkle Sum Trie that yields the same roots and closest proofs as pokt-network/smt
// v0.14.1 configured by poktroll (docs/protocol.md §7).
//
// Representation: a path-compressed binary trie. A branch exists only where two leaves part ways; the
// one-sided inner nodes above it (Go's extension nodes) are implied by its depth and re-derived from
// `prefixPath` when hashing. Digests are computed lazily on root()/proveClosest() and cached; an update
// only clears the caches on its own root-to-leaf walk, so n updates followed by one root() hash every
// touched node once.
import {
  COUNT_SIZE,
  DIGEST_SIZE,
  HASH_SIZE,
  LEAF_PREFIX,
  PATH_BITS,
  PATH_SIZE,
  PLACEHOLDER_DIGEST,
  SUM_SIZE,
  bytesEqual,
  chainLinkDigest,
  commonPrefixBits,
  encodeInner,
  flipPathBit,
  getPathBit,
  innerDigest,
  leafDigestOfParts,
  readUint64BE,
  sha256Bytes,
  writeUint64Halves,
} from "./hashing.js";
import type { ClosestProof } from "./proof-types.js";

/** How leaf values are stored: poktroll uses "none" (raw relay bytes); smt's own default is "sha256". */
export type ValueHasher = "none" | "sha256";

export interface SparseMerkleSumTrieOptions {
  valueHasher?: ValueHasher;
}

export interface SmstEntry {
  value: Uint8Array;
  weight: bigint;
}

const TWO_POW_32 = 0x1_0000_0000;
const MAX_UINT64 = (1n << 64n) - 1n;

class LeafNode {
  readonly isLeaf = true as const;
  /** Cached 48-byte digest; null when stale. */
  digest: Uint8Array | null = null;
  constructor(
    readonly path: Uint8Array,
    public value: Uint8Array,
    public weightHi: number,
    public weightLo: number,
  ) {}
}

class BranchNode {
  readonly isLeaf = false as const;
  /** Digest of the two-child inner node at splitDepth; null when stale. */
  digest: Uint8Array | null = null;
  /** Digest as seen from topDepth (splitDepth's digest wrapped in one-sided links up to topDepth). */
  topDigest: Uint8Array | null = null;
  topDepth = -1;
  constructor(
    /** First bit at which the leaves below differ. */
    readonly splitDepth: number,
    public left: TrieNode,
    public right: TrieNode,
    /** Path of some leaf below; all of them agree with it on bits [0, splitDepth). */
    readonly prefixPath: Uint8Array,
  ) {}
}

type TrieNode = LeafNode | BranchNode;

function splitWeight(weight: number | bigint): [hi: number, lo: number] {
  if (typeof weight === "bigint") {
    if (weight < 0n || weight > MAX_UINT64) throw new RangeError(`weight ${weight} is not a uint64`);
    return [Number(weight >> 32n), Number(weight & 0xffff_ffffn)];
  }
  if (!Number.isSafeInteger(weight) || weight < 0) {
    throw new RangeError(`weight ${weight} is not a non-negative safe integer (pass a bigint for larger values)`);
  }
  return [Math.floor(weight / TWO_POW_32), weight % TWO_POW_32];
}

export class SparseMerkleSumTrie {
  private rootNode: TrieNode | null = null;
  private leafCount = 0;
  private readonly hashValues: boolean;
  /** Scratch for the branches of one root-to-leaf walk (at most one per bit). */
  private readonly walk: BranchNode[] = new Array(PATH_BITS);

  constructor(options: SparseMerkleSumTrieOptions = {}) {
    this.hashValues = (options.valueHasher ?? "none") === "sha256";
  }

  /** Number of leaves. */
  get size(): number {
    return this.leafCount;
  }

  /**
   * Inserts or replaces the leaf at path SHA256(key) (smt's SMST.Update). Replacing keeps sum and count
   * exact: the old leaf's weight simply stops counting.
   */
  update(key: Uint8Array, value: Uint8Array, weight: number | bigint): void {
    const [weightHi, weightLo] = splitWeight(weight);
    const path = sha256Bytes(key);
    const storedValue = value.slice();
    const root = this.rootNode;
    if (root === null) {
      this.rootNode = new LeafNode(path, storedValue, weightHi, weightLo);
      this.leafCount = 1;
      return;
    }

    // One walk down by the path's bits; the branches passed are remembered for the splice below.
    const walk = this.walk;
    let walked = 0;
    let nearest: TrieNode = root;
    while (!nearest.isLeaf) {
      walk[walked++] = nearest;
      nearest = getPathBit(path, nearest.splitDepth) ? nearest.right : nearest.left;
    }
    const split = commonPrefixBits(nearest.path, path);

    if (split === PATH_BITS) {
      nearest.value = storedValue;
      nearest.weightHi = weightHi;
      nearest.weightLo = weightLo;
      nearest.digest = null;
      this.invalidate(walk, walked);
      return;
    }

    // The walked branches are ordered by depth and all lie on the new path up to `split`; the new
    // branch goes above the first one that splits deeper (or above the leaf reached).
    let above = 0;
    while (above < walked && walk[above].splitDepth < split) above++;
    const parent = above > 0 ? walk[above - 1] : null;
    const displaced: TrieNode = above < walked ? walk[above] : nearest;
    this.invalidate(walk, above);
    const leaf = new LeafNode(path, storedValue, weightHi, weightLo);
    const branch = getPathBit(path, split)
      ? new BranchNode(split, displaced, leaf, path)
      : new BranchNode(split, leaf, displaced, path);
    if (parent === null) this.rootNode = branch;
    else if (parent.left === displaced) parent.left = branch;
    else parent.right = branch;
    this.leafCount++;
  }

  /** Same as update(): inserting an existing key replaces its leaf. */
  insert(key: Uint8Array, value: Uint8Array, weight: number | bigint): void {
    this.update(key, value, weight);
  }

  get(key: Uint8Array): SmstEntry | undefined {
    const leaf = this.findLeaf(sha256Bytes(key));
    if (leaf === null) return undefined;
    return { value: leaf.value.slice(), weight: (BigInt(leaf.weightHi) << 32n) | BigInt(leaf.weightLo) };
  }

  has(key: Uint8Array): boolean {
    return this.findLeaf(sha256Bytes(key)) !== null;
  }

  /** Removes the leaf of `key`; false when there was none. */
  delete(key: Uint8Array): boolean {
    const path = sha256Bytes(key);
    const walk = this.walk;
    let walked = 0;
    let node = this.rootNode;
    if (node === null) return false;
    while (!node.isLeaf) {
      walk[walked++] = node;
      node = getPathBit(path, node.splitDepth) ? node.right : node.left;
    }
    if (!bytesEqual(node.path, path)) return false;

    if (walked === 0) {
      this.rootNode = null;
    } else {
      // The parent disappears and the sibling moves up whole: its own digest stays valid, only its
      // depth-keyed top digest will be recomputed.
      const parent = walk[walked - 1];
      const sibling = parent.left === node ? parent.right : parent.left;
      const grandparent = walked > 1 ? walk[walked - 2] : null;
      if (grandparent === null) this.rootNode = sibling;
      else if (grandparent.left === parent) grandparent.left = sibling;
      else grandparent.right = sibling;
      this.invalidate(walk, walked - 1);
    }
    this.leafCount--;
    return true;
  }

  /** The 48-byte root: H(root node) ‖ total weight ‖ leaf count; 48 zero bytes when empty. */
  root(): Uint8Array {
    if (this.rootNode === null) return new Uint8Array(DIGEST_SIZE);
    return this.digestAt(this.rootNode, 0).slice();
  }

  /** Total weight (the root's sum). */
  sum(): bigint {
    return readUint64BE(this.root(), HASH_SIZE);
  }

  /** Number of leaves as committed in the root's count. */
  count(): bigint {
    return readUint64BE(this.root(), HASH_SIZE + SUM_SIZE);
  }

  /**
   * smt's ProveClosest: walks towards `path`, taking the other branch wherever the asked-for side is
   * empty, and proves the leaf it ends at. SiblingData is always the canonical leaf/inner encoding of the
   * sibling nearest the leaf (never an extension node), so proofs do not depend on insertion order.
   */
  proveClosest(path: Uint8Array): ClosestProof {
    if (path.length !== PATH_SIZE) throw new RangeError(`closest proof path must be ${PATH_SIZE} bytes`);
    if (this.rootNode === null) throw new Error("cannot prove a closest leaf in an empty trie");

    const workingPath = path.slice();
    const flippedBits: number[] = [];
    const topDownSiblings: Uint8Array[] = [];
    let node: TrieNode = this.rootNode;
    let depth = 0;
    let nearestSibling: TrieNode | null = null;
    while (!node.isLeaf) {
      const split = node.splitDepth;
      for (let k = depth; k < split; k++) {
        // One-sided level: only the prefix side exists, so a path pointing elsewhere is flipped onto it.
        if (getPathBit(workingPath, k) !== getPathBit(node.prefixPath, k)) {
          flipPathBit(workingPath, k);
          flippedBits.push(k);
        }
        topDownSiblings.push(PLACEHOLDER_DIGEST);
      }
      const goRight = getPathBit(workingPath, split) === 1;
      nearestSibling = goRight ? node.left : node.right;
      topDownSiblings.push(this.digestAt(nearestSibling, split + 1));
      node = goRight ? node.right : node.left;
      depth = split + 1;
    }

    return {
      path: path.slice(),
      flippedBits,
      depth,
      closestPath: node.path.slice(),
      closestValueHash: this.leafValue(node),
      closestProof: {
        sideNodes: topDownSiblings.reverse().map((digest) => digest.slice()),
        nonMembershipLeafData: new Uint8Array(0),
        siblingData: nearestSibling === null ? new Uint8Array(0) : this.encodeNodeAt(nearestSibling, depth),
      },
    };
  }

  private findLeaf(path: Uint8Array): LeafNode | null {
    let node = this.rootNode;
    if (node === null) return null;
    while (!node.isLeaf) node = getPathBit(path, node.splitDepth) ? node.right : node.left;
    return bytesEqual(node.path, path) ? node : null;
  }

  /** Clears the cached digests of the first `count` branches of a walk (their subtrees changed). */
  private invalidate(walk: BranchNode[], count: number): void {
    for (let i = 0; i < count; i++) {
      walk[i].digest = null;
      walk[i].topDigest = null;
    }
  }

  /** value (or SHA256(value)) ‖ weight_be8 ‖ count_be8(=1): Go's leaf valueHash. */
  private leafValue(leaf: LeafNode): Uint8Array {
    const stored = this.storedValue(leaf);
    const out = new Uint8Array(stored.length + SUM_SIZE + COUNT_SIZE);
    out.set(stored, 0);
    writeUint64Halves(out, stored.length, leaf.weightHi, leaf.weightLo);
    out[out.length - 1] = 1;
    return out;
  }

  private leafEncoding(leaf: LeafNode): Uint8Array {
    const stored = this.storedValue(leaf);
    const out = new Uint8Array(1 + PATH_SIZE + stored.length + SUM_SIZE + COUNT_SIZE);
    out[0] = LEAF_PREFIX;
    out.set(leaf.path, 1);
    out.set(stored, 1 + PATH_SIZE);
    writeUint64Halves(out, 1 + PATH_SIZE + stored.length, leaf.weightHi, leaf.weightLo);
    out[out.length - 1] = 1;
    return out;
  }

  private storedValue(leaf: LeafNode): Uint8Array {
    return this.hashValues ? sha256Bytes(leaf.value) : leaf.value;
  }

  private leafDigest(leaf: LeafNode): Uint8Array {
    if (leaf.digest === null) {
      leaf.digest = leafDigestOfParts(leaf.path, this.storedValue(leaf), leaf.weightHi, leaf.weightLo);
    }
    return leaf.digest;
  }

  private branchDigest(branch: BranchNode): Uint8Array {
    if (branch.digest !== null) return branch.digest;
    const childDepth = branch.splitDepth + 1;
    const left = this.digestAt(branch.left, childDepth);
    const right = this.digestAt(branch.right, childDepth);
    branch.digest = innerDigest(left, right);
    return branch.digest;
  }

  /** Digest of `node` as the child found at `depth` (its one-sided links from depth down included). */
  private digestAt(node: TrieNode, depth: number): Uint8Array {
    if (node.isLeaf) return this.leafDigest(node);
    if (node.topDigest !== null && node.topDepth === depth) return node.topDigest;
    const digest = this.chainDigest(node, depth);
    node.topDigest = digest;
    node.topDepth = depth;
    return digest;
  }

  private chainDigest(branch: BranchNode, depth: number): Uint8Array {
    let digest = this.branchDigest(branch);
    for (let k = branch.splitDepth - 1; k >= depth; k--) {
      digest = chainLinkDigest(digest, getPathBit(branch.prefixPath, k));
    }
    return digest;
  }

  /** Canonical encoding of the trie node standing at `depth` whose subtree is `node`. */
  private encodeNodeAt(node: TrieNode, depth: number): Uint8Array {
    if (node.isLeaf) return this.leafEncoding(node);
    if (node.splitDepth === depth) {
      return encodeInner(this.digestAt(node.left, depth + 1), this.digestAt(node.right, depth + 1));
    }
    // A one-sided inner node: its only child is the rest of the chain, on the prefix's side.
    const child = this.chainDigest(node, depth + 1);
    return getPathBit(node.prefixPath, depth) === 0
      ? encodeInner(child, PLACEHOLDER_DIGEST)
      : encodeInner(PLACEHOLDER_DIGEST, child);
  }
}
