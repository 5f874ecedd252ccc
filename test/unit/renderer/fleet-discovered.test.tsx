// What the Fleet page shows of machines found on the LAN: a front node lists unpaired inference nodes with a way to
// pair each; an inference node lists front nodes to pick; nothing found says what to do instead.
import assert from "node:assert/strict";
import { test } from "node:test";
import { renderToStaticMarkup } from "react-dom/server";
import { DiscoveredFronts, DiscoveredNodes } from "../../../renderer/src/components/fleet/DiscoveredMachines.js";

function text(html: string): string {
  return html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
}

const rigB = { name: "rig-b (a1b2c3)", url: "https://192.168.1.12:8644", role: "node" as const };
const rigC = { name: "rig-c (d4e5f6)", url: "https://192.168.1.13:8644", role: "node" as const };
const front = { name: "front (0a0b0c)", url: "https://192.168.1.5:8644", role: "front" as const };

test("a front node lists each unpaired machine found with its fleet listener and a pair button", () => {
  const html = renderToStaticMarkup(<DiscoveredNodes machines={[rigB, rigC]} onPair={() => {}} />);
  const shown = text(html);
  assert.match(shown, /rig-b \(a1b2c3\) https:\/\/192\.168\.1\.12:8644 Pair this machine/);
  assert.match(shown, /rig-c \(d4e5f6\) https:\/\/192\.168\.1\.13:8644 Pair this machine/);
  assert.equal(html.match(/<button/g)?.length, 2, "one pair button per machine");
});

test("with nothing found, the front node says how a node is found and that pairing by address still works", () => {
  const shown = text(renderToStaticMarkup(<DiscoveredNodes machines={[]} onPair={() => {}} />));
  assert.match(shown, /No unpaired PocketForge found on this network/);
  assert.match(shown, /pair it by address/);
});

test("an inference node lists front nodes found, marks the one chosen, and shows nothing when none is found", () => {
  const other = { ...front, name: "front-2 (ffeedd)", url: "https://192.168.1.6:8644" };
  const shown = text(renderToStaticMarkup(<DiscoveredFronts machines={[front, other]} chosen={other.url} onUse={() => {}} />));
  assert.match(shown, /Front nodes on this network/);
  assert.match(shown, /front \(0a0b0c\) https:\/\/192\.168\.1\.5:8644 Use this front node/);
  assert.match(shown, /front-2 \(ffeedd\) https:\/\/192\.168\.1\.6:8644 Chosen/);
  assert.equal(renderToStaticMarkup(<DiscoveredFronts machines={[]} chosen="" onUse={() => {}} />), "");
});
