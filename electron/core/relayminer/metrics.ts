// The relay miner's numbers, once: Prometheus metrics under the Go RelayMiner's names and labels (so existing
// Grafana dashboards keep working), a few PocketForge additions under `pocketforge_relayminer_`, and the rolling
// figures the dashboard shows (relays per minute, latency percentiles, tokens per second).
import { Counter, Gauge, Histogram, Registry } from "prom-client";

type LabelValues = readonly string[];

/** One label set of a metric: prom-client's labels object, built once, and the app's synchronous tally. */
interface Series {
  readonly labels: LabelValues;
  readonly named: Record<string, string>;
  value: number;
}

/**
 * A metric's label sets by value. The relay path records ~15 observations per relay; looking their labels up here
 * spares a labels object and a JSON key per observation (prom-client takes labels by name, the relay miner passes
 * them by position, in the order they were declared).
 */
class SeriesTable {
  private readonly byKey = new Map<string, Series>();

  constructor(
    private readonly metric: string,
    private readonly names: readonly string[],
  ) {}

  /** The series of `values`, created on first use. @throws for the wrong number of labels */
  get(values: LabelValues): Series {
    const key = seriesKey(values);
    let series = this.byKey.get(key);
    if (series === undefined) {
      if (values.length !== this.names.length) throw new Error(`${this.metric} takes ${this.names.length} labels, got ${values.length}`);
      const named: Record<string, string> = {};
      for (let i = 0; i < this.names.length; i++) named[this.names[i]] = values[i];
      series = { labels: [...values], named, value: 0 };
      this.byKey.set(key, series);
    }
    return series;
  }

  find(values: LabelValues): Series | undefined {
    return this.byKey.get(seriesKey(values));
  }

  all(): IterableIterator<Series> {
    return this.byKey.values();
  }
}

/** Length-prefixed, so no two label lists share a key whatever characters their values hold. */
function seriesKey(values: LabelValues): string {
  let key = "";
  for (const value of values) key += `${value.length}:${value}`;
  return key;
}

/**
 * prom-client starts an unlabelled metric at 0; the exposition has always left it out until its first value
 * (a block height of 0 before the first block would be a lie), so the zero series is dropped at creation.
 */
function withoutInitialZero<M extends { remove(...values: string[]): void }>(metric: M, labelNames: readonly string[]): M {
  if (labelNames.length === 0) metric.remove();
  return metric;
}

export class CounterMetric {
  private readonly counter: Counter<string>;
  // The dashboard snapshot and tests read totals synchronously; prom-client only reads them asynchronously.
  private readonly series: SeriesTable;

  constructor(registry: Registry, readonly name: string, help: string, readonly labelNames: readonly string[]) {
    this.counter = withoutInitialZero(new Counter({ name, help, labelNames, registers: [registry] }), labelNames);
    this.series = new SeriesTable(name, labelNames);
  }

  inc(labels: LabelValues = [], by = 1): void {
    const series = this.series.get(labels);
    this.counter.inc(series.named, by);
    series.value += by;
  }

  get(labels: LabelValues = []): number {
    return this.series.find(labels)?.value ?? 0;
  }

  /** Every label set with its value. */
  entries(): Array<{ labels: LabelValues; value: number }> {
    return [...this.series.all()].map(({ labels, value }) => ({ labels, value }));
  }
}

export class GaugeMetric {
  private readonly gauge: Gauge<string>;
  private readonly series: SeriesTable;

  constructor(registry: Registry, readonly name: string, help: string, readonly labelNames: readonly string[]) {
    this.gauge = withoutInitialZero(new Gauge({ name, help, labelNames, registers: [registry] }), labelNames);
    this.series = new SeriesTable(name, labelNames);
  }

  set(labels: LabelValues, value: number): void {
    this.gauge.set(this.series.get(labels).named, value);
  }
}

export class HistogramMetric {
  private readonly histogram: Histogram<string>;
  // Observation counts (the series' values), read synchronously by tests of the relay path.
  private readonly series: SeriesTable;

  constructor(registry: Registry, readonly name: string, help: string, readonly labelNames: readonly string[], buckets: readonly number[]) {
    this.histogram = new Histogram({ name, help, labelNames, buckets: [...buckets], registers: [registry] });
    this.series = new SeriesTable(name, labelNames);
  }

  observe(labels: LabelValues, value: number): void {
    const series = this.series.get(labels);
    this.histogram.observe(series.named, value);
    series.value += 1;
  }

  count(labels: LabelValues = []): number {
    return this.series.find(labels)?.value ?? 0;
  }
}

const BUCKET_LE_FIRST = /^([^\s{]+_bucket)\{(le="[^"]*"),(.+)\}(?= \S+$)/gm;

/**
 * A prom-client registry of its own (several miners and tests share one process, so never prom-client's global
 * default), with the relay miner's positional-label metrics.
 */
export class MetricRegistry {
  readonly registry = new Registry();

  counter(name: string, help: string, labelNames: readonly string[] = []): CounterMetric {
    return new CounterMetric(this.registry, name, help, labelNames);
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): GaugeMetric {
    return new GaugeMetric(this.registry, name, help, labelNames);
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): HistogramMetric {
    return new HistogramMetric(this.registry, name, help, labelNames, buckets);
  }

  /**
   * The text exposition format (`Registry.PROMETHEUS_CONTENT_TYPE`), byte for byte as this endpoint (and the Go
   * client) always wrote it: families joined by single newlines, where prom-client's metrics() puts a blank line
   * between them, and a bucket's `le` after the metric's own labels, where prom-client puts it first.
   */
  async render(): Promise<string> {
    const families = await Promise.all(this.registry.getMetricsAsArray().map((metric) => this.registry.getSingleMetricAsString(metric.name)));
    // Label values cannot hold a raw newline or quote (both are escaped), so a line is one sample and `le="…"` ends
    // at the first quote.
    return families.join("\n").replace(BUCKET_LE_FIRST, "$1{$3,$2}") + "\n";
  }
}

/** Go's default buckets for durations (seconds). */
const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.2, 0.4, 0.5, 0.75, 1, 2, 5, 10, 30];
const SIZE_BUCKETS = [100, 500, 1000, 5000, 10000, 50000];

/** Per-second buckets over the last `seconds`, for rates. */
class SlidingCounter {
  private readonly buckets: Float64Array;
  private readonly stamps: Float64Array;

  constructor(private readonly seconds: number) {
    this.buckets = new Float64Array(seconds);
    this.stamps = new Float64Array(seconds).fill(-1);
  }

  add(nowMs: number, amount = 1): void {
    const second = Math.floor(nowMs / 1000);
    const i = second % this.seconds;
    if (this.stamps[i] !== second) {
      this.stamps[i] = second;
      this.buckets[i] = 0;
    }
    this.buckets[i] += amount;
  }

  /** Sum over the last `window` seconds (the current one included). */
  sum(nowMs: number, window = this.seconds): number {
    const second = Math.floor(nowMs / 1000);
    let total = 0;
    for (let i = 0; i < this.seconds; i++) if (this.stamps[i] > second - window && this.stamps[i] <= second) total += this.buckets[i];
    return total;
  }
}

/** The last `size` latencies, for percentiles. */
class LatencyReservoir {
  private readonly values: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(size: number) {
    this.values = new Float64Array(size);
  }

  add(value: number): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.values.length;
    this.filled = Math.min(this.filled + 1, this.values.length);
  }

  percentiles(...ps: number[]): Array<number | null> {
    if (this.filled === 0) return ps.map(() => null);
    const sorted = this.values.slice(0, this.filled).sort();
    return ps.map((p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]);
  }
}

export interface RelayObservation {
  serviceId: string;
  /** Ended in a served reply (backend answered, response signed). */
  served: boolean;
  latencyMs: number;
  tokensIn?: number | null;
  tokensOut?: number | null;
  /** `codespace:code` for an error reply. */
  error?: { codespace: string; code: number };
}

export interface RollingFigures {
  relaysPerMinute: number;
  errorsPerMinute: number;
  tokensPerSecond: number;
  latencyMs: { p50: number | null; p90: number | null; p99: number | null };
}

export class RelayMinerMetrics {
  readonly registry = new MetricRegistry();

  // --- Go RelayMiner names (pkg/relayer/metrics.go, subsystem "relayminer")
  readonly requestsTotal = this.registry.counter(
    "relayminer_requests_total",
    "Relay requests received, by service and the supplier operator they were addressed to.",
    ["service_id", "supplier_operator_address"],
  );
  readonly requestsErrorsTotal = this.registry.counter("relayminer_requests_errors_total", "Relay requests answered with a RelayMinerError.", ["service_id"]);
  readonly requestsSuccessTotal = this.registry.counter("relayminer_requests_success_total", "Relays served with a signed response.", ["service_id"]);
  readonly requestSizeBytes = this.registry.histogram("relayminer_request_size_bytes", "Size of relay requests in bytes.", ["service_id"], SIZE_BUCKETS);
  readonly responseSizeBytes = this.registry.histogram("relayminer_response_size_bytes", "Size of relay responses in bytes.", ["service_id"], SIZE_BUCKETS);
  readonly relayDurationSeconds = this.registry.histogram(
    "relayminer_relay_duration_seconds",
    "Time from receiving a relay to having its reply ready, backend call included.",
    ["service_id", "status_code"],
    DURATION_BUCKETS,
  );
  readonly serviceDurationSeconds = this.registry.histogram(
    "relayminer_service_duration_seconds",
    "Time the backend took to answer.",
    ["service_id", "status_code"],
    DURATION_BUCKETS,
  );
  readonly requestPreparationSeconds = this.registry.histogram(
    "relayminer_relay_request_preparation_duration_seconds",
    "Time from receiving a relay to sending it to the backend (decoding and verification).",
    ["service_id"],
    DURATION_BUCKETS,
  );
  readonly responsePreparationSeconds = this.registry.histogram(
    "relayminer_relay_response_preparation_duration_seconds",
    "Time from the backend's answer to a signed, encoded relay response.",
    ["service_id"],
    DURATION_BUCKETS,
  );
  readonly fullNodeCallSeconds = this.registry.histogram(
    "relayminer_full_node_grpc_call_duration_seconds",
    "Duration of queries and transactions sent to the full node.",
    ["component", "method"],
    DURATION_BUCKETS,
  );
  readonly delayedValidationTotal = this.registry.counter(
    "relayminer_delayed_relay_request_validation_total",
    "Relays validated after being served (this miner always validates first, so this stays 0).",
    ["service_id", "supplier_operator_address"],
  );
  readonly delayedValidationFailuresTotal = this.registry.counter(
    "relayminer_delayed_relay_request_validation_failures_total",
    "Relays that failed validation after being served (always 0 here).",
    ["service_id", "supplier_operator_address"],
  );
  readonly delayedRateLimitingTotal = this.registry.counter(
    "relayminer_delayed_relay_request_rate_limiting_check_total",
    "Relays rate limited after being served (always 0 here).",
    ["service_id", "supplier_operator_address"],
  );
  readonly blockHeightCurrent = this.registry.gauge("relayminer_block_height_current", "Latest block height seen by the relay miner.");
  readonly instructionTimeSeconds = this.registry.histogram(
    "relayminer_instruction_time_seconds",
    "Time spent in each step of handling a relay.",
    ["instruction"],
    [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  );
  readonly relaysDroppedTotal = this.registry.counter(
    "relayminer_relays_dropped_total",
    "Served relays that were not mined for a reason other than difficulty (ineligible, over-serviced, backend error or refusal).",
    ["service_id", "reason"],
  );

  // --- PocketForge additions
  readonly errorsByCode = this.registry.counter(
    "pocketforge_relayminer_errors_total",
    "RelayMinerError replies by registered codespace and code.",
    ["service_id", "codespace", "code"],
  );
  readonly relaysMinedTotal = this.registry.counter("pocketforge_relayminer_relays_mined_total", "Relays inserted into a session tree.", ["service_id"]);
  readonly computeUnitsMinedTotal = this.registry.counter(
    "pocketforge_relayminer_compute_units_mined_total",
    "Compute units of mined relays.",
    ["service_id"],
  );
  readonly tokensTotal = this.registry.counter("pocketforge_relayminer_tokens_total", "LLM tokens of served relays.", ["service_id", "direction"]);
  readonly claimsTotal = this.registry.counter("pocketforge_relayminer_claims_total", "Claim decisions and submissions.", ["outcome"]);
  readonly proofsTotal = this.registry.counter("pocketforge_relayminer_proofs_total", "Proof decisions and submissions.", ["outcome"]);
  readonly settlementsTotal = this.registry.counter("pocketforge_relayminer_settlements_total", "Claims that reached a final outcome.", ["outcome"]);
  readonly rewardUpoktTotal = this.registry.counter("pocketforge_relayminer_reward_upokt_total", "upokt paid to the supplier's revenue-share addresses.");
  readonly pendingClaims = this.registry.gauge("pocketforge_relayminer_pending_claims", "Sessions claimed (or about to be) and not settled yet.");
  readonly openSessions = this.registry.gauge("pocketforge_relayminer_open_sessions", "Session trees still collecting relays.");

  private readonly relays = new SlidingCounter(60);
  private readonly errors = new SlidingCounter(60);
  private readonly tokensOut = new SlidingCounter(60);
  private readonly latencies = new LatencyReservoir(4096);

  constructor(private readonly now: () => number = Date.now) {}

  /** One relay, served or refused, for the rolling figures and the error/token counters. */
  observeRelay(observation: RelayObservation): void {
    const at = this.now();
    if (observation.served) {
      this.relays.add(at);
      this.latencies.add(observation.latencyMs);
      if (observation.tokensIn) this.tokensTotal.inc([observation.serviceId, "in"], observation.tokensIn);
      if (observation.tokensOut) {
        this.tokensTotal.inc([observation.serviceId, "out"], observation.tokensOut);
        this.tokensOut.add(at, observation.tokensOut);
      }
    }
    if (observation.error) {
      this.errors.add(at);
      this.errorsByCode.inc([observation.serviceId, observation.error.codespace, String(observation.error.code)]);
    }
  }

  rolling(): RollingFigures {
    const at = this.now();
    const [p50, p90, p99] = this.latencies.percentiles(0.5, 0.9, 0.99);
    return {
      relaysPerMinute: this.relays.sum(at),
      errorsPerMinute: this.errors.sum(at),
      tokensPerSecond: this.tokensOut.sum(at, 10) / 10,
      latencyMs: { p50, p90, p99 },
    };
  }

  render(): Promise<string> {
    return this.registry.render();
  }
}
