/** One measured figure of a benchmark; `ok` says whether it met its target (ratios are measured within one run). */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
}

export function printRows(title: string, rows: BenchRow[]): void {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map((r) => r.name.length), 10);
  for (const row of rows) {
    const value = Number.isInteger(row.value) ? row.value.toString() : row.value.toPrecision(4);
    const verdict = row.ok === undefined ? "" : row.ok ? "  ✓" : "  ✗";
    console.log(`  ${row.name.padEnd(width)}  ${value.padStart(12)} ${row.unit.padEnd(10)}${row.target ? `  target ${row.target}` : ""}${verdict}`);
  }
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
