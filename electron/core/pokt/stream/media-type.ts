// When a backend's reply is a stream (docs/protocol.md §12.2): the media type of its first Content-Type value, parsed
// the way Go's mime.ParseMediaType parses it, is text/event-stream or application/x-ndjson. A value Go cannot
// parse (a parameter without "=", a comma-separated list, a duplicate parameter) is not a stream.

export const SSE_MEDIA_TYPE = "text/event-stream";
export const NDJSON_MEDIA_TYPE = "application/x-ndjson";
export type StreamMediaType = typeof SSE_MEDIA_TYPE | typeof NDJSON_MEDIA_TYPE;

/** Go's unicode.IsSpace. */
function isSpace(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

function trimLeft(text: string): string {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return text.slice(i);
}

function trimSpace(text: string): string {
  let end = text.length;
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  return trimLeft(text.slice(0, end));
}

const TSPECIALS = '()<>@,;:\\"/[]?=';

/** Go's mime isTokenChar: printable ASCII other than space and tspecials. */
function isTokenChar(char: string): boolean {
  const code = char.charCodeAt(0);
  return code > 0x20 && code < 0x7f && !TSPECIALS.includes(char);
}

/** [token, rest]: the longest prefix of token characters. */
function consumeToken(text: string): [string, string] {
  let i = 0;
  while (i < text.length && isTokenChar(text[i]!)) i++;
  return [text.slice(0, i), text.slice(i)];
}

/** [value, rest] for a token or a quoted string; ["", text] when neither is there. */
function consumeValue(text: string): [string, string] {
  if (text === "") return ["", text];
  if (text[0] !== '"') return consumeToken(text);
  let value = "";
  for (let i = 1; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') return [value, text.slice(i + 1)];
    // A backslash escapes a following tspecial; before anything else it is kept as a literal backslash.
    if (char === "\\" && i + 1 < text.length && TSPECIALS.includes(text[i + 1]!)) {
      value += text[i + 1];
      i++;
      continue;
    }
    if (char === "\r" || char === "\n") return ["", text];
    value += char;
  }
  return ["", text];
}

/** Go's consumeMediaParam: [name, value, rest]; name "" when no parameter can be read at the start of `text`. */
function consumeMediaParam(text: string): [string, string, string] {
  let rest = trimLeft(text);
  if (!rest.startsWith(";")) return ["", "", text];
  rest = trimLeft(rest.slice(1));
  const [name, afterName] = consumeToken(rest);
  if (name === "") return ["", "", text];
  rest = trimLeft(afterName);
  if (!rest.startsWith("=")) return ["", "", text];
  rest = trimLeft(rest.slice(1));
  const [value, afterValue] = consumeValue(rest);
  if (value === "" && afterValue === rest) return ["", "", text];
  return [name.toLowerCase(), value, afterValue];
}

/** Go's checkMediaTypeDisposition: a token, optionally "/" and a second token, and nothing else. */
function isValidMediaType(mediaType: string): boolean {
  const [type, rest] = consumeToken(mediaType);
  if (type === "") return false;
  if (rest === "") return true;
  if (!rest.startsWith("/")) return false;
  const [subtype, after] = consumeToken(rest.slice(1));
  return subtype !== "" && after === "";
}

/**
 * Go's mime.ParseMediaType, for what a miner needs of it: the lower-cased media type and its parameters, or
 * undefined where Go returns an error.
 */
export function parseMediaType(value: string): { mediaType: string; params: Map<string, string> } | undefined {
  const semicolon = value.indexOf(";");
  const base = semicolon < 0 ? value : value.slice(0, semicolon);
  const mediaType = trimSpace(base.toLowerCase());
  if (!isValidMediaType(mediaType)) return undefined;
  const params = new Map<string, string>();
  let rest = value.slice(base.length);
  while (rest.length > 0) {
    rest = trimLeft(rest);
    if (rest === "") break;
    const [name, paramValue, after] = consumeMediaParam(rest);
    if (name === "") {
      if (trimSpace(after) === ";") break; // a trailing semicolon is ignored
      return undefined;
    }
    if (params.has(name)) return undefined; // mime: duplicate parameter name
    params.set(name, paramValue);
    rest = after;
  }
  return { mediaType, params };
}

/** The stream type a reply's Content-Type (its first value) announces, or undefined for a whole reply. */
export function streamMediaType(contentType: string | undefined): StreamMediaType | undefined {
  if (contentType === undefined || contentType === "") return undefined;
  const parsed = parseMediaType(contentType);
  if (parsed === undefined) return undefined;
  return parsed.mediaType === SSE_MEDIA_TYPE || parsed.mediaType === NDJSON_MEDIA_TYPE ? parsed.mediaType : undefined;
}

export function isStreamingContentType(contentType: string | undefined): boolean {
  return streamMediaType(contentType) !== undefined;
}
