import { test } from "node:test";
import assert from "node:assert/strict";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { UpdateStatus } from "../../../shared/api/index.js";
import { ApiContext } from "../../../renderer/src/api/api-context.js";
import { UpdatesPanelView } from "../../../renderer/src/components/settings/UpdatesPanel.js";
import { bindUpdates, refreshUpdates, useUpdates } from "../../../renderer/src/stores/updates-store.js";
import { updateView } from "../../../renderer/src/view-models/updates.js";
import { FakeApi } from "./fake-api.js";

const NOW = Date.UTC(2026, 0, 5, 12);
const base = { currentVersion: "1.2.3", channel: "stable", automatic: true, feedUrl: null, lastCheckedAt: NOW - 5 * 60_000, waitingToInstall: null } as const;

/** Every status the tests use is one the engine could send. */
const s = (status: UpdateStatus) => UpdateStatus.parse(status);

function render(element: ReactElement): string {
  return renderToStaticMarkup(<ApiContext.Provider value={new FakeApi()}>{element}</ApiContext.Provider>);
}

function panel(status: UpdateStatus | null, extra: { checking?: boolean; checkError?: unknown; readError?: string } = {}) {
  return render(
    <UpdatesPanelView status={status} readError={extra.readError ?? null} now={NOW} checking={extra.checking ?? false} checkError={extra.checkError ?? null} onCheck={() => {}} />,
  );
}

test("each updater state reads as a sentence, with the version, channel, last answer and feed under it", () => {
  const upToDate = updateView(s({ state: "up_to_date", ...base }), NOW);
  assert.equal(upToDate.label, "Up to date");
  assert.equal(upToDate.tone, "ok");
  assert.equal(upToDate.facts, "PocketForge 1.2.3 · Stable channel · last checked 5 min ago · the installer's update feed");
  assert.equal(upToDate.canCheck, true);

  const idle = updateView(s({ state: "idle", ...base, lastCheckedAt: null, automatic: false }), NOW);
  assert.match(idle.facts!, /not checked yet/);
  assert.match(idle.summary, /Automatic checks are off: only Check now looks/);

  assert.equal(updateView(s({ state: "checking", ...base }), NOW).canCheck, false);
  assert.equal(updateView(s({ state: "available", version: "1.3.0", ...base }), NOW).label, "1.3.0 available");

  const downloading = updateView(s({ state: "downloading", version: "1.3.0", percent: 42, ...base }), NOW);
  assert.equal(downloading.progress, 0.42);
  assert.equal(downloading.canCheck, false);
  assert.match(downloading.summary, /Downloading PocketForge 1\.3\.0: 42 %/);

  const ready = updateView(s({ state: "downloaded", version: "1.3.0", ...base, waitingToInstall: "1.3.0" }), NOW);
  assert.equal(ready.label, "1.3.0 ready");
  assert.match(ready.summary, /installs between sessions, when no relay is in flight/);

  const overridden = updateView(s({ state: "up_to_date", ...base, channel: "beta", feedUrl: "https://mirror.example.net/pf" }), NOW);
  assert.match(overridden.facts!, /Beta channel · .* · feed https:\/\/mirror\.example\.net\/pf \(updates\.feedUrl in config\.json\)$/);
});

test("a failed check says what went wrong and what to do, and a downloaded update still waiting is mentioned", () => {
  const failed = s({ state: "error", message: "Could not reach the update feed: net::ERR_INTERNET_DISCONNECTED", nextStep: "Check this computer's internet connection.", at: NOW, ...base, waitingToInstall: "1.3.0" });
  const view = updateView(failed, NOW);
  assert.equal(view.tone, "error");
  assert.equal(view.next, "Check this computer's internet connection.");
  assert.match(view.summary, /ERR_INTERNET_DISCONNECTED\. ?PocketForge 1\.3\.0 is downloaded and still installs between sessions/);
  const html = panel(failed);
  assert.match(html, /data-state="error"/);
  assert.match(html, /Update failed/);
  assert.match(html, /data-testid="updates-next"[^>]*>[\s\S]*What to do[\s\S]*internet connection/);
  assert.match(html, />Check now</);
  assert.doesNotMatch(html, /<button[^>]*disabled[^>]*>Check now/);
});

test("the panel shows download progress, and Check now is off while a check or download runs", () => {
  const html = panel(s({ state: "downloading", version: "1.3.0", percent: 42, ...base }));
  assert.match(html, /role="progressbar"/);
  assert.match(html, /aria-valuenow="42"/);
  assert.match(html, /<button[^>]*disabled=""[^>]*>Check now<\/button>/);
  const busy = panel(s({ state: "up_to_date", ...base }), { checking: true });
  assert.match(busy, /Checking…/);
});

test("where the engine does not update itself the panel says who does, with no button", () => {
  const headless = panel(s({ state: "unmanaged", reason: "headless" }));
  assert.match(headless, /Updates are managed outside this app/);
  assert.match(headless, /runs headless and does not update itself/);
  assert.match(headless, /your package manager/);
  assert.doesNotMatch(headless, /Check now/);
  assert.match(panel(s({ state: "unmanaged", reason: "development" })), /development run of the desktop app/);
  assert.match(panel(null), /Reading the updater&#x27;s state/);
  assert.match(panel(null, { readError: "Unknown API method" }), /role="alert"[\s\S]*Could not read the updater&#x27;s state/);
});

test("the updates store follows updates.status, and a refresh reads the current state", async () => {
  const first = s({ state: "checking", ...base });
  const api = new FakeApi({ "updates.status": () => first });
  const off = bindUpdates(api);
  await refreshUpdates(api);
  assert.equal(useUpdates.getState().status, first);
  const next = s({ state: "up_to_date", ...base, lastCheckedAt: NOW });
  api.emit("updates.status", next);
  assert.equal(useUpdates.getState().status, next);
  off();
  assert.equal(api.listenerCount("updates.status"), 0);
});
