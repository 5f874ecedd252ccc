// What a Msg handler, a query or an EndBlock hook sees of the block being built.
import type { Store } from "./state/store.js";

export interface EventAttribute {
  key: string;
  value: string;
  index: boolean;
}

export interface AbciEvent {
  type: string;
  attributes: EventAttribute[];
}

function typedValue(value: unknown): string {
  // Typed (protobuf) events carry each field JSON-encoded; 64-bit integers as strings, like protojson.
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
}

export class EventSink {
  readonly events: AbciEvent[] = [];

  /** A plain event (values as given), e.g. `message` or `transfer`. */
  emit(type: string, attributes: Record<string, string>): void {
    this.events.push({
      type,
      attributes: Object.entries(attributes).map(([key, value]) => ({ key, value, index: true })),
    });
  }

  /** A typed event such as `pocket.proof.EventClaimCreated`: every value JSON-encoded. */
  emitTyped(type: string, fields: Record<string, unknown>): void {
    this.events.push({
      type,
      attributes: Object.entries(fields).map(([key, value]) => ({ key, value: typedValue(value), index: true })),
    });
  }

  /** Moves another sink's events in (a Msg's events join the tx only when the Msg succeeds). */
  absorb(other: EventSink, extra?: Record<string, string>): void {
    for (const event of other.events) {
      const attributes = extra
        ? [...event.attributes, ...Object.entries(extra).map(([key, value]) => ({ key, value, index: true }))]
        : event.attributes;
      this.events.push({ type: event.type, attributes });
    }
  }
}

export interface ChainContext {
  readonly store: Store;
  readonly chainId: string;
  /** Height of the block being executed (or, for queries, the latest committed one). */
  readonly height: bigint;
  readonly time: Date;
  readonly events: EventSink;
  /** CometBFT header hash of a block at or below `height`; the current block's included. */
  blockHash(height: bigint): Uint8Array | undefined;
}
