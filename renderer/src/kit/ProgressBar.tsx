import type { ReactNode } from "react";

export interface ProgressBarProps {
  /** Accessible name, e.g. "Downloading Llama 3.2 1B". */
  label: string;
  /** 0..1; null when the total is unknown (an indeterminate bar). */
  fraction: number | null;
  /** Text under the bar: left (what) and right (how much / how long). */
  start?: ReactNode;
  end?: ReactNode;
}

export function ProgressBar({ label, fraction, start, end }: ProgressBarProps) {
  const percent = fraction == null ? null : Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10;
  return (
    <div className={`progress${percent == null ? " progress-indeterminate" : ""}`}>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={percent == null ? "in progress" : `${percent} %`}
      >
        <div className="progress-fill" style={percent == null ? undefined : { width: `${percent}%` }} />
      </div>
      {(start || end) && (
        <div className="progress-caption">
          <span>{start}</span>
          <span>{end}</span>
        </div>
      )}
    </div>
  );
}
