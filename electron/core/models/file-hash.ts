import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

/** 1 MiB reads into one reused buffer: several times faster than a ReadStream, which allocates every chunk. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Reads a file front to back. Each yielded view is only valid until the next iteration: consume it (hash it, write it
 * and await the write) before asking for more.
 */
export async function* readFileChunks(path: string, chunkBytes = CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    let position = 0;
    while (true) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** The sha256 (lowercase hex) and size of a file, streamed. */
export async function sha256File(path: string): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of readFileChunks(path)) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest("hex"), sizeBytes: size };
}
