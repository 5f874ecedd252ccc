import type { ReactNode } from "react";

export type Tone = "neutral" | "ok" | "warn" | "error" | "info" | "accent";

export function Badge({ tone = "neutral", title, children }: { tone?: Tone; title?: string; children: ReactNode }) {
  return (
    <span className={tone === "neutral" ? "badge" : `badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}
