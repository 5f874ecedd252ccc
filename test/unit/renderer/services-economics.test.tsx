// The wizard's service offers and the economics card, from the chain's services and params (mainnet's values).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import type { ServiceInfo, StakingParams } from "../../../shared/api/staking.js";
import { ApiContext } from "../../../renderer/src/api/api-context.js";
import { EconomicsCardView } from "../../../renderer/src/components/staking/EconomicsCard.js";
import { ServicePickerView } from "../../../renderer/src/components/staking/ServicePicker.js";
import { economicsView } from "../../../renderer/src/view-models/economics.js";
import { defaultServiceId, formatUpoktPrice, relayValueUpokt, serviceOffers } from "../../../renderer/src/view-models/services.js";
import { operatorOnlyShares } from "../../../renderer/src/view-models/staking.js";
import { FakeApi } from "./fake-api.js";

const OWNER = "pokt1qqqsyqcyq5rqwzqfpg9scrgwpugpzysnvvvx0k";
const OPERATOR = "pokt1zqqsyqcyq5rqwzqfpg9scrgwpugpzysnxyzs3n";

function service(serviceId: string, patch: Partial<ServiceInfo> = {}): ServiceInfo {
  return { serviceId, name: serviceId, computeUnitsPerRelay: 100, ownerAddress: OWNER, card: null, byom: false, llm: false, ...patch };
}

const AI = service("ai-inference", {
  name: "AI inference",
  byom: true,
  llm: true,
  card: { text: "{}", description: "OpenAI-compatible chat completions", apis: ["openai-chat-completions"], results: "variable", healthcheckPath: "/v1/models" },
});
const ETH = service("eth", { computeUnitsPerRelay: 1 });
const QWEN = service("qwen2_5-0_5b-instruct", { llm: true });

const MAINNET: StakingParams = {
  network: "mainnet",
  minStakeUpokt: "59500000000",
  stakingFeeUpokt: "1",
  addServiceFeeUpokt: "3500000000",
  numBlocksPerSession: 20,
  unbondingPeriodSessions: 1429,
  blockTimeMs: 60_000,
  feesPerSessionUpokt: "3",
  computeUnitsToTokensMultiplier: "145990",
  computeUnitCostGranularity: "1000000",
  proofRequirementThresholdUpokt: "100",
  proofRequestProbability: 0.01,
  proofSubmissionFeeUpokt: "1",
  proofMissingPenaltyUpokt: "1",
  numSuppliersPerSession: 50,
  supplierRewardShare: 0.975 * 0.79 + 0.000001 * 0.8,
  startingFundsUpokt: "64000000000",
};

test("on mainnet the offer is ai-inference; a catalog service id is offered only where the chain has it", () => {
  const mainnet = serviceOffers([AI, ETH], "qwen2_5-0_5b-instruct");
  assert.deepEqual(mainnet.offers.map((o) => [o.service.serviceId, o.kind, o.recommended]), [["ai-inference", "byom", true]]);
  assert.equal(mainnet.missingModelService, "qwen2_5-0_5b-instruct");
  assert.equal(defaultServiceId([AI, ETH], "qwen2_5-0_5b-instruct"), "ai-inference");

  const registered = serviceOffers([QWEN, ETH, AI], "qwen2_5-0_5b-instruct");
  assert.deepEqual(registered.offers.map((o) => [o.service.serviceId, o.kind, o.recommended]), [["ai-inference", "byom", true], ["qwen2_5-0_5b-instruct", "model", false]]);
  assert.equal(registered.missingModelService, null);

  // A network without ai-inference: the model's own service if registered, else its id (to register), else ai-inference.
  assert.equal(defaultServiceId([QWEN, ETH], "qwen2_5-0_5b-instruct"), "qwen2_5-0_5b-instruct");
  assert.equal(defaultServiceId([ETH], "qwen2_5-0_5b-instruct"), "qwen2_5-0_5b-instruct");
  assert.equal(defaultServiceId([ETH], null), "ai-inference");
  assert.equal(defaultServiceId(null, null), "ai-inference");
  assert.equal(defaultServiceId(null, "qwen2_5-0_5b-instruct"), "ai-inference", "before the chain answers, the LLM service of mainnet and beta");
  assert.deepEqual(serviceOffers(null, "x"), { offers: [], missingModelService: null });
});

test("a relay's price is CUPR × CUTTM / granularity, shown with its small digits", () => {
  assert.ok(Math.abs(relayValueUpokt(AI, MAINNET) - 14.599) < 1e-9);
  assert.equal(formatUpoktPrice(14.599), "14.599 upokt");
  assert.equal(formatUpoktPrice(0.14599), "0.14599 upokt");
  assert.equal(formatUpoktPrice(4200), "4,200 upokt");
});

test("the economics: every fact from the params, and POKT per hour from the measured speed with its assumption", () => {
  const view = economicsView({ params: MAINNET, service: AI, tokensPerSecond: 50 });
  const facts = Object.fromEntries(view.facts.map((f) => [f.label, `${f.value} | ${f.note ?? ""}`]));
  assert.match(facts["Minimum stake"]!, /^59,500 POKT \| locked while you serve; staking fee 0\.000001 POKT/);
  assert.match(facts["Price per compute unit"]!, /^0\.14599 upokt \| CUTTM 145,990 \/ 1,000,000$/);
  assert.match(facts["One ai-inference relay"]!, /^14\.599 upokt \| 100 compute units per relay, priced at the session start; you receive 77 % of it$/);
  assert.match(facts["Proof rule"]!, /claims worth ≥ 0\.0001 POKT need a proof \| smaller claims are asked for one at random \(1 %\); a missing proof costs 0\.000001 POKT/);
  assert.match(facts["Fees per session"]!, /^0\.000003 POKT/);
  assert.match(facts["Session"]!, /^20 blocks ≈ 20 min 0 s \| up to 50 suppliers/);
  assert.match(facts["Unbonding"]!, /^1,429 sessions ≈ 476 h 20 min/);
  assert.equal(view.headline, "≈ 0.008087 POKT an hour");
  assert.match(view.assumption!, /50\.0 tokens\/s ÷ 250 tokens per relay \(assumed\) = 720 relays an hour/);
  assert.match(view.assumption!, /paid per relay, not per token/);

  const shorter = economicsView({ params: MAINNET, service: AI, tokensPerSecond: 50, tokensPerRelay: 100 });
  assert.ok(shorter.estimate!.netUpoktPerHour! > view.estimate!.netUpoktPerHour!, "fewer tokens per relay, more relays an hour");
  const unmeasured = economicsView({ params: MAINNET, service: AI, tokensPerSecond: null });
  assert.equal(unmeasured.headline, null);
  assert.match(unmeasured.assumption!, /Run the benchmark/);
  const noService = economicsView({ params: MAINNET, service: null, tokensPerSecond: 50 });
  assert.deepEqual([noService.headline, noService.estimate], [null, null]);
  assert.ok(!noService.facts.some((f) => f.label.startsWith("One ")));
});

test("operator only: the owner keeps what the operator's share leaves", () => {
  assert.deepEqual(operatorOnlyShares(OWNER, OPERATOR, 30), { [OWNER]: 70, [OPERATOR]: 30 });
  assert.deepEqual(operatorOnlyShares(OWNER, OPERATOR, 0), { [OWNER]: 100 });
  assert.deepEqual(operatorOnlyShares(OWNER, OPERATOR, 100), { [OPERATOR]: 100 });
  assert.throws(() => operatorOnlyShares(OWNER, OPERATOR, 101), RangeError);
  assert.throws(() => operatorOnlyShares(OWNER, OPERATOR, 2.5), RangeError);
});

function render(element: ReactElement): string {
  return renderToStaticMarkup(<ApiContext.Provider value={new FakeApi()}>{element}</ApiContext.Provider>);
}

test("the service picker lists the chain's BYOM service checked by default, and says when the model's own is missing", () => {
  const offers = serviceOffers([AI, ETH], "qwen2_5-0_5b-instruct");
  const picker = (services: ServiceInfo[] | null) =>
    render(<ServicePickerView {...offers} serviceId="ai-inference" services={services} params={MAINNET} network="mainnet" onChoose={() => {}} />);
  const html = picker([AI, ETH]);
  assert.match(html, /data-testid="service-offer-ai-inference"/);
  assert.match(html, /checked="" value="ai-inference"/);
  assert.match(html, /bring your own model/);
  assert.match(html, /default on mainnet/);
  assert.match(html, /14\.599 upokt per relay/);
  assert.match(html, /health check GET \/v1\/models/);
  assert.doesNotMatch(html, /service-offer-eth/, "a blockchain service is not an LLM offer");
  assert.match(html, /data-testid="model-service-missing"/);
  assert.match(html, /<code>qwen2_5-0_5b-instruct<\/code> is not registered on mainnet/);
  assert.match(html, /add-service fee of 3,500 POKT/);
  assert.match(picker(null), /Reading this network&#x27;s services/);
});

test("the economics card shows the chain's facts for the chosen service, and the estimate once a speed is measured", () => {
  const card = (props: Partial<Parameters<typeof EconomicsCardView>[0]>) =>
    render(<EconomicsCardView params={MAINNET} network="mainnet" serviceId="ai-inference" service={AI} tokensPerSecond={null} {...props} />);
  const html = card({});
  assert.match(html, /data-testid="economics-card"/);
  assert.match(html, /Read from mainnet&#x27;s parameters/);
  assert.match(html, /59,500 POKT/);
  assert.match(html, /0\.14599 upokt/);
  assert.match(html, /Assumed tokens per relay/);
  // No benchmark yet: the card asks for one instead of inventing a speed.
  assert.match(html, /Run the benchmark/);
  assert.doesNotMatch(html, /economics-estimate/);
  assert.match(card({ tokensPerSecond: 50 }), /data-testid="economics-estimate"><strong>≈ 0\.008087 POKT an hour<\/strong>/);
  const unregistered = card({ serviceId: "qwen2_5-0_5b-instruct", service: null });
  assert.match(unregistered, /Service qwen2_5-0_5b-instruct is not registered on this network/);
  assert.match(card({ params: null }), /Reading the chain&#x27;s parameters/);
});
