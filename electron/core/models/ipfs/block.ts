import { createHash } from "node:crypto";
import { CID } from "multiformats/cid";
import { equals } from "multiformats/bytes";
import { identity } from "multiformats/hashes/identity";
import { sha256 } from "multiformats/hashes/sha2";

export const RAW_CODEC = 0x55;
export const DAG_PB_CODEC = 0x70;

/** Parses a CID as written in a catalog (CIDv0 "Qm…" or a base32 CIDv1), with a sentence when it is not one. */
export function parseCid(text: string): CID {
  try {
    return CID.parse(text.trim());
  } catch (error) {
    throw new Error(`"${text}" is not a valid CID: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * True when `bytes` are exactly the block `cid` names: the multihash of the bytes must equal the CID's. This is the
 * whole trust model of a trustless gateway: whatever the gateway is, it cannot pass off other bytes for this CID.
 */
export async function blockMatchesCid(cid: CID, bytes: Uint8Array): Promise<boolean> {
  if (cid.code !== RAW_CODEC && cid.code !== DAG_PB_CODEC) {
    throw new Error(`CID ${cid} uses codec 0x${cid.code.toString(16)}; only raw and dag-pb (UnixFS) blocks are supported`);
  }
  const hasher = cid.multihash.code === sha256.code ? sha256 : cid.multihash.code === identity.code ? identity : null;
  if (!hasher) throw new Error(`CID ${cid} uses hash function 0x${cid.multihash.code.toString(16)}; only sha2-256 is supported`);
  const digest = await hasher.digest(bytes);
  return equals(digest.digest, cid.multihash.digest);
}

/**
 * blockMatchesCid for a block received in pieces (as a stream delivers it), hashed piece by piece: the same check
 * without gathering the block into one buffer first. A codec or hash function blockMatchesCid refuses never matches.
 */
export function piecesMatchCid(cid: CID, pieces: readonly Uint8Array[]): boolean {
  if (cid.code !== RAW_CODEC && cid.code !== DAG_PB_CODEC) return false;
  if (cid.multihash.code === identity.code) return equals(Buffer.concat(pieces), cid.multihash.digest);
  if (cid.multihash.code !== sha256.code) return false;
  const hash = createHash("sha256");
  for (const piece of pieces) hash.update(piece);
  return equals(hash.digest(), cid.multihash.digest);
}

/** Identity CIDs carry their block inside the CID: nothing to fetch. */
export function inlineBlock(cid: CID): Uint8Array | null {
  return cid.multihash.code === identity.code ? cid.multihash.digest : null;
}
