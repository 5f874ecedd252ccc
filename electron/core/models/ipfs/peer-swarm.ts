import type { Socket } from "node:net";
import type { CID } from "multiformats/cid";
import { describeError, stopReason } from "../download/errors.js";
import { CarStreamParser } from "./car-stream.js";
import { rawGet, type RawResponse } from "./raw-get.js";
import { ReceiveRing, ReceiveRingPool } from "./receive-ring.js";
import type { PlanItem } from "./plan.js";

/** Kubo refuses blocks over 2 MiB; twice that bounds what a peer can make us buffer for one block. */
const MAX_BLOCK_BYTES = 4 * 1024 * 1024;
/** Interior nodes a CAR range may carry besides the blocks asked for (the path from the root), and then some. */
const EXTRA_BLOCKS = 64;
/** Consecutive failed runs after which a peer is asked only when nobody else is left. */
const DEMOTE_AFTER_FAILURES = 2;
/**
 * Blocks are handed over in groups of consecutive blocks of about this size (one write and one check for the group):
 * per-block writes wake the thread pool eight times as often, which costs the receiving thread more than it saves.
 */
const GROUP_BYTES = 2 * 1024 * 1024;
/** Groups of one response being checked and written while the next one fills. */
const GROUPS_AHEAD = 2;
/**
 * How long a response may go on once every block asked for has come (an honest peer ends it at once): bytes that keep
 * trickling in reset the idle timeout, so without this bound a peer could hold a run open forever.
 */
const TAIL_MS = 2_000;
/**
 * Memory a run reads its response into: the groups being checked and written, the one filling, a block being
 * parsed and one more socket read. Reused by the next run (see ReceiveRing for why).
 */
const RING_BYTES = GROUPS_AHEAD * GROUP_BYTES + MAX_BLOCK_BYTES + GROUP_BYTES;
const READ_BYTES = 256 * 1024;

/**
 * CAR runs a download keeps open at once over all its peers: each reads into a ring of ~10 MiB, so this bounds that
 * memory (~80 MiB) whatever the peer count or the IPFS concurrency setting (up to 64); one receiver does not take in
 * more than a few streams' worth anyway. As many rings are kept between downloads (downloads side by side take more
 * while they run).
 */
export const MAX_PEER_RUNS = 8;

/** The rings LAN downloads read into, for an owner that keeps them from one download to the next. */
export function lanReceiveRings(idleMs?: number): ReceiveRingPool {
  return new ReceiveRingPool(() => new ReceiveRing(RING_BYTES, READ_BYTES), idleMs, MAX_PEER_RUNS);
}

export interface SwarmPeer {
  url: string;
  /** For the progress display: the peer's name and address. */
  label: string;
}

interface PeerState extends SwarmPeer {
  inflight: number;
  consecutiveFailures: number;
  /** Sent a block that did not match its CID: never asked again during this download. */
  untrusted: boolean;
}

export interface PeerSwarmOptions {
  /** The peers that hold the CID now (read at each run, so peers found during the download join it). */
  peers: () => SwarmPeer[];
  /** A run's response may not go quiet for longer than this. */
  idleTimeoutMs?: number;
  onRejected?(peer: SwarmPeer, cid: string): void;
  /** A peer was demoted (it lied, or failed twice in a row) or came back. */
  onPeerState?(peer: SwarmPeer, state: "active" | "demoted" | "gone"): void;
  /** Where runs take the memory they read into (see lanReceiveRings); without it, the swarm's own, let go at close. */
  rings?: ReceiveRingPool;
}

/**
 * One block of a run as the peer sent it: the pieces of the network chunks it spans, in order. They are views into
 * memory the swarm reuses once the delivery settles: a receiver that keeps the bytes longer copies them.
 */
export interface ReceivedBlock {
  item: PlanItem;
  pieces: readonly Uint8Array[];
}

/**
 * Hands over blocks that follow each other in the file to the receiver, which checks each against its `item.cid`
 * (before or after writing them) and takes them in order up to the first that does not match: it resolves with how
 * many it took, and a peer that sent a block that does not match is taken for a liar.
 */
export type Deliver = (blocks: readonly ReceivedBlock[], via: SwarmPeer) => Promise<number>;

/**
 * LAN peers serving one UnixFS file: runs of consecutive blocks are fetched as CARs (`GET /ipfs/{root}?format=car&
 * dag-scope=entity&entity-bytes=from:to`, the trustless gateway's byte-range CAR), one long response instead of a
 * request per 256 KiB block, each on its own connection read straight off the socket into a ring of memory the next
 * run reuses (see rawGet and ReceiveRing for what node:http and fresh buffers cost per byte).
 * Runs are spread over the peers by the fewest requests in flight; blocks go to the receiver in groups as they stream
 * in, and it checks each against its CID; a peer that sends a wrong block is never asked again, one that fails twice
 * in a row is asked only when nobody else is left.
 */
export class PeerSwarm {
  private readonly states = new Map<string, PeerState>();
  /** Connections of the runs in flight, closed with the swarm. */
  private readonly sockets = new Set<Socket>();
  private readonly rings: ReceiveRingPool;
  private readonly ownsRings: boolean;

  constructor(private readonly options: PeerSwarmOptions) {
    this.ownsRings = !options.rings;
    this.rings = options.rings ?? lanReceiveRings();
  }

  /** Closes the connections of any run still open (the download is over). */
  close(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (this.ownsRings) this.rings.dispose();
  }

  /** The peers' gateway URLs now (they also answer single blocks, which the DAG walk asks for). */
  urls(): string[] {
    return this.options.peers().map((p) => p.url);
  }

  /** The label of a peer by its URL; undefined for a URL that is not a peer. */
  labelOf(url: string): string | undefined {
    return this.options.peers().find((p) => p.url === url)?.label ?? this.states.get(url)?.label;
  }

  /** Peers that can still be asked. */
  usableCount(): number {
    return this.candidates(new Set()).length;
  }

  /** Whether any peer can still be asked. */
  usable(): boolean {
    return this.candidates(new Set()).length > 0;
  }

  /**
   * Fetches `items` (consecutive blocks of the file under `root`) from peers, trying others when one fails or lies.
   * Returns the items no peer delivered (empty when all were); stops by `signal`, or with the receiver's own error when
   * `deliver` fails (that is no peer's fault).
   */
  async fetchRun(root: CID, items: PlanItem[], deliver: Deliver, signal: AbortSignal): Promise<PlanItem[]> {
    let remaining = items;
    const tried = new Set<string>();
    while (remaining.length > 0) {
      const peer = this.candidates(tried)[0];
      if (!peer) break;
      tried.add(peer.url);
      peer.inflight++;
      let failure: "lied" | "failed" | null = null;
      try {
        remaining = await this.streamRun(peer, root, remaining, deliver, signal);
        if (remaining.length > 0) failure = "failed";
      } catch (error) {
        const stopped = stopReason(signal);
        if (stopped) throw stopped;
        if (error instanceof LyingPeer) {
          remaining = error.remaining;
          failure = "lied";
        } else if (error instanceof RunFailure) {
          remaining = error.remaining;
          failure = "failed";
        } else throw error;
      } finally {
        peer.inflight--;
      }
      if (failure === "lied") {
        peer.untrusted = true;
        this.options.onPeerState?.(peer, "demoted");
      } else if (failure === "failed") {
        peer.consecutiveFailures++;
        if (peer.consecutiveFailures === DEMOTE_AFTER_FAILURES) this.options.onPeerState?.(peer, "gone");
      } else if (peer.consecutiveFailures > 0) {
        if (peer.consecutiveFailures >= DEMOTE_AFTER_FAILURES) this.options.onPeerState?.(peer, "active");
        peer.consecutiveFailures = 0;
      }
    }
    return remaining;
  }

  /** Peers to ask, best first: honest ones, then the fewest requests in flight, then the fewest recent failures. */
  private candidates(tried: ReadonlySet<string>): PeerState[] {
    for (const peer of this.options.peers()) {
      const state = this.states.get(peer.url);
      if (!state) this.states.set(peer.url, { ...peer, inflight: 0, consecutiveFailures: 0, untrusted: false });
      else state.label = peer.label;
    }
    const current = new Set(this.options.peers().map((p) => p.url));
    const tier = (s: PeerState) => (s.consecutiveFailures >= DEMOTE_AFTER_FAILURES ? 1 : 0);
    return [...this.states.values()]
      .filter((s) => current.has(s.url) && !s.untrusted && !tried.has(s.url))
      .sort((a, b) => tier(a) - tier(b) || a.inflight - b.inflight || a.consecutiveFailures - b.consecutiveFailures);
  }

  private async streamRun(peer: PeerState, root: CID, items: PlanItem[], deliver: Deliver, signal: AbortSignal): Promise<PlanItem[]> {
    const wanted = new Map<string, PlanItem[]>();
    for (const item of items) wanted.set(item.cid, [...(wanted.get(item.cid) ?? []), item]);
    // Blocks taken from `wanted` whose check or delivery is not done: still owed if the run stops.
    const owed = new Set<PlanItem>();
    const left = () => [...owed, ...items.filter((item) => wanted.has(item.cid))];
    const from = items[0]!.offset;
    const to = items[items.length - 1]!.offset + items[items.length - 1]!.size - 1;
    const local = new AbortController();
    const idleMs = this.options.idleTimeoutMs ?? 30_000;
    let idle: NodeJS.Timeout | undefined;
    let tail: NodeJS.Timeout | undefined;
    let cutAfterLast = false;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => local.abort(new Error("timed out")), idleMs);
    };
    const requestSignal = AbortSignal.any([signal, local.signal]);
    const ring = this.rings.take();
    touch();
    try {
      const path = `/ipfs/${root}?format=car&dag-scope=entity&entity-bytes=${from}:${to}`;
      let response: RawResponse;
      try {
        response = await rawGet(new URL(peer.url), path, { accept: "application/vnd.ipld.car" }, requestSignal, {
          ring,
          onSocket: (socket) => {
            this.sockets.add(socket);
            socket.once("close", () => this.sockets.delete(socket));
          },
        });
      } catch (error) {
        const stopped = stopReason(signal);
        if (stopped) throw stopped;
        throw new RunFailure(left(), networkMessage(error));
      }
      if (response.statusCode !== 200) {
        response.destroy();
        throw new RunFailure(left(), `HTTP ${response.statusCode}`);
      }
      const parser = new CarStreamParser(MAX_BLOCK_BYTES + 128);
      // Groups of blocks are checked and written while the next group is read.
      const ahead: Promise<void>[] = [];
      let failed: unknown = null;
      // Groups sent or filling, in stream order: the ring keeps their bytes until the receiver is done with them.
      const groups: PendingGroup[] = [];
      let filling: PendingGroup | null = null;
      // Body bytes before this position are blocks skipped or put in a group.
      let handled = 0;
      const releaseDone = () => {
        while (groups.length > 0 && groups[0]!.settled) groups.shift();
        response.release(groups[0]?.start ?? handled);
      };
      const send = () => {
        if (!filling) return;
        const group = filling;
        const blocks = group.blocks;
        filling = null;
        const delivery = deliver(blocks, peer).then((taken) => {
          for (const block of blocks.slice(0, taken)) owed.delete(block.item);
          if (taken < blocks.length) {
            const bad = blocks[taken]!.item.cid;
            this.options.onRejected?.(peer, bad);
            throw new LyingPeer([], `block ${bad} does not match its CID`);
          }
        });
        // The first failure stops the run; seen at the next block or at the end, never left unhandled.
        delivery
          .catch((error: unknown) => (failed ??= error))
          .finally(() => {
            group.settled = true;
            releaseDone();
          });
        ahead.push(delivery);
      };
      // A filling group keeps every byte from its first block on in the ring, blocks skipped between its own included:
      // it goes once it spans a group's worth of the body, however long the peer made its blocks or whatever it sent
      // between them (counted by the plan's sizes alone, a few padded blocks would fill the ring with nothing to release).
      const sendIfSpread = () => {
        if (filling && handled - filling.start >= GROUP_BYTES) send();
      };
      let extras = 0;
      try {
        for await (const chunk of response.body) {
          touch();
          for (const { cid, pieces, length, end } of parser.push(chunk)) {
            if (failed) throw failed;
            const key = cid.toString();
            const targets = wanted.get(key);
            handled = end;
            if (!targets) {
              if (++extras > EXTRA_BLOCKS + items.length) throw new RunFailure(left(), "sent blocks that were not asked for");
              sendIfSpread();
              releaseDone();
              continue;
            }
            wanted.delete(key);
            for (const item of targets) {
              owed.add(item);
              const last = filling?.blocks[filling.blocks.length - 1];
              if (last && last.item.offset + last.item.size !== item.offset) send();
              if (!filling) groups.push((filling = { blocks: [], bytes: 0, start: end - length, settled: false }));
              filling.blocks.push({ item, pieces });
              filling.bytes += item.size;
              if (filling.bytes >= GROUP_BYTES) send();
            }
            sendIfSpread();
            releaseDone();
            if (wanted.size === 0) {
              // Every block asked for is here: the last group goes now, and the response has little time left to end.
              send();
              tail = setTimeout(() => {
                cutAfterLast = true;
                local.abort(new Error("kept sending after the last block"));
              }, Math.min(idleMs, TAIL_MS));
            }
            while (ahead.length >= GROUPS_AHEAD) await ahead.shift()!.catch(() => {});
          }
        }
        send();
        await Promise.allSettled(ahead);
        if (failed) throw failed;
      } catch (error) {
        // Whole blocks received before the response broke off are delivered all the same (unless the run stops or
        // the peer lied); blocks already being checked finish first; what is owed after that is what the run leaves.
        if (!failed && !stopReason(signal)) send();
        await Promise.allSettled(ahead);
        const cause = failed ?? error;
        // Cut after every block came and was taken (the checks may have held the reading up): the run is done.
        if (cutAfterLast && !failed && !stopReason(signal) && left().length === 0) return [];
        if (cause instanceof LyingPeer) throw new LyingPeer(left(), cause.message);
        if (cause instanceof RunFailure) throw new RunFailure(left(), cause.message);
        const stopped = stopReason(signal);
        if (stopped) throw stopped;
        // The receiver failed (a full disk, the hashing thread): not the peer's doing, and no other peer would fare
        // better. It ends the download with its own reason.
        if (failed) throw failed;
        throw new RunFailure(left(), networkMessage(cause));
      } finally {
        // Each run has its own connection (the peer closes it after the response): done with, it goes.
        response.destroy();
      }
      return left();
    } finally {
      clearTimeout(idle);
      clearTimeout(tail);
      // The response is destroyed (nothing more is read into the ring) and every group's delivery has settled.
      this.rings.give(ring);
    }
  }
}

/** Blocks handed to the receiver together; their bytes are views into the run's ring until it is done with them. */
interface PendingGroup {
  blocks: ReceivedBlock[];
  bytes: number;
  /** Body position of the first block's data. */
  start: number;
  settled: boolean;
}

class RunFailure extends Error {
  constructor(
    readonly remaining: PlanItem[],
    message: string,
  ) {
    super(message);
  }
}

class LyingPeer extends RunFailure {}

function networkMessage(error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause;
  if ((error as { name?: string })?.name === "TimeoutError") return "timed out";
  return cause?.code ?? describeError(error);
}
