import { useEffect, useRef } from "react";
import uPlot from "uplot";
import { useTheme } from "../../stores/theme-store.js";
import { clockLabel, clockTicks, liveWindow, tickStep } from "../../view-models/time-axis.js";

export interface ChartSeries {
  label: string;
  /** A CSS custom property holding the colour (e.g. "--chart-1"), so the chart follows the theme. */
  colorVar: string;
  values: (number | null)[];
}

export interface TimeSeriesChartProps {
  /** Accessible name: what the chart shows and its latest value, e.g. "Relays per minute, now 42 relays/min". */
  label: string;
  /** x values in seconds since the epoch (uPlot's time scale). */
  times: number[];
  series: ChartSeries[];
  /** Unit of the y axis, appended to its tick labels. */
  unit: string;
  kind?: "line" | "bars";
  /**
   * A live chart: the time axis runs from the first point to the last, at least this many seconds wide, with clock
   * labels. Without it the axis is uPlot's calendar axis (daily bars).
   */
  liveWindowSeconds?: number;
  /** Shown over the empty plot area, saying how the chart will fill. */
  emptyText: string;
  height?: number;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

/**
 * A uPlot chart in a fixed-height box (no layout shift while data streams in). The plot is created once per theme
 * and fed new data with setData; its width follows the box.
 */
export function TimeSeriesChart({ label, times, series, unit, kind = "line", emptyText, height = 200, liveWindowSeconds }: TimeSeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const figure = useRef<HTMLElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useTheme((s) => s.resolved);
  const shape = series.map((s) => `${s.label}|${s.colorVar}`).join(",") + kind + unit + (liveWindowSeconds ?? "");
  const data: uPlot.AlignedData = [times, ...series.map((s) => s.values)];

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const axisColor = cssVar("--muted");
    const grid = { stroke: cssVar("--chart-grid"), width: 1 };
    const bars = kind === "bars" ? uPlot.paths.bars!({ size: [0.6, 48], align: 0 }) : undefined;
    // What the axis shows, on the figure, so a test can check the labels uPlot draws on its canvas.
    const showAxis = (window: [number, number], ticks: number[], labels: string[]) => {
      figure.current?.setAttribute("data-x-window", JSON.stringify(window));
      figure.current?.setAttribute("data-x-ticks", JSON.stringify(ticks));
      figure.current?.setAttribute("data-x-labels", JSON.stringify(labels));
    };
    const live = liveWindowSeconds;
    const xScale: uPlot.Scale =
      live === undefined
        ? { time: true }
        : { time: true, range: (_u, min, max) => (min == null || max == null ? [Date.now() / 1000 - live, Date.now() / 1000] : liveWindow(min, max, live)) };
    const xAxis: uPlot.Axis =
      live === undefined
        ? { stroke: axisColor, grid, ticks: grid }
        : {
            stroke: axisColor,
            grid,
            ticks: grid,
            splits: (_u, _axis, min, max) => clockTicks(min, max),
            values: (u, splits) => {
              const step = splits.length > 1 ? splits[1] - splits[0] : tickStep(u.scales.x.min ?? 0, u.scales.x.max ?? 0);
              const labels = splits.map((t) => clockLabel(t, step));
              showAxis([u.scales.x.min ?? 0, u.scales.x.max ?? 0], splits, labels);
              return labels;
            },
          };
    const instance = new uPlot(
      {
        width: Math.max(element.clientWidth, 200),
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: xScale, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), max != null && max > 0 ? max * 1.1 : 1] } },
        axes: [
          xAxis,
          {
            stroke: axisColor,
            grid,
            ticks: grid,
            values: (_u, ticks) => ticks.map((t) => `${formatTick(t)} ${unit}`),
            // Wide enough for the longest label, so small values (0.0003 POKT) are never clipped.
            size: (_u, values) => (values ? Math.max(...values.map((v) => String(v).length)) * 7 + 18 : 48),
          },
        ],
        series: [
          {},
          ...series.map((s) => {
            const color = cssVar(s.colorVar);
            return { label: s.label, stroke: color, width: 2, fill: kind === "bars" ? color : undefined, paths: bars, points: { show: false } };
          }),
        ],
      },
      data,
      element,
    );
    plot.current = instance;
    const resize = new ResizeObserver(() => instance.setSize({ width: Math.max(element.clientWidth, 200), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      instance.destroy();
      plot.current = null;
    };
    // Data is fed below; the plot is rebuilt only when its shape or the theme changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, theme, height]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  const empty = times.length === 0 || series.every((s) => s.values.every((v) => v == null || v === 0));
  return (
    <figure className="chart-figure" ref={figure}>
      <div className="chart" role="img" aria-label={label} style={{ height }}>
        <div ref={box} aria-hidden="true" />
        {empty && <div className="chart-empty">{emptyText}</div>}
      </div>
      <figcaption className="chart-legend">
        {series.map((s) => (
          <span key={s.label}>
            <span className={`chart-swatch chart-swatch${s.colorVar.replace("--chart", "")}`} aria-hidden="true" />
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export function formatTick(value: number): string {
  if (Math.abs(value) >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (Math.abs(value) >= 1e3) return `${Number((value / 1e3).toPrecision(3))}k`;
  return value === 0 ? "0" : String(Number(value.toPrecision(3)));
}
