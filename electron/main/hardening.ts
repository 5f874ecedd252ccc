import type * as Electron from "electron";

/**
 * The one permission the renderer gets: writing text to the clipboard (the "copy address" buttons), and only from
 * our own page. Camera, microphone, geolocation, notifications, external protocols and the rest are refused.
 */
const ALLOWED_PERMISSIONS = new Set(["clipboard-sanitized-write"]);

/**
 * Session-wide defences: the renderer's Content-Security-Policy also as a response header (the <meta> tag covers
 * file:// pages, where the header may not be applied; the header covers everything webRequest sees), and every
 * permission request or check denied except the one above.
 */
export function hardenSession(session: Electron.Session, csp: string, isTrustedUrl: (url: string) => boolean): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      // Whatever policy a response carried is replaced by ours, never merged with it.
      if (name.toLowerCase() !== "content-security-policy") headers[name] = value;
    }
    headers["Content-Security-Policy"] = [csp];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((webContents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && isTrustedUrl(webContents.getURL()));
  });
  session.setPermissionCheckHandler((webContents, permission) => {
    return ALLOWED_PERMISSIONS.has(permission) && webContents !== null && isTrustedUrl(webContents.getURL());
  });
}

/**
 * For every web contents the app creates: no navigation away from our renderer, no redirects, no <webview>, no new
 * windows. https links open in the user's browser instead.
 */
export function guardWebContents(
  contents: Electron.WebContents,
  isTrustedUrl: (url: string) => boolean,
  openExternal: (url: string) => void,
): void {
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  };
  contents.on("will-navigate", (event, url) => stayHome(event, url));
  contents.on("will-redirect", (event, url) => stayHome(event, url));
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) openExternal(url);
    return { action: "deny" };
  });
}

function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === "https:";
  } catch {
    return false;
  }
}
