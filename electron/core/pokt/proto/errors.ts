/**
 * Raised when bytes are not a well-formed encoding of the expected message. Decoders throw nothing else.
 *
 * It describes the input (message, offset, reason), not the call path, and carries no stack frames:
 * a RelayMiner refuses garbage from the network at a high rate, and capturing a stack costs several times
 * more than the decode attempt itself.
 */
export class ProtoDecodeError extends Error {
  override readonly name = "ProtoDecodeError";
  /** Fully qualified protobuf name of the message being decoded, e.g. `pocket.service.RelayRequest`. */
  readonly typeName: string;
  /** Byte offset in the input where the problem was found. */
  readonly offset: number;
  readonly reason: string;

  constructor(typeName: string, offset: number, reason: string) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`cannot decode ${typeName}: ${reason} (at byte ${offset})`);
    Error.stackTraceLimit = stackTraceLimit;
    this.typeName = typeName;
    this.offset = offset;
    this.reason = reason;
  }
}

/** Raised when a value cannot be represented on the wire (out-of-range integer, ill-formed string, ...). */
export class ProtoEncodeError extends Error {
  override readonly name = "ProtoEncodeError";

  constructor(
    readonly typeName: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`cannot encode ${typeName}.${field}: ${reason}`);
  }
}
