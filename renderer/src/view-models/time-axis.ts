// The time axis of the live charts: a window that starts at the first point (stretched back to a minimum span while
// there are few points, so one point does not make an axis of years) and ticks at clock-friendly steps, labelled as
// a clock ("14:05", "14:05:30"), never as dates or fractions of a second.

const STEPS_SECONDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** [start, end] in epoch seconds: from the first point to the last, at least `minSpanSeconds` wide. */
export function liveWindow(first: number, last: number, minSpanSeconds: number): [number, number] {
  const span = Math.max(last - first, minSpanSeconds);
  return [last - span, last];
}

/** The tick step for a window: the smallest clock step that leaves at most `maxTicks` ticks. */
export function tickStep(start: number, end: number, maxTicks = 5): number {
  const span = Math.max(end - start, 1);
  return STEPS_SECONDS.find((step) => span / step <= maxTicks) ?? Math.ceil(span / maxTicks / 86400) * 86400;
}

/** Ticks at multiples of the step (in local time for steps under a day), all inside [start, end]. */
export function clockTicks(start: number, end: number, maxTicks = 5): number[] {
  const step = tickStep(start, end, maxTicks);
  // Align to the local clock: a 15-minute step ticks at :00, :15, … of local time, whatever the UTC offset.
  const offset = -new Date(start * 1000).getTimezoneOffset() * 60;
  const ticks: number[] = [];
  for (let t = Math.ceil((start + offset) / step) * step - offset; t <= end; t += step) ticks.push(t);
  return ticks;
}

/** "14:05" for steps of a minute or more, "14:05:30" below. */
export function clockLabel(time: number, step: number): string {
  const date = new Date(time * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  const minutes = `${two(date.getHours())}:${two(date.getMinutes())}`;
  return step >= 60 ? minutes : `${minutes}:${two(date.getSeconds())}`;
}
