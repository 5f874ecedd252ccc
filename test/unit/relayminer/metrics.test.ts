import assert from "node:assert/strict";
import { test } from "node:test";
import { MetricRegistry, RelayMinerMetrics } from "../../../electron/core/relayminer/metrics.js";

test("text exposition: HELP/TYPE, escaped labels, cumulative histogram buckets with +Inf, _sum and _count", async () => {
  const registry = new MetricRegistry();
  const counter = registry.counter("x_total", "Things.\nCounted", ["a"]);
  const histogram = registry.histogram("d_seconds", "Durations.", ["s"], [0.1, 1]);
  registry.gauge("g", "A gauge.").set([], 2.5);
  counter.inc(['q"u\\o\nte']);
  counter.inc(["plain"], 2);
  histogram.observe(["svc"], 0.05);
  histogram.observe(["svc"], 0.5);
  histogram.observe(["svc"], 5);
  assert.equal(
    await registry.render(),
    [
      "# HELP x_total Things.\\nCounted",
      "# TYPE x_total counter",
      'x_total{a="q\\"u\\\\o\\nte"} 1',
      'x_total{a="plain"} 2',
      "# HELP d_seconds Durations.",
      "# TYPE d_seconds histogram",
      'd_seconds_bucket{s="svc",le="0.1"} 1',
      'd_seconds_bucket{s="svc",le="1"} 2',
      'd_seconds_bucket{s="svc",le="+Inf"} 3',
      'd_seconds_sum{s="svc"} 5.55',
      'd_seconds_count{s="svc"} 3',
      "# HELP g A gauge.",
      "# TYPE g gauge",
      "g 2.5",
      "",
    ].join("\n"),
  );
  assert.throws(() => counter.inc(["a", "b"]), /takes 1 labels/);
  assert.throws(() => counter.inc(["a"], -1), /not possible to decrease a counter/);
  assert.equal(counter.get(["plain"]), 2, "a refused increment counts nothing");
  assert.throws(() => registry.counter("x_total", "again"), /already been registered/);
});

test("the Go RelayMiner's metric names and labels are all exposed", async () => {
  const text = await new RelayMinerMetrics().render();
  const expected: Array<[string, string]> = [
    ["relayminer_requests_total", "counter"],
    ["relayminer_requests_errors_total", "counter"],
    ["relayminer_requests_success_total", "counter"],
    ["relayminer_request_size_bytes", "histogram"],
    ["relayminer_response_size_bytes", "histogram"],
    ["relayminer_relay_duration_seconds", "histogram"],
    ["relayminer_service_duration_seconds", "histogram"],
    ["relayminer_relay_request_preparation_duration_seconds", "histogram"],
    ["relayminer_relay_response_preparation_duration_seconds", "histogram"],
    ["relayminer_full_node_grpc_call_duration_seconds", "histogram"],
    ["relayminer_delayed_relay_request_validation_total", "counter"],
    ["relayminer_delayed_relay_request_validation_failures_total", "counter"],
    ["relayminer_delayed_relay_request_rate_limiting_check_total", "counter"],
    ["relayminer_block_height_current", "gauge"],
    ["relayminer_instruction_time_seconds", "histogram"],
    ["relayminer_relays_dropped_total", "counter"],
  ];
  for (const [name, type] of expected) assert.ok(text.includes(`# TYPE ${name} ${type}\n`), `${name} ${type}`);
});

test("rolling figures: relays per minute, error rate, tokens per second and latency percentiles", () => {
  let now = 1_000_000;
  const metrics = new RelayMinerMetrics(() => now);
  for (let i = 1; i <= 100; i++) metrics.observeRelay({ serviceId: "s", served: true, latencyMs: i, tokensOut: 10 });
  metrics.observeRelay({ serviceId: "s", served: false, latencyMs: 1, error: { codespace: "rings", code: 3 } });
  let figures = metrics.rolling();
  assert.equal(figures.relaysPerMinute, 100);
  assert.equal(figures.errorsPerMinute, 1);
  assert.equal(figures.tokensPerSecond, 100); // 1000 tokens over a 10 s window
  assert.deepEqual(figures.latencyMs, { p50: 50, p90: 90, p99: 99 });
  assert.equal(metrics.errorsByCode.get(["s", "rings", "3"]), 1);
  now += 61_000;
  figures = metrics.rolling();
  assert.equal(figures.relaysPerMinute, 0, "a minute later the window is empty");
  assert.equal(figures.tokensPerSecond, 0);
});

test("each miner's metrics live in a registry of their own, and unlabelled series appear with their first value", async () => {
  const one = new RelayMinerMetrics();
  const two = new RelayMinerMetrics();
  one.requestsSuccessTotal.inc(["svc"]);
  assert.match(await one.render(), /^relayminer_requests_success_total\{service_id="svc"\} 1$/m);
  assert.doesNotMatch(await two.render(), /^relayminer_requests_success_total\{/m, "a second miner in the process counts nothing of the first's");
  assert.doesNotMatch(await two.render(), /^relayminer_block_height_current /m, "no height before the first block");
  two.blockHeightCurrent.set([], 42);
  two.rewardUpoktTotal.inc([], 7);
  const text = await two.render();
  assert.match(text, /^relayminer_block_height_current 42$/m);
  assert.match(text, /^pocketforge_relayminer_reward_upokt_total 7$/m);
  assert.doesNotMatch(text, /\n\n/, "no blank line between families");
  two.relayDurationSeconds.observe(["svc", "200"], 0.005);
  const after = await two.render();
  assert.match(after, /^relayminer_relay_duration_seconds_bucket\{service_id="svc",status_code="200",le="0.01"\} 1$/m, "le last, as the Go client writes it");
  assert.match(after, /^relayminer_relay_duration_seconds_bucket\{service_id="svc",status_code="200",le="\+Inf"\} 1$/m);
  assert.match(after, /^relayminer_relay_duration_seconds_count\{service_id="svc",status_code="200"\} 1$/m);
  assert.deepEqual(one.requestsSuccessTotal.entries(), [{ labels: ["svc"], value: 1 }]);
});
