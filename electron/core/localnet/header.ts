// CometBFT block headers and their hash (types.Header.Hash): an RFC 6962 Merkle root over the header fields,
// each in its protobuf form (gogo wrapper types for scalars), so a localnet block hash is a real block hash
// and `block_id.hash` is what any CometBFT client would compute from the header it received.
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes } from "@noble/hashes/utils.js";
import { BinaryWriter } from "cosmjs-types/binary";

export interface PartSetHeader {
  total: number;
  hash: Uint8Array;
}

export interface BlockId {
  hash: Uint8Array;
  parts: PartSetHeader;
}

export interface BlockTime {
  seconds: bigint;
  nanos: number;
}

export interface Header {
  version: { block: bigint; app: bigint };
  chainId: string;
  height: bigint;
  time: BlockTime;
  lastBlockId: BlockId;
  lastCommitHash: Uint8Array;
  dataHash: Uint8Array;
  validatorsHash: Uint8Array;
  nextValidatorsHash: Uint8Array;
  consensusHash: Uint8Array;
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
  evidenceHash: Uint8Array;
  proposerAddress: Uint8Array;
}

export const EMPTY_BLOCK_ID: BlockId = { hash: new Uint8Array(0), parts: { total: 0, hash: new Uint8Array(0) } };

/** RFC 6962 Merkle root as CometBFT's merkle.HashFromByteSlices computes it (SHA-256 of nothing when empty). */
export function merkleRoot(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return sha256(new Uint8Array(0));
  if (items.length === 1) return sha256(concatBytes(new Uint8Array([0]), items[0]));
  let split = 1;
  while (split * 2 < items.length) split *= 2;
  return sha256(concatBytes(new Uint8Array([1]), merkleRoot(items.slice(0, split)), merkleRoot(items.slice(split))));
}

function bytesValue(value: Uint8Array): Uint8Array {
  const writer = BinaryWriter.create();
  if (value.length > 0) writer.uint32(10).bytes(value);
  return writer.finish();
}

function stringValue(value: string): Uint8Array {
  const writer = BinaryWriter.create();
  if (value.length > 0) writer.uint32(10).string(value);
  return writer.finish();
}

function int64Value(value: bigint): Uint8Array {
  const writer = BinaryWriter.create();
  if (value !== 0n) writer.uint32(8).int64(value);
  return writer.finish();
}

function consensusVersion(version: Header["version"]): Uint8Array {
  const writer = BinaryWriter.create();
  if (version.block !== 0n) writer.uint32(8).uint64(version.block);
  if (version.app !== 0n) writer.uint32(16).uint64(version.app);
  return writer.finish();
}

function timestamp(time: BlockTime): Uint8Array {
  const writer = BinaryWriter.create();
  if (time.seconds !== 0n) writer.uint32(8).int64(time.seconds);
  if (time.nanos !== 0) writer.uint32(16).int32(time.nanos);
  return writer.finish();
}

/** BlockID as protobuf; its part-set header is non-nullable, so it is written even when empty. */
export function encodeBlockId(id: BlockId): Uint8Array {
  const parts = BinaryWriter.create();
  if (id.parts.total !== 0) parts.uint32(8).uint32(id.parts.total);
  if (id.parts.hash.length > 0) parts.uint32(18).bytes(id.parts.hash);
  const writer = BinaryWriter.create();
  if (id.hash.length > 0) writer.uint32(10).bytes(id.hash);
  writer.uint32(18).bytes(parts.finish());
  return writer.finish();
}

export function headerHash(header: Header): Uint8Array {
  return merkleRoot([
    consensusVersion(header.version),
    stringValue(header.chainId),
    int64Value(header.height),
    timestamp(header.time),
    encodeBlockId(header.lastBlockId),
    bytesValue(header.lastCommitHash),
    bytesValue(header.dataHash),
    bytesValue(header.validatorsHash),
    bytesValue(header.nextValidatorsHash),
    bytesValue(header.consensusHash),
    bytesValue(header.appHash),
    bytesValue(header.lastResultsHash),
    bytesValue(header.evidenceHash),
    bytesValue(header.proposerAddress),
  ]);
}

/** Data.Hash: Merkle root over the transactions' SHA-256 hashes. */
export function dataHash(txs: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(txs.map((tx) => sha256(tx)));
}

/** The single validator's set hash: SimpleValidator{pub_key{ed25519}, voting_power}. */
export function validatorsHash(ed25519PublicKey: Uint8Array, votingPower: bigint): Uint8Array {
  const key = BinaryWriter.create().uint32(10).bytes(ed25519PublicKey).finish();
  const validator = BinaryWriter.create().uint32(10).bytes(key).uint32(16).int64(votingPower).finish();
  return merkleRoot([validator]);
}

/** HashedParams{block_max_bytes, block_max_gas}. */
export function consensusParamsHash(maxBytes: bigint, maxGas: bigint): Uint8Array {
  return sha256(BinaryWriter.create().uint32(8).int64(maxBytes).uint32(16).int64(maxGas).finish());
}

/** LastResultsHash: Merkle root over the deterministic part of each tx result. */
export function resultsHash(results: ReadonlyArray<{ code: number; data: Uint8Array; gasWanted: bigint; gasUsed: bigint }>): Uint8Array {
  return merkleRoot(
    results.map((result) => {
      const writer = BinaryWriter.create();
      if (result.code !== 0) writer.uint32(8).uint32(result.code);
      if (result.data.length > 0) writer.uint32(18).bytes(result.data);
      if (result.gasWanted !== 0n) writer.uint32(40).int64(result.gasWanted);
      if (result.gasUsed !== 0n) writer.uint32(48).int64(result.gasUsed);
      return writer.finish();
    }),
  );
}

/** RFC 3339 with nanoseconds, trailing zeros trimmed, as Go's time.RFC3339Nano formats UTC. */
export function formatBlockTime(time: BlockTime): string {
  const iso = new Date(Number(time.seconds) * 1000).toISOString().slice(0, 19);
  if (time.nanos === 0) return `${iso}Z`;
  return `${iso}.${time.nanos.toString().padStart(9, "0").replace(/0+$/, "")}Z`;
}

export function parseBlockTime(text: string): BlockTime {
  const match = /^(.{19})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (match === null) throw new Error(`bad block time ${text}`);
  return { seconds: BigInt(Date.parse(`${match[1]}Z`) / 1000), nanos: Number((match[2] ?? "").padEnd(9, "0")) };
}
