// What the traffic generator reports: counts, failures by reason, latency percentiles, per supplier.
export interface SupplierTrafficStats {
  operatorAddress: string;
  sent: number;
  succeeded: number;
  failed: number;
}

export interface TrafficStats {
  running: boolean;
  /** Relays per second to each supplier of the session. */
  ratePerSecond: number;
  serviceId: string;
  applicationAddress: string | null;
  gatewayAddress: string | null;
  sent: number;
  succeeded: number;
  failed: number;
  failuresByReason: Record<string, number>;
  latencyMsP50: number | null;
  latencyMsP95: number | null;
  /** Good answers that came as streams (docs/protocol.md §12). */
  streamed: number;
  /** Median time from sending a streamed relay to its first text. */
  firstTokenMsP50: number | null;
  lastError: string | null;
  lastRelayAt: number | null;
  suppliers: SupplierTrafficStats[];
}

const LATENCY_WINDOW = 500;

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export class TrafficRecorder {
  private sent = 0;
  private succeeded = 0;
  private failed = 0;
  private readonly reasons = new Map<string, number>();
  private readonly latencies: number[] = [];
  private readonly firstTokens: number[] = [];
  private streamed = 0;
  private readonly suppliers = new Map<string, SupplierTrafficStats>();
  private lastError: string | null = null;
  private lastRelayAt: number | null = null;

  record(
    operatorAddress: string,
    outcome: { ok: boolean; latencyMs: number; reason?: string; detail?: string; stream?: { firstTokenMs: number | null } },
  ): void {
    this.sent += 1;
    this.lastRelayAt = Date.now();
    const supplier = this.suppliers.get(operatorAddress) ?? { operatorAddress, sent: 0, succeeded: 0, failed: 0 };
    supplier.sent += 1;
    if (outcome.ok) {
      this.succeeded += 1;
      supplier.succeeded += 1;
      this.latencies.push(outcome.latencyMs);
      if (this.latencies.length > LATENCY_WINDOW) this.latencies.shift();
      if (outcome.stream) {
        this.streamed += 1;
        if (outcome.stream.firstTokenMs !== null) this.firstTokens.push(outcome.stream.firstTokenMs);
        if (this.firstTokens.length > LATENCY_WINDOW) this.firstTokens.shift();
      }
    } else {
      this.failed += 1;
      supplier.failed += 1;
      const reason = outcome.reason ?? "unknown";
      this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
      this.lastError = outcome.detail ? `${reason}: ${outcome.detail}` : reason;
    }
    this.suppliers.set(operatorAddress, supplier);
  }

  /** A failure that happened before any relay could be addressed (staking, session lookup). */
  recordSetupError(message: string): void {
    this.lastError = message;
  }

  snapshot(base: Pick<TrafficStats, "running" | "ratePerSecond" | "serviceId" | "applicationAddress" | "gatewayAddress">): TrafficStats {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      ...base,
      sent: this.sent,
      succeeded: this.succeeded,
      failed: this.failed,
      failuresByReason: Object.fromEntries(this.reasons),
      latencyMsP50: percentile(sorted, 50),
      latencyMsP95: percentile(sorted, 95),
      streamed: this.streamed,
      firstTokenMsP50: percentile([...this.firstTokens].sort((a, b) => a - b), 50),
      lastError: this.lastError,
      lastRelayAt: this.lastRelayAt,
      suppliers: [...this.suppliers.values()].map((s) => ({ ...s })),
    };
  }
}
