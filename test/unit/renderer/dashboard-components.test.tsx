import { test } from "node:test";
import assert from "node:assert/strict";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import type { MinerStatus, SessionEarnings } from "../../../shared/api/index.js";
import { ApiContext } from "../../../renderer/src/api/api-context.js";
import { SessionsTableView } from "../../../renderer/src/components/dashboard/SessionsTable.js";
import { StatusPanelView } from "../../../renderer/src/components/dashboard/StatusPanel.js";
import { servingStatus } from "../../../renderer/src/view-models/serving-status.js";
import { WizardNav } from "../../../renderer/src/components/wizard/WizardNav.js";
import { FakeApi } from "./fake-api.js";


function render(element: ReactElement): string {
  return renderToStaticMarkup(<ApiContext.Provider value={new FakeApi()}>{element}</ApiContext.Provider>);
}

function session(patch: Partial<SessionEarnings>): SessionEarnings {
  return {
    sessionId: "abcdef0123456789",
    serviceId: "qwen",
    applicationAddress: "pokt1app",
    operatorAddress: "pokt1op",
    startHeight: 11,
    endHeight: 20,
    stage: "open",
    createdAt: 0,
    relays: 12,
    minedRelays: 12,
    computeUnits: "1200",
    claimStatus: null,
    proofStatus: null,
    expectedRewardUpokt: "0",
    rewardUpokt: "0",
    penaltyUpokt: "0",
    reason: null,
    ...patch,
  };
}

test("the sessions table says what each stage means, the settled reward exactly, and penalties", () => {
  const sessions = [
    session({ stage: "settled", rewardUpokt: "323", expectedRewardUpokt: "330" }),
    session({ sessionId: "fedcba9876543210", stage: "skipped", reason: "insufficient_balance: the operator has 3 upokt" }),
    session({ sessionId: "0000000000000000", stage: "slashed", penaltyUpokt: "1000000" }),
  ];
  const html = render(<SessionsTableView sessions={sessions} exporting={false} exportError={null} onExport={() => {}} />);
  assert.match(html, /data-stage="settled"[\s\S]*?0\.000323 POKT[\s\S]*?Paid: the reward is in the owner/);
  assert.match(html, /skipped[\s\S]*?Insufficient balance: the operator has 3 upokt/);
  assert.match(html, /penalised[\s\S]*?−1 POKT penalty/);
  assert.match(html, /1,200/);
});

test("without sessions the table explains how they appear", () => {
  assert.match(render(<SessionsTableView sessions={[]} exporting={false} exportError={null} onExport={() => {}} />), /No sessions yet[\s\S]*Sessions appear here once relays arrive/);
  assert.match(render(<SessionsTableView sessions={null} exporting={false} exportError={null} onExport={() => {}} />), /Reading the ledger/);
});

test("more than ten sessions show the latest ten with a button for the rest", () => {
  const many = Array.from({ length: 14 }, (_, i) => session({ sessionId: `session-${String(i).padStart(2, "0")}-xxxxxx` }));
  const html = render(<SessionsTableView sessions={many} exporting={false} exportError={null} onExport={() => {}} />);
  assert.equal(html.match(/data-testid="session-row"/g)?.length, 10);
  assert.match(html, /Show all 14 sessions/);
});

test("the status panel shows an error with its reason, what to do, and the button to start again", () => {
  const status = { state: "error", message: "the chain node does not answer", services: [] } as unknown as MinerStatus;
  const html = render(<StatusPanelView view={servingStatus(status, null, null)} minerKnown running={false} pausedByUser={null} busy={false} error={null} onAction={() => {}} />);
  assert.match(html, /data-testid="serving-status">Error</);
  assert.match(html, /the chain node does not answer/);
  assert.match(html, /Check the Logs page/);
  assert.match(html, />Start serving</);
});

test("the wizard's Next is a link once the step is done and a disabled button with the reason before", () => {
  const waiting = render(<WizardNav step="stake" canNext={false} waiting="Stake first." />);
  assert.match(waiting, /<button type="button" class="button" disabled="" data-testid="wizard-next">Next<\/button>/);
  assert.match(waiting, /Stake first\./);
  assert.match(waiting, /href="#\/setup\/endpoint"/);
  const ready = render(<WizardNav step="stake" canNext />);
  assert.match(ready, /<a class="button" href="#\/setup\/start" data-testid="wizard-next">Next<\/a>/);
});

test("a running miner offers Pause or Resume according to the policy, and Stop", () => {
  const running = { state: "running", message: null, services: [{ serviceId: "qwen", backend: "inference" }] } as unknown as MinerStatus;
  const view = servingStatus(running, null, null);
  const pausable = render(<StatusPanelView view={view} minerKnown running pausedByUser={false} busy={false} error={null} onAction={() => {}} />);
  assert.match(pausable, />Pause<\/button>[\s\S]*>Stop serving</);
  const paused = render(<StatusPanelView view={view} minerKnown running pausedByUser busy={false} error={null} onAction={() => {}} />);
  assert.match(paused, />Resume</);
});
