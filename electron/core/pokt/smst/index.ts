// Sparse Merkle Sum Trie of pokt-network/smt v0.14.1 as poktroll uses it, with closest proofs, their
// compact form, the gob bytes of MsgSubmitProof.proof and the chain's verification.
export { SparseMerkleSumTrie, type SmstEntry, type SparseMerkleSumTrieOptions, type ValueHasher } from "./trie.js";
export {
  InvalidProofError,
  type ClosestProof,
  type CompactClosestProof,
  type CompactMerkleProof,
  type MerkleProof,
} from "./proof-types.js";
export { compactClosestProof, decompactClosestProof, intToMinimalBytes, minimalBytesToInt } from "./compact.js";
export {
  GobDecodeError,
  MAX_PROOF_GOB_BYTES,
  closestProofToGob,
  decodeCompactClosestProofGob,
  encodeCompactClosestProofGob,
} from "./gob.js";
export { verifyClosestProof, verifyDecompactedClosestProof, type ClosestProofVerdict } from "./verify.js";
export { DIGEST_SIZE, PATH_SIZE, hashPreimage } from "./hashing.js";

