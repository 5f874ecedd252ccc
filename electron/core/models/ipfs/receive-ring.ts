/**
 * The memory one connection reads into, kept and reused from response to response: the socket reads into
 * `readBuffer`, each read is copied into the ring and handed out as views into it, and the reader releases them,
 * oldest first, when it is done with them. A LAN download reads hundreds of MiB in 8 MiB responses: a fresh buffer per
 * socket read (node's default) costs the receiving thread about three times the CPU of copying into memory it keeps
 * (allocation, first-touch page faults and the GC of external memory: ~50 ms against ~18 ms per 48 MiB on the test
 * machine), and a fresh ring per response costs about as much as a fresh buffer per read.
 */
export class ReceiveRing {
  readonly readBuffer: Buffer;
  private readonly memory: Buffer;
  /** Stream position of the next byte stored. */
  private stored = 0;
  /** Stream bytes before this position may be overwritten. */
  private released = 0;

  constructor(ringBytes: number, readBytes: number) {
    if (readBytes > ringBytes) throw new RangeError("a receive ring must hold at least one read");
    this.memory = Buffer.allocUnsafeSlow(ringBytes);
    this.readBuffer = Buffer.allocUnsafeSlow(readBytes);
  }

  /** Bytes that can be stored before released ones are needed. */
  get free(): number {
    return this.memory.length - (this.stored - this.released);
  }

  /** Whether another whole read fits. */
  get roomForRead(): boolean {
    return this.free >= this.readBuffer.length;
  }

  /** For the next connection: nothing stored, nothing handed out. */
  reset(): void {
    this.stored = 0;
    this.released = 0;
  }

  /** Copies `bytes` in and returns the views that hold them (two when they wrap around the end). */
  store(bytes: Uint8Array): Buffer[] {
    if (bytes.length > this.free) throw new RangeError("the receive ring is full");
    const size = this.memory.length;
    const at = this.stored % size;
    const first = Math.min(bytes.length, size - at);
    this.memory.set(first === bytes.length ? bytes : bytes.subarray(0, first), at);
    const views = [this.memory.subarray(at, at + first)];
    if (first < bytes.length) {
      this.memory.set(bytes.subarray(first), 0);
      views.push(this.memory.subarray(0, bytes.length - first));
    }
    this.stored += bytes.length;
    return views;
  }

  /** The reader is done with every stored byte before stream `position` (positions count from the connection's first byte). */
  release(position: number): void {
    this.released = Math.max(this.released, Math.min(position, this.stored));
  }
}

/**
 * Adds `view` to the end of `views`, as part of the last one when it follows it in the same memory (reads one after
 * the other into a ring). A peer that sends a byte per TCP segment makes a read per byte: held as they came, the bytes
 * a ring bounds would be as many objects (about 100 bytes of heap each), and every list of them that long to walk.
 */
export function appendView(views: Buffer[], view: Buffer): void {
  const last = views[views.length - 1];
  if (last && last.buffer === view.buffer && last.byteOffset + last.length === view.byteOffset) {
    views[views.length - 1] = Buffer.from(last.buffer, last.byteOffset, last.length + view.length);
  } else {
    views.push(view);
  }
}

/**
 * Rings kept from one LAN download to the next (a rig fetching several models, a download resumed): a fresh ring's
 * memory is faulted in page by page and its release is left to the GC, which cost a 48 MiB download from a peer a
 * fifth of its CPU. Spare rings go `idleMs` after the last one came back, so an idle app does not hold them.
 */
export class ReceiveRingPool {
  private spare: ReceiveRing[] = [];
  private lent = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly create: () => ReceiveRing,
    private readonly idleMs = 30_000,
    /** Rings kept at most (more may be lent at once, by downloads side by side; those beyond go when they come back). */
    private readonly maxSpare = Infinity,
  ) {}

  /** Rings kept for the next run. */
  get spareCount(): number {
    return this.spare.length;
  }

  take(): ReceiveRing {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.lent++;
    return this.spare.pop() ?? this.create();
  }

  /** A ring its connection is done with (destroyed) and whose views nobody holds any more. */
  give(ring: ReceiveRing): void {
    this.lent--;
    if (this.disposed) return;
    if (this.spare.length < this.maxSpare) this.spare.push(ring);
    if (this.lent > 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => (this.spare = []), this.idleMs);
    this.idleTimer.unref();
  }

  /** Lets go of the spare rings now; rings still lent are dropped when they come back, and none is kept again. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.spare = [];
  }
}
