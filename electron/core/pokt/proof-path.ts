// Which leaf a supplier must prove (docs/protocol.md §7.4, poktroll pkg/crypto/protocol/proof_path.go):
// SHA256(block_hash(proof_window_open − 1) ‖ ascii(session_id)). The chain recomputes it from the same block,
// so the miner must use exactly that block's hash, never a later one.
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes } from "@noble/hashes/utils.js";
import { utf8Encode } from "./proto/bytes.js";

export function proofPath(proofSeedBlockHash: Uint8Array, sessionId: string): Uint8Array {
  return sha256(concatBytes(proofSeedBlockHash, utf8Encode(sessionId)));
}
