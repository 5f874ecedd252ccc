/** Lexicographic byte order, the order of Go's `bytes.Compare`: -1, 0 or 1. */
export function compareBytes(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  if (a.length === b.length) return 0;
  return a.length < b.length ? -1 : 1;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return compareBytes(a, b) === 0;
}

const utf8Encoder = new TextEncoder();
// fatal: malformed UTF-8 must be rejected, not silently replaced, or a decoded message would
// re-encode to different bytes than the ones that were hashed or signed.
// ignoreBOM: a leading U+FEFF is content and must survive a round trip.
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function utf8Encode(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Throws TypeError on malformed UTF-8. */
export function utf8DecodeStrict(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** True when the string has no lone surrogate, i.e. it has an exact UTF-8 encoding. */
export function isWellFormedUnicode(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
