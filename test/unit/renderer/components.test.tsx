import { test } from "node:test";
import assert from "node:assert/strict";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { ApiError, type WalletSnapshot } from "../../../shared/api/index.js";
import { ApiContext } from "../../../renderer/src/api/api-context.js";
import { Field } from "../../../renderer/src/kit/Field.js";
import { ErrorMessage } from "../../../renderer/src/kit/Message.js";
import { ProgressBar } from "../../../renderer/src/kit/ProgressBar.js";
import { Stat } from "../../../renderer/src/kit/Stat.js";
import { MnemonicWords } from "../../../renderer/src/components/wallet/MnemonicWords.js";
import { StrengthMeter } from "../../../renderer/src/components/wallet/StrengthMeter.js";
import { UnlockForm } from "../../../renderer/src/components/wallet/UnlockForm.js";
import { CatalogItem } from "../../../renderer/src/components/models/CatalogItem.js";
import { FakeApi } from "./fake-api.js";

function render(element: ReactElement): string {
  return renderToStaticMarkup(<ApiContext.Provider value={new FakeApi()}>{element}</ApiContext.Provider>);
}

test("a stat shows its unit with a known value and only a dash while unknown", () => {
  assert.match(render(<Stat label="Speed" value="42.0" unit="tokens/s" />), /42\.0<span class="stat-unit">tokens\/s<\/span>/);
  const unknown = render(<Stat label="Speed" value="—" unit="tokens/s" />);
  assert.doesNotMatch(unknown, /tokens\/s/);
  assert.match(unknown, /—/);
});

test("a progress bar exposes its percentage, or says it is indeterminate", () => {
  const known = render(<ProgressBar label="Downloading X" fraction={0.4567} end="1 min left" />);
  assert.match(known, /role="progressbar"/);
  assert.match(known, /aria-valuenow="45.7"/);
  assert.match(known, /aria-label="Downloading X"/);
  assert.match(known, /1 min left/);
  const unknown = render(<ProgressBar label="Checking" fraction={null} />);
  assert.match(unknown, /progress-indeterminate/);
  assert.doesNotMatch(unknown, /aria-valuenow/);
});

test("a field ties its label, hint and error to the control", () => {
  const html = render(<Field label="Name" hint="Shown only here" error="Too long">{(control) => <input {...control} />}</Field>);
  const id = /<input id="([^"]+)"/.exec(html)?.[1];
  assert.ok(id);
  assert.match(html, new RegExp(`<label class="field-label" for="${id}">Name</label>`));
  assert.match(html, new RegExp(`aria-describedby="${id}-hint ${id}-error"`));
  assert.match(html, /aria-invalid="true"/);
  assert.match(html, new RegExp(`id="${id}-error">Too long`));
});

test("an error message is an alert that says what to do next", () => {
  const html = render(<ErrorMessage error={new ApiError("locked", "The wallet is locked")} title="Not sent." />);
  assert.match(html, /role="alert"/);
  assert.match(html, /Not sent\./);
  assert.match(html, /The wallet is locked/);
  assert.match(html, /Unlock the wallet on the Wallet page/);
});

test("the recovery phrase is listed word by word in order", () => {
  const words = Array.from({ length: 24 }, (_, i) => `word${i}`);
  const html = render(<MnemonicWords mnemonic={words.join(" ")} />);
  assert.deepEqual([...html.matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1]), words);
});

test("the strength meter fills bars by score and names the verdict", () => {
  assert.match(render(<StrengthMeter passphrase="lantern mossy violin orbit quarry tulip" />), /data-score="4"[\s\S]*Strength: <strong>strong<\/strong>/);
  assert.match(render(<StrengthMeter passphrase="" />), /data-score="0"[\s\S]*Four or more unrelated words/);
});

test("unlocking offers 'remember on this computer' only where the OS keychain can protect the key", () => {
  const snapshot = (availability: WalletSnapshot["device"]["availability"]): WalletSnapshot => ({
    state: "locked",
    problem: null,
    accounts: [],
    operatorAddress: null,
    owner: null,
    device: { remembered: false, availability },
  });
  assert.match(render(<UnlockForm snapshot={snapshot("available")} />), /Unlock automatically on this computer/);
  assert.doesNotMatch(render(<UnlockForm snapshot={snapshot("plain_text_only")} />), /Unlock automatically/);
});

test("a catalog item shows the recommendation, fit and verification badges and the expected speed", () => {
  const item = (serviceOnChain?: boolean | null) => render(
    <CatalogItem
      actions={<button>Use</button>}
      serviceOnChain={serviceOnChain}
      row={{
        entry: {
          id: "qwen",
          name: "Qwen 2.5 7B",
          family: "qwen",
          license: "apache-2.0",
          parameters: 7.6e9,
          quantization: "Q4_K_M",
          sizeBytes: 4.68 * 1024 ** 3,
          sha256: "a".repeat(64),
          verified: true,
          contextLength: 32768,
          architecture: { layers: 28, kvHeads: 4, headDim: 128 },
          needs: { vramBytes: 6e9, ramBytes: 8e9, contextTokens: 4096 },
          pokt: { serviceId: "qwen2.5-7b", weight: 4 },
          sources: [{ kind: "https", url: "https://example.org/q.gguf" }],
        },
        best: { modelId: "qwen", deviceId: "gpu0", fit: "full", gpuLayers: 28, totalLayers: 28, needBytes: 6e9, tokensPerSecond: 61.4, tokensPerSecondSource: "estimate", earningScore: 240, reason: "fits in RTX 3060's 12.0 GiB" },
        badge: { text: "Fits RTX 3060", tone: "ok", reason: "fits in RTX 3060's 12.0 GiB" },
        recommended: true,
        installed: null,
        download: null,
      }}
    />,
  );
  const html = item();
  for (const text of ["Recommended", "Fits RTX 3060", "verified", "7.6B parameters", "4.68 GiB", "61.4 tokens/s", "qwen2.5-7b", "Fits in RTX 3060"]) {
    assert.ok(html.includes(text), `missing ${text}`);
  }
  // Whether the model's own service exists on the current network (x/service), once that is known.
  assert.doesNotMatch(html, /registered on this network/);
  assert.match(item(true), /qwen2\.5-7b<\/code> \(registered on this network\)/);
  assert.match(item(false), /data-testid="service-not-on-chain"[^>]*> \(not registered on this network\)/);
});
