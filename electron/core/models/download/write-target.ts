import { open, type FileHandle } from "node:fs/promises";

/**
 * Where downloaded bytes go. The default writes a file; tests inject one that fails like a full disk, which is the
 * only honest way to exercise that path without filling a real one.
 */
export interface WriteTarget {
  /** Writes all of `data` at `position` (positional, so blocks may arrive out of order). */
  write(data: Uint8Array, position: number): Promise<void>;
  /**
   * Writes `pieces` one after the other from `position`, as one positional vectored write where it can (a block that
   * arrived in several network chunks needs no joining). Optional: without it the caller joins them and calls write.
   */
  writev?(pieces: readonly Uint8Array[], position: number): Promise<void>;
  read(position: number, length: number): Promise<Uint8Array>;
  size(): Promise<number>;
  truncate(length: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export type OpenWriteTarget = (path: string) => Promise<WriteTarget>;

/** Opens (creating if needed, never truncating) `path` for positional reads and writes. */
export const openFileTarget: OpenWriteTarget = async (path) => {
  const handle = await open(path, "r+").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return open(path, "w+", 0o600);
    throw error;
  });
  return new FileTarget(handle);
};

class FileTarget implements WriteTarget {
  constructor(private readonly handle: FileHandle) {}

  async write(data: Uint8Array, position: number): Promise<void> {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.handle.write(data, written, data.length - written, position + written);
      written += bytesWritten;
    }
  }

  async writev(pieces: readonly Uint8Array[], position: number): Promise<void> {
    let left = pieces.slice();
    let at = position;
    while (left.length > 0) {
      const { bytesWritten } = await this.handle.writev(left as Uint8Array[], at);
      at += bytesWritten;
      // A short write leaves the rest of the pieces (the first one possibly cut) for the next call.
      let done = bytesWritten;
      while (left.length > 0 && done >= left[0]!.length) done -= left.shift()!.length;
      if (done > 0) left[0] = left[0]!.subarray(done);
    }
  }

  async read(position: number, length: number): Promise<Uint8Array> {
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await this.handle.read(buffer, filled, length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  truncate(length: number): Promise<void> {
    return this.handle.truncate(length);
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
