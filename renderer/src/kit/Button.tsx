import type { ButtonHTMLAttributes, ReactNode } from "react";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: "primary" | "secondary" | "ghost" | "danger";
  size?: "normal" | "small";
  /** While true the button is disabled and shows a spinner, so a second click cannot start the work twice. */
  busy?: boolean;
  /** Replaces the label while busy, e.g. "Creating…". */
  busyLabel?: ReactNode;
}

export function Button({ variant = "primary", size = "normal", busy = false, busyLabel, type = "button", className, disabled, children, ...rest }: ButtonProps) {
  const classes = ["button", variant !== "primary" && `button-${variant}`, size === "small" && "button-small", className].filter(Boolean).join(" ");
  return (
    <button {...rest} type={type} className={classes} disabled={disabled || busy} aria-busy={busy || undefined}>
      {busy && <span className="spinner" aria-hidden="true" />}
      {busy && busyLabel ? busyLabel : children}
    </button>
  );
}
