import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, test } from "node:test";
import { getConfig } from "app-builder-lib/out/util/config/config.js";
import { IPC_CALL_CHANNEL, type IpcReply } from "../../../shared/api/index.js";
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from "../../../electron/core/app/static-files.js";
import { secureWindowOptions } from "../../../electron/main/window-options.js";
import { repoRoot } from "../../fixtures/paths.js";
import { bundleDir, launch } from "../../fixtures/desktop/launch-desktop.js";

/** `default-src 'self'; img-src 'self' data:` → Map { default-src → "'self'", img-src → "'self' data:" } */
function directives(policy: string): Map<string, string> {
  return new Map(
    policy
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values.join(" ")]),
  );
}

function metaPolicy(html: string): string {
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  assert.ok(meta, "renderer/index.html declares a CSP <meta>");
  return meta[1]!;
}

describe("Electron hardening, as the code and the real config files set it", () => {
  test("the window: context isolation, sandbox, no Node anywhere, no webview, web security on", () => {
    const { webPreferences } = secureWindowOptions("/app/preload.cjs");
    assert.deepEqual(
      {
        contextIsolation: webPreferences?.contextIsolation,
        sandbox: webPreferences?.sandbox,
        nodeIntegration: webPreferences?.nodeIntegration,
        nodeIntegrationInWorker: webPreferences?.nodeIntegrationInWorker,
        webviewTag: webPreferences?.webviewTag,
        webSecurity: webPreferences?.webSecurity,
        allowRunningInsecureContent: webPreferences?.allowRunningInsecureContent,
        preload: webPreferences?.preload,
      },
      { contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webviewTag: false, webSecurity: true, allowRunningInsecureContent: false, preload: "/app/preload.cjs" },
    );
  });

  test("one strict CSP: the renderer's <meta>, the headless server's header and Electron's header agree", () => {
    const header = directives(CONTENT_SECURITY_POLICY);
    const meta = directives(metaPolicy(readFileSync(join(repoRoot, "renderer", "index.html"), "utf8")));
    for (const [name, value] of meta) assert.equal(header.get(name), value, `${name} differs between <meta> and header`);
    // frame-ancestors is ignored in <meta>, so only the header carries it.
    assert.deepEqual([...header.keys()].filter((name) => !meta.has(name)), ["frame-ancestors"]);
    assert.equal(header.get("script-src"), "'self'");
    assert.equal(header.get("object-src"), "'none'");
    assert.equal(header.get("frame-ancestors"), "'none'");
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|\*/);
    assert.equal(SECURITY_HEADERS["Content-Security-Policy"], CONTENT_SECURITY_POLICY, "the headless server sends it");
  });

  test("electron-builder.yml sets the fuses: no NODE_OPTIONS or inspect flags; encrypted cookies; asar only, integrity-checked; RunAsNode kept for node-llama-cpp", async () => {
    const config = await getConfig(repoRoot, null, null);
    assert.deepEqual(config.electronFuses, {
      // node-llama-cpp tests each llama.cpp binary in a child forked from the inference worker (a utility process):
      // child_process.fork runs Electron with ELECTRON_RUN_AS_NODE, which only works with this fuse on.
      runAsNode: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    assert.equal(config.asar, true);
  });

  test("the running shell: CSP response header, permissions denied, navigation and new windows blocked, IPC checked", async (t) => {
    const app = await launch(t);
    const rendererUrl = pathToFileURL(join(bundleDir, "..", "renderer", "index.html")).href;
    const { session } = app.fake;

    let response: { responseHeaders: Record<string, string[]> } | null = null;
    session.headersListener!({ responseHeaders: { "content-security-policy": ["default-src *"], "X-Kept": ["1"] } }, (r: typeof response) => (response = r));
    assert.deepEqual(response, { responseHeaders: { "X-Kept": ["1"], "Content-Security-Policy": [CONTENT_SECURITY_POLICY] } });

    const ours = { getURL: () => `${rendererUrl}#/wallet` };
    const foreign = { getURL: () => "https://evil.example/" };
    const request = (contents: object, permission: string) => {
      let granted: boolean | null = null;
      session.permissionRequestHandler!(contents, permission, (answer) => (granted = answer), {});
      return granted;
    };
    for (const permission of ["media", "geolocation", "notifications", "openExternal", "usb", "display-capture", "fullscreen"]) {
      assert.equal(request(ours, permission), false, `${permission} is refused`);
      assert.equal(session.permissionCheckHandler!(ours, permission, "file://", {}), false, `${permission} check is refused`);
    }
    assert.equal(request(ours, "clipboard-sanitized-write"), true, "the copy buttons of our own page");
    assert.equal(request(foreign, "clipboard-sanitized-write"), false);
    assert.equal(session.permissionCheckHandler!(null, "clipboard-sanitized-write", "", {}), false);

    const contents = app.fake.createWebContents();
    assert.equal(contents.fire("will-navigate", "https://evil.example/"), true, "navigation away is blocked");
    assert.equal(contents.fire("will-navigate", `${rendererUrl}#/models`), false, "our own pages are fine");
    assert.equal(contents.fire("will-redirect", "http://127.0.0.1:9/"), true);
    assert.equal(contents.fire("will-attach-webview", {}, {}), true);
    assert.deepEqual(contents.windowOpenHandler!({ url: "https://docs.pokt.network/" }), { action: "deny" });
    assert.deepEqual(contents.windowOpenHandler!({ url: "file:///etc/passwd" }), { action: "deny" });
    assert.deepEqual(app.fake.calls.filter((c) => c.startsWith("openExternal:")), ["openExternal:https://docs.pokt.network/"], "only https opens, in the browser");
    assert.equal(app.window().options.webPreferences.sandbox, true);

    const invoke = app.fake.ipcHandlers.get(IPC_CALL_CHANNEL)!;
    const fromEvil = (await invoke({ senderFrame: { url: "https://evil.example/" } }, "app.info", {})) as IpcReply;
    assert.equal(fromEvil.ok, false);
    assert.equal(!fromEvil.ok && fromEvil.error.code, "unauthorized");
    const badParams = (await invoke({ senderFrame: { url: rendererUrl } }, "settings.update", { rig: { workers: -1 } })) as IpcReply;
    assert.equal(!badParams.ok && badParams.error.code, "invalid_params");
    const fine = (await invoke({ senderFrame: { url: `${rendererUrl}#/settings` } }, "settings.get", {})) as IpcReply;
    assert.equal(fine.ok, true);
    await app.quit();
  });
});
