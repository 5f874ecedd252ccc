// smt's CompactClosestProof / DecompactClosestProof (docs/protocol.md §7.6). Decompaction accepts only the
// canonical form Go's compaction produces, so that no byte of a submitted proof can change without the
// proof being rejected.
import { DIGEST_SIZE, PATH_BITS, PATH_SIZE, PLACEHOLDER_DIGEST, bytesEqual, getPathBit } from "./hashing.js";
import {
  InvalidProofError,
  type ClosestProof,
  type CompactClosestProof,
  type CompactMerkleProof,
} from "./proof-types.js";

/** smt's intToBytes: minimal big-endian bytes, 0 → [0x00], 256 → [0x01, 0x00]. */
export function intToMinimalBytes(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new RangeError(`${value} is not a depth or bit index`);
  }
  return value > 0xff ? Uint8Array.of(value >> 8, value & 0xff) : Uint8Array.of(value);
}

/** Inverse of intToMinimalBytes; rejects non-minimal or over-long encodings. */
export function minimalBytesToInt(bytes: Uint8Array, what: string): number {
  if (bytes.length === 1) return bytes[0];
  if (bytes.length === 2 && bytes[0] !== 0) return (bytes[0] << 8) | bytes[1];
  throw new InvalidProofError(`${what} is not a minimal 1–2 byte big-endian integer`);
}

function bitMaskLength(numSideNodes: number): number {
  return Math.ceil(numSideNodes / 8);
}

export function compactClosestProof(proof: ClosestProof): CompactClosestProof {
  const sideNodes = proof.closestProof.sideNodes;
  const bitMask = new Uint8Array(bitMaskLength(sideNodes.length));
  const kept: Uint8Array[] = [];
  sideNodes.forEach((node, i) => {
    if (bytesEqual(node, PLACEHOLDER_DIGEST)) bitMask[i >> 3] |= 1 << (7 - (i & 7));
    else kept.push(node.slice());
  });
  return {
    path: proof.path.slice(),
    flippedBits: proof.flippedBits.map(intToMinimalBytes),
    depth: intToMinimalBytes(proof.depth),
    closestPath: proof.closestPath.slice(),
    closestValueHash: proof.closestValueHash.slice(),
    closestProof: {
      sideNodes: kept,
      nonMembershipLeafData: proof.closestProof.nonMembershipLeafData.slice(),
      bitMask,
      numSideNodes: sideNodes.length,
      siblingData: proof.closestProof.siblingData.slice(),
    },
  };
}

function decompactSideNodes(compact: CompactMerkleProof): Uint8Array[] {
  const n = compact.numSideNodes;
  if (!Number.isInteger(n) || n < 0 || n > PATH_BITS) {
    throw new InvalidProofError(`NumSideNodes ${n} outside [0, ${PATH_BITS}]`);
  }
  if (compact.bitMask.length !== bitMaskLength(n)) {
    throw new InvalidProofError(`BitMask is ${compact.bitMask.length} bytes, want ${bitMaskLength(n)}`);
  }
  for (let i = n; i < compact.bitMask.length * 8; i++) {
    if (getPathBit(compact.bitMask, i) === 1) throw new InvalidProofError("BitMask has padding bits set");
  }
  let placeholders = 0;
  for (let i = 0; i < n; i++) placeholders += getPathBit(compact.bitMask, i);
  if (compact.sideNodes.length !== n - placeholders) {
    throw new InvalidProofError(`${compact.sideNodes.length} side nodes given, BitMask implies ${n - placeholders}`);
  }
  const sideNodes: Uint8Array[] = [];
  let next = 0;
  for (let i = 0; i < n; i++) {
    if (getPathBit(compact.bitMask, i) === 1) {
      sideNodes.push(new Uint8Array(DIGEST_SIZE));
      continue;
    }
    const node = compact.sideNodes[next++];
    if (node.length !== DIGEST_SIZE) throw new InvalidProofError(`side node ${i} is ${node.length} bytes`);
    if (bytesEqual(node, PLACEHOLDER_DIGEST)) {
      throw new InvalidProofError(`side node ${i} is a placeholder the BitMask does not mark`);
    }
    sideNodes.push(node.slice());
  }
  return sideNodes;
}

/** DecompactClosestProof; throws InvalidProofError for anything Go's compaction would not produce. */
export function decompactClosestProof(compact: CompactClosestProof): ClosestProof {
  if (compact.closestProof === null) throw new InvalidProofError("ClosestProof is missing");
  if (compact.path.length !== PATH_SIZE) throw new InvalidProofError(`Path is ${compact.path.length} bytes`);
  return {
    path: compact.path.slice(),
    flippedBits: compact.flippedBits.map((bits, i) => minimalBytesToInt(bits, `FlippedBits[${i}]`)),
    depth: minimalBytesToInt(compact.depth, "Depth"),
    closestPath: compact.closestPath.slice(),
    closestValueHash: compact.closestValueHash.slice(),
    closestProof: {
      sideNodes: decompactSideNodes(compact.closestProof),
      nonMembershipLeafData: compact.closestProof.nonMembershipLeafData.slice(),
      siblingData: compact.closestProof.siblingData.slice(),
    },
  };
}
