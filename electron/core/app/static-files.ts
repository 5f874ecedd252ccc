import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { decodeComponent, requestUrl } from "../runtime/http-guard.js";

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

/**
 * Source maps hand out the dashboard's whole source (comments, internal names, paths of the build machine) to anyone
 * who can reach the port; the browser does not need them to run the page. Matched case-insensitively and with
 * trailing dots, spaces and slashes ignored, as file systems that ignore them would serve the file anyway.
 */
function isSourceMap(path: string): boolean {
  return /\.map$/i.test(path.replace(/[.\s/\\]+$/, ""));
}

/** The same policy the Electron window enforces: nothing but our own scripts, styles and API socket. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/**
 * Serves the built renderer. Unknown paths without an extension get index.html (client-side routes); anything that
 * would escape the folder is refused. `pageHeaders` go with index.html only.
 */
export function serveStatic(root: string, request: IncomingMessage, response: ServerResponse, pageHeaders: Record<string, string> = {}): void {
  const url = requestUrl(request);
  const path = url === null ? null : decodeComponent(url.pathname);
  if (path === null || path.includes("\0")) return end(response, 400, "Bad path");
  const relative = normalize(path).replace(/^([/\\])+/, "");
  if (relative.split(sep).includes("..")) return end(response, 403, "Forbidden");
  if (isSourceMap(relative)) return end(response, 404, "Not found");
  let file = join(root, relative || "index.html");
  if (!existsSync(file) || statSync(file).isDirectory()) {
    if (extname(relative)) return end(response, 404, "Not found");
    file = join(root, "index.html");
  }
  if (!existsSync(file)) {
    return end(response, 503, "The dashboard is not built: run `npm run build:renderer` (npm run headless does this).");
  }
  const immutable = relative.startsWith("assets/");
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    // Headers meant for the page itself (its session cookie), not for every asset.
    ...(file.endsWith("index.html") ? pageHeaders : {}),
    "Content-Type": MIME[extname(file)] ?? "application/octet-stream",
    "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
  });
  // A file removed or unreadable mid-reply ends this reply, not the process.
  createReadStream(file)
    .on("error", () => response.destroy())
    .pipe(response);
}

function end(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
  response.end(message);
}
