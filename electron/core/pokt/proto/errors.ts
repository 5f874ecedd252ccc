/** Raised when bytes are not a well-formed encoding of the expected message. Decoders throw nothing else. */
export class ProtoDecodeError extends Error {
  override readonly name = "ProtoDecodeError";

  constructor(
    /** Fully qualified protobuf name of the message being decoded, e.g. `pocket.service.RelayRequest`. */
    readonly typeName: string,
    /** Byte offset in the input where the problem was found. */
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`cannot decode ${typeName}: ${reason} (at byte ${offset})`);
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
