import { varint } from "multiformats";
import { CID } from "multiformats/cid";

export interface CarBlock {
  cid: CID;
  /** The block's data: views into the chunks pushed, in order. */
  pieces: Buffer[];
  length: number;
  /** Stream position just past the block's data (positions count from the first byte pushed). */
  end: number;
}

/**
 * Splits a CARv1 byte stream into blocks as its chunks arrive, without copying them: a block is the list of pieces of
 * the received chunks it spans (hashed piece by piece, written with one writev). The header section is skipped (the
 * blocks are checked against their CIDs by the caller, whatever it says). A section longer than `maxSection` is
 * refused before it is buffered, so a peer cannot make this hold more than one block's worth.
 */
export class CarStreamParser {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private headerSeen = false;
  /** Bytes of the stream taken into whole sections (the header's, or blocks'). */
  private consumed = 0;

  constructor(private readonly maxSection: number) {}

  /** Bytes received that do not yet form a whole section. */
  get pending(): number {
    return this.buffered;
  }

  /** The blocks that `chunk` completes; each block's data ends at stream position `end` (its bytes are the `length` before). */
  push(chunk: Buffer): CarBlock[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const blocks: CarBlock[] = [];
    while (this.buffered > 0) {
      const head = this.peek(Math.min(10, this.buffered));
      let length: number;
      let size: number;
      try {
        [length, size] = varint.decode(head);
      } catch {
        if (this.buffered >= 10) throw new Error("a CAR section length that is not a varint");
        break;
      }
      if (length === 0 || length > this.maxSection) throw new Error(`a CAR section of ${length} bytes`);
      if (this.buffered < size + length) break;
      this.take(size);
      if (!this.headerSeen) {
        this.take(length);
        this.headerSeen = true;
        continue;
      }
      // A CID is a few dozen bytes: decoded from a small copy of the section's start, then the data is taken as pieces.
      const [cid] = CID.decodeFirst(this.peek(Math.min(length, 128)));
      const cidLength = cid.bytes.length;
      if (cidLength > length) throw new Error("a CAR section shorter than its CID");
      this.take(cidLength);
      const dataLength = length - cidLength;
      blocks.push({ cid, pieces: this.takePieces(dataLength), length: dataLength, end: this.consumed });
    }
    return blocks;
  }

  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    return Buffer.concat(this.chunks, n);
  }

  private takePieces(n: number): Buffer[] {
    const pieces: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const chunk = this.chunks[0]!;
      if (chunk.length <= left) {
        pieces.push(chunk);
        this.chunks.shift();
        left -= chunk.length;
      } else {
        pieces.push(chunk.subarray(0, left));
        this.chunks[0] = chunk.subarray(left);
        left = 0;
      }
    }
    this.buffered -= n;
    this.consumed += n;
    return pieces;
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafeSlow(n);
      let filled = 0;
      while (filled < n) {
        const chunk = this.chunks[0]!;
        const part = Math.min(chunk.length, n - filled);
        chunk.copy(out, filled, 0, part);
        filled += part;
        if (part === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(part);
      }
    }
    this.buffered -= n;
    this.consumed += n;
    return out;
  }
}
