import { varint } from "multiformats";
import { CID } from "multiformats/cid";
import { appendView } from "./receive-ring.js";

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

  /** The blocks that `chunk` completes; each block's data ends at stream position `end` (its bytes are the `length` before). */
  push(chunk: Buffer): CarBlock[] {
    // Chunks that follow each other in one memory (a receive ring's reads) are held as one view.
    appendView(this.chunks, chunk);
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
      this.skip(size);
      if (!this.headerSeen) {
        this.skip(length);
        this.headerSeen = true;
        continue;
      }
      // A CID is a few dozen bytes: decoded from a small copy of the section's start, then the data is taken as pieces.
      const [cid] = CID.decodeFirst(this.peek(Math.min(length, 128)));
      const cidLength = cid.bytes.length;
      if (cidLength > length) throw new Error("a CAR section shorter than its CID");
      this.skip(cidLength);
      const dataLength = length - cidLength;
      blocks.push({ cid, pieces: this.takePieces(dataLength), length: dataLength, end: this.consumed });
    }
    return blocks;
  }

  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    // Only the chunks the `n` bytes are in: Buffer.concat with a length still walks the whole list, and every push
    // peeks, so a section held in many small chunks cost time in the square of their number.
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    for (const chunk of this.chunks) {
      const part = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, part);
      filled += part;
      if (filled === n) break;
    }
    return out;
  }

  /** The next `n` bytes held, as views into the chunks they are in. */
  private takePieces(n: number): Buffer[] {
    const pieces: Buffer[] = [];
    let left = n;
    let usedUp = 0;
    while (left > 0) {
      const chunk = this.chunks[usedUp]!;
      if (chunk.length <= left) {
        pieces.push(chunk);
        usedUp++;
        left -= chunk.length;
      } else {
        pieces.push(chunk.subarray(0, left));
        this.chunks[usedUp] = chunk.subarray(left);
        left = 0;
      }
    }
    // One splice for all the chunks used up: shifting them off one by one costs time in the square of their number.
    this.chunks.splice(0, usedUp);
    this.buffered -= n;
    this.consumed += n;
    return pieces;
  }

  /** Passes over the next `n` bytes held (a section's length, the header, a CID already decoded). */
  private skip(n: number): void {
    this.takePieces(n);
  }
}
