// Verification of closest proofs as the chain runs it for MsgSubmitProof (docs/protocol.md §7.5, §8.2):
// gob-decode → decompact → VerifyClosestProof against the claim's root, plus the path check.
//
// Beyond Go's checks this verifier also requires what Go's prover always produces (Depth equals the number
// of side nodes, flipped bits increasing and below Depth, no non-membership data, a well-formed sibling
// encoding consistent with the closest path), so a proof that Go would accept only because some field is
// ignored is rejected here.
import { decompactClosestProof } from "./compact.js";
import { GobDecodeError, decodeCompactClosestProofGob } from "./gob.js";
import {
  DIGEST_SIZE,
  EXTENSION_PREFIX,
  PATH_BITS,
  PATH_SIZE,
  SUM_SIZE,
  COUNT_SIZE,
  bytesEqual,
  equalPrefixBits,
  flipPathBit,
  getPathBit,
  hashPreimage,
  innerDigest,
  leafDigest,
  parseExtension,
} from "./hashing.js";
import { InvalidProofError, type ClosestProof, type CompactClosestProof } from "./proof-types.js";

export type ClosestProofVerdict = { valid: true; proof: ClosestProof } | { valid: false; reason: string };

function invalid(reason: string): ClosestProofVerdict {
  return { valid: false, reason };
}

/** Why the nearest sibling's encoding is unacceptable, or null when it is fine. */
function siblingDataFailure(proof: ClosestProof): string | null {
  const { siblingData, sideNodes } = proof.closestProof;
  if (siblingData.length === 0) return null;
  if (sideNodes.length === 0) return "SiblingData given without side nodes";
  const digest = hashPreimage(siblingData);
  if (typeof digest === "string") return `SiblingData: ${digest}`;
  if (!bytesEqual(digest, sideNodes[0])) return "SiblingData does not hash to the nearest side node";
  if (siblingData[0] === EXTENSION_PREFIX) {
    // An extension node standing in the sibling's place starts at Depth and its path, a leaf path of that
    // subtree, agrees with the closest path above the sibling's level and differs on that level.
    const ext = parseExtension(siblingData);
    if (typeof ext === "string") return `SiblingData: ${ext}`;
    const level = proof.depth - 1;
    if (ext.start !== proof.depth) return "SiblingData extension does not start at the sibling's depth";
    if (!equalPrefixBits(ext.path, proof.closestPath, level) || getPathBit(ext.path, level) === getPathBit(proof.closestPath, level)) {
      return "SiblingData extension path is not on the sibling's side";
    }
  }
  return null;
}

/** Why `proof` fails against `root`, or null when it verifies. */
function closestProofFailure(proof: ClosestProof, root: Uint8Array): string | null {
  if (root.length !== DIGEST_SIZE) return `root must be ${DIGEST_SIZE} bytes`;
  if (proof.path.length !== PATH_SIZE) return `Path must be ${PATH_SIZE} bytes`;
  if (proof.closestPath.length !== PATH_SIZE) return `ClosestPath must be ${PATH_SIZE} bytes`;
  const depth = proof.depth;
  if (!Number.isInteger(depth) || depth < 0 || depth > PATH_BITS) return `Depth ${depth} outside [0, ${PATH_BITS}]`;

  const workingPath = proof.path.slice();
  let previous = -1;
  for (const bit of proof.flippedBits) {
    if (!Number.isInteger(bit) || bit <= previous || bit >= depth) {
      return "FlippedBits must increase strictly and stay below Depth";
    }
    flipPathBit(workingPath, bit);
    previous = bit;
  }
  if (!equalPrefixBits(workingPath, proof.closestPath, depth)) {
    return "ClosestPath does not share Depth bits with the flipped Path";
  }

  const { sideNodes, nonMembershipLeafData } = proof.closestProof;
  if (sideNodes.length !== depth) return `${sideNodes.length} side nodes for Depth ${depth}`;
  if (sideNodes.some((node) => node.length !== DIGEST_SIZE)) return `side nodes must be ${DIGEST_SIZE} bytes`;
  if (nonMembershipLeafData.length !== 0) return "a closest proof carries no NonMembershipLeafData";
  if (proof.closestValueHash.length < SUM_SIZE + COUNT_SIZE) return "ClosestValueHash lacks weight and count";

  const siblingFailure = siblingDataFailure(proof);
  if (siblingFailure !== null) return siblingFailure;

  let current = leafDigest(proof.closestPath, proof.closestValueHash);
  const n = sideNodes.length;
  for (let i = 0; i < n; i++) {
    current =
      getPathBit(proof.closestPath, n - 1 - i) === 0
        ? innerDigest(current, sideNodes[i])
        : innerDigest(sideNodes[i], current);
  }
  return bytesEqual(current, root) ? null : "proof does not hash to the root";
}

/** smt's VerifyClosestProof on a decompacted proof (with the stricter checks above). */
export function verifyDecompactedClosestProof(proof: ClosestProof, root: Uint8Array): ClosestProofVerdict {
  const reason = closestProofFailure(proof, root);
  return reason === null ? { valid: true, proof } : invalid(reason);
}

/**
 * What the chain does with MsgSubmitProof.proof: decode the gob bytes (or take an already decoded compact
 * proof), decompact, check the proof is for `expectedPath`, verify against the claim's 48-byte root.
 * Never throws for malformed input; the verdict says why a proof is rejected.
 */
export function verifyClosestProof(
  proof: Uint8Array | CompactClosestProof,
  root: Uint8Array,
  expectedPath: Uint8Array,
): ClosestProofVerdict {
  let decompacted: ClosestProof;
  try {
    const compact = proof instanceof Uint8Array ? decodeCompactClosestProofGob(proof) : proof;
    decompacted = decompactClosestProof(compact);
  } catch (error) {
    if (error instanceof GobDecodeError || error instanceof InvalidProofError) return invalid(error.message);
    throw error;
  }
  if (!bytesEqual(decompacted.path, expectedPath)) return invalid("proof is for a different path");
  return verifyDecompactedClosestProof(decompacted, root);
}
