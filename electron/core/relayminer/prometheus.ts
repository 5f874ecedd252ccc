// A small Prometheus registry with the text exposition format 0.0.4 (no client library is installed):
// counters, gauges and histograms with labels, rendered in registration order.

type LabelValues = readonly string[];

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function labelText(names: readonly string[], values: LabelValues, extra?: [string, string]): string {
  const pairs = names.map((name, i) => `${name}="${escapeLabelValue(values[i] ?? "")}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return pairs.length ? `{${pairs.join(",")}}` : "";
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SEPARATOR = "\u0000";

abstract class Metric<S> {
  protected readonly series = new Map<string, { labels: LabelValues; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    for (const label of labelNames) if (!NAME.test(label) || label.startsWith("__")) throw new Error(`invalid label ${label}`);
  }

  abstract readonly type: "counter" | "gauge" | "histogram";
  protected abstract initial(): S;
  protected abstract samples(labels: LabelValues, state: S): string[];

  protected stateFor(labels: LabelValues): S {
    if (labels.length !== this.labelNames.length) {
      throw new Error(`${this.name} takes ${this.labelNames.length} labels, got ${labels.length}`);
    }
    const key = labels.join(SEPARATOR);
    let entry = this.series.get(key);
    if (entry === undefined) {
      entry = { labels: [...labels], state: this.initial() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, state } of this.series.values()) lines.push(...this.samples(labels, state));
    return lines.join("\n");
  }
}

export class Counter extends Metric<{ value: number }> {
  readonly type = "counter";
  protected initial() {
    return { value: 0 };
  }
  inc(labels: LabelValues = [], by = 1): void {
    if (by < 0) throw new RangeError("a counter only goes up");
    this.stateFor(labels).value += by;
  }
  get(labels: LabelValues = []): number {
    return this.series.get(labels.join(SEPARATOR))?.state.value ?? 0;
  }
  /** Every label set with its value. */
  entries(): Array<{ labels: LabelValues; value: number }> {
    return [...this.series.values()].map(({ labels, state }) => ({ labels, value: state.value }));
  }
  protected samples(labels: LabelValues, state: { value: number }): string[] {
    return [`${this.name}${labelText(this.labelNames, labels)} ${formatValue(state.value)}`];
  }
}

export class Gauge extends Metric<{ value: number }> {
  readonly type = "gauge";
  protected initial() {
    return { value: 0 };
  }
  set(labels: LabelValues, value: number): void {
    this.stateFor(labels).value = value;
  }
  get(labels: LabelValues = []): number {
    return this.series.get(labels.join(SEPARATOR))?.state.value ?? 0;
  }
  protected samples(labels: LabelValues, state: { value: number }): string[] {
    return [`${this.name}${labelText(this.labelNames, labels)} ${formatValue(state.value)}`];
  }
}

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric<HistogramState> {
  readonly type = "histogram";
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames);
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i] > buckets[i - 1])) throw new Error(`${name}: buckets must increase`);
    }
  }
  protected initial(): HistogramState {
    return { counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
  }
  observe(labels: LabelValues, value: number): void {
    const state = this.stateFor(labels);
    state.sum += value;
    state.count += 1;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) state.counts[i] += 1;
  }
  count(labels: LabelValues = []): number {
    return this.series.get(labels.join(SEPARATOR))?.state.count ?? 0;
  }
  protected samples(labels: LabelValues, state: HistogramState): string[] {
    const lines = this.buckets.map(
      (bound, i) => `${this.name}_bucket${labelText(this.labelNames, labels, ["le", formatValue(bound)])} ${state.counts[i]}`,
    );
    lines.push(`${this.name}_bucket${labelText(this.labelNames, labels, ["le", "+Inf"])} ${state.count}`);
    lines.push(`${this.name}_sum${labelText(this.labelNames, labels)} ${formatValue(state.sum)}`);
    lines.push(`${this.name}_count${labelText(this.labelNames, labels)} ${state.count}`);
    return lines;
  }
}

export class Registry {
  private readonly metrics = new Map<string, Metric<unknown>>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }

  /** The text exposition format, `Content-Type: text/plain; version=0.0.4`. */
  render(): string {
    return [...this.metrics.values()].map((metric) => metric.render()).join("\n") + "\n";
  }

  private add<M extends Metric<any>>(metric: M): M {
    if (this.metrics.has(metric.name)) throw new Error(`metric ${metric.name} is registered twice`);
    this.metrics.set(metric.name, metric as Metric<unknown>);
    return metric;
  }
}

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
