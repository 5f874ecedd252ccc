// The proof shapes of pokt-network/smt v0.14.1, field for field (Go names in camelCase). An absent Go
// byte slice (nil) is an empty Uint8Array here: gob cannot tell nil from empty either.

/** smt.SparseMerkleProof: side nodes nearest-the-leaf first, each a 48-byte digest. */
export interface MerkleProof {
  sideNodes: Uint8Array[];
  nonMembershipLeafData: Uint8Array;
  /** Encoding of the sibling nearest the leaf (a preimage of sideNodes[0]), or empty. */
  siblingData: Uint8Array;
}

/** smt.SparseMerkleClosestProof. */
export interface ClosestProof {
  /** The path asked for (unflipped). */
  path: Uint8Array;
  /** Depths at which the walk took the other branch because the asked-for side was empty. */
  flippedBits: number[];
  /** Depth of the closest leaf (= number of side nodes). */
  depth: number;
  closestPath: Uint8Array;
  /** The leaf's stored value: value (or its hash) ‖ weight_be8 ‖ count_be8. */
  closestValueHash: Uint8Array;
  closestProof: MerkleProof;
}

/** smt.SparseCompactMerkleProof. */
export interface CompactMerkleProof {
  /** Non-placeholder side nodes only. */
  sideNodes: Uint8Array[];
  nonMembershipLeafData: Uint8Array;
  /** Bit i (MSB first) set when side node i is the placeholder. */
  bitMask: Uint8Array;
  numSideNodes: number;
  siblingData: Uint8Array;
}

/** smt.SparseCompactMerkleClosestProof: the struct MsgSubmitProof.proof carries gob-encoded. */
export interface CompactClosestProof {
  path: Uint8Array;
  /** Each flipped bit as a minimal big-endian byte string. */
  flippedBits: Uint8Array[];
  depth: Uint8Array;
  closestPath: Uint8Array;
  closestValueHash: Uint8Array;
  /** Null only when a decoded stream omitted the (pointer) field. */
  closestProof: CompactMerkleProof | null;
}

/** A proof that is structurally invalid or does not hash to the expected root. */
export class InvalidProofError extends Error {
  override readonly name = "InvalidProofError";
}
