// Go's encoding/binary Uvarint/Varint, including their overflow conventions (value 0, negative count).

const MAX_VARINT_LEN_64 = 10;

export interface GoVarint {
  value: bigint;
  /** Bytes consumed; 0 when the buffer ended too early, −(n) when the value overflowed at byte n. */
  bytesRead: number;
}

/** binary.Uvarint: little-endian base-128 groups, high bit = continuation. */
export function goUvarint(buf: Uint8Array): GoVarint {
  let value = 0n;
  let shift = 0n;
  for (let i = 0; i < buf.length; i++) {
    if (i === MAX_VARINT_LEN_64) return { value: 0n, bytesRead: -(i + 1) };
    const b = buf[i];
    if (b < 0x80) {
      if (i === MAX_VARINT_LEN_64 - 1 && b > 1) return { value: 0n, bytesRead: -(i + 1) };
      return { value: value | (BigInt(b) << shift), bytesRead: i + 1 };
    }
    value |= BigInt(b & 0x7f) << shift;
    shift += 7n;
  }
  return { value: 0n, bytesRead: 0 };
}

/** binary.Varint: Uvarint then zig-zag decoding to an int64. */
export function goVarint(buf: Uint8Array): GoVarint {
  const { value: unsigned, bytesRead } = goUvarint(buf);
  let value = unsigned >> 1n;
  if ((unsigned & 1n) !== 0n) value = ~value;
  return { value, bytesRead };
}
