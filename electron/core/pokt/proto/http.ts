// shannon-sdk's HTTP envelopes (package `sdk.types`), carried as RelayRequest/RelayResponse payloads.
import { field, message, type MessageOf } from "./codec.js";

/** One header: the map key and `key` are the same canonical name (e.g. `Content-Type`). */
export const Header = message("sdk.types.Header", {
  key: field.string(1),
  values: field.repeatedString(2),
});
export type Header = MessageOf<typeof Header>;

export const POKTHTTPRequest = message("sdk.types.POKTHTTPRequest", {
  method: field.string(1),
  header: field.stringMap(2, Header),
  /** Absolute URL as the gateway built it (supplier public URL + user path). */
  url: field.string(3),
  bodyBz: field.bytes(4),
});
export type POKTHTTPRequest = MessageOf<typeof POKTHTTPRequest>;

export const POKTHTTPResponse = message("sdk.types.POKTHTTPResponse", {
  statusCode: field.uint32(1),
  header: field.stringMap(2, Header),
  bodyBz: field.bytes(3),
});
export type POKTHTTPResponse = MessageOf<typeof POKTHTTPResponse>;
