import type { TelemetrySample } from "../../../shared/api/index.js";

/** Power, electricity and profit per day from measured watts, the user's tariff and earnings. */

const HOURS_PER_DAY = 24;

/** Mean of each GPU's measured power over the samples (watts); GPUs that report no power are left out. */
export function averageGpuPower(samples: TelemetrySample[]): Map<number, number> {
  const sums = new Map<number, { total: number; count: number }>();
  for (const sample of samples) {
    for (const gpu of sample.gpus) {
      if (gpu.powerWatts == null) continue;
      const entry = sums.get(gpu.index) ?? { total: 0, count: 0 };
      entry.total += gpu.powerWatts;
      entry.count += 1;
      sums.set(gpu.index, entry);
    }
  }
  return new Map([...sums].map(([index, { total, count }]) => [index, total / count]));
}

export function kwhPerDay(watts: number): number {
  return (watts * HOURS_PER_DAY) / 1000;
}

export interface ProfitView {
  /** Total measured GPU power (W); null when no GPU reports its power. */
  watts: number | null;
  kwhPerDay: number | null;
  /** Electricity cost per day in the user's currency; null without a tariff or a power figure. */
  costPerDay: number | null;
  /** Earnings per day in the user's currency; null without a POKT price. */
  earningsPerDay: number | null;
  netPerDay: number | null;
  /**
   * The tariff (currency per kWh) at which earnings exactly pay for the electricity: below it the machine makes money.
   * Needs earnings in fiat and a power figure.
   */
  breakEvenTariff: number | null;
}

export function profitView(input: { watts: number | null; tariffPerKwh: number | null; poktPerDay: number; pricePerPokt: number | null }): ProfitView {
  const kwh = input.watts == null ? null : kwhPerDay(input.watts);
  const costPerDay = kwh != null && input.tariffPerKwh != null ? kwh * input.tariffPerKwh : null;
  const earningsPerDay = input.pricePerPokt != null ? input.poktPerDay * input.pricePerPokt : null;
  return {
    watts: input.watts,
    kwhPerDay: kwh,
    costPerDay,
    earningsPerDay,
    netPerDay: costPerDay != null && earningsPerDay != null ? earningsPerDay - costPerDay : null,
    breakEvenTariff: kwh != null && kwh > 0 && earningsPerDay != null ? earningsPerDay / kwh : null,
  };
}

export interface GpuProfit {
  index: number;
  watts: number | null;
  /** This GPU's share of the machine's earnings: its share of generated tokens (one worker per GPU). */
  share: number | null;
  profit: ProfitView;
}

/**
 * Per-GPU verdicts for rigs: each GPU's measured power against the earnings its worker produced (its share of the
 * generated tokens). Without per-worker token counts the split is unknown, so only a lone GPU gets the whole machine's
 * earnings; several GPUs then show their cost alone rather than a made-up split.
 */
export function perGpuProfit(input: {
  power: Map<number, number>;
  tokensByGpu: Map<number, number> | null;
  tariffPerKwh: number | null;
  poktPerDay: number;
  pricePerPokt: number | null;
}): GpuProfit[] {
  const totalTokens = input.tokensByGpu ? [...input.tokensByGpu.values()].reduce((a, b) => a + b, 0) : 0;
  const indices = [...new Set([...input.power.keys(), ...(input.tokensByGpu?.keys() ?? [])])].sort((a, b) => a - b);
  return indices.map((index) => {
    const watts = input.power.get(index) ?? null;
    const share = totalTokens > 0 ? (input.tokensByGpu!.get(index) ?? 0) / totalTokens : indices.length === 1 ? 1 : null;
    return {
      index,
      watts,
      share,
      profit: profitView({ watts, tariffPerKwh: input.tariffPerKwh, poktPerDay: share == null ? 0 : input.poktPerDay * share, pricePerPokt: share == null ? null : input.pricePerPokt }),
    };
  });
}
