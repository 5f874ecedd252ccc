import type { ReactNode } from "react";

export interface StatProps {
  label: ReactNode;
  /** The number as text, already formatted; "—" while unknown, so the box keeps its size while data streams in. */
  value: ReactNode;
  /** Every number carries its unit. Leave empty only when the value is itself a word ("serving"). */
  unit?: string;
  hint?: ReactNode;
  tone?: "ok" | "warn" | "error";
  testId?: string;
}

export function Stat({ label, value, unit, hint, tone, testId }: StatProps) {
  return (
    <div className={["stat", tone && `stat-${tone}`].filter(Boolean).join(" ")} data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">
        {value}
        {unit && value !== "—" && <span className="stat-unit">{unit}</span>}
      </div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}
