// Streaming relays as pocket-relay-miner sends them (docs/protocol.md §12): when a reply is a stream, how the miner
// cuts and frames it, what each batch and the mined relay hold, and how a gateway reads it back.
export { NDJSON_MEDIA_TYPE, SSE_MEDIA_TYPE, isStreamingContentType, parseMediaType, streamMediaType, type StreamMediaType } from "./media-type.js";
export {
  STREAM_BATCH_MAX_AGE_MS,
  STREAM_BATCH_MAX_BYTES,
  STREAM_BATCH_MAX_LINES,
  STREAM_MAX_LINE_BYTES,
  StreamBatch,
  StreamLineSplitter,
  StreamLineTooLongError,
} from "./lines.js";
export {
  DEFAULT_MAX_STREAM_BATCH_BYTES,
  STREAM_BACKEND_ERROR_TRAILER,
  STREAM_DELIMITER,
  StreamFrameDecoder,
  StreamFrameError,
  frameStreamBatch,
  streamBatchPayload,
  streamBatchResponse,
  streamMinedResponse,
  type ResponseHashSigner,
  type StreamTail,
} from "./frames.js";
export { NdjsonParser, SseParser, streamEventParser, type StreamEvent, type StreamEventParser } from "./events.js";
export { RelayStreamError, RelayStreamReader, type RelayStreamReaderOptions, type StreamProgress } from "./reader.js";
