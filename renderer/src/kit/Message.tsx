import type { ReactNode } from "react";
import { describeError } from "../view-models/errors.js";

export interface MessageProps {
  tone: "error" | "warn" | "info" | "ok";
  title?: ReactNode;
  children?: ReactNode;
  /** What the person can do about it. Every error and warning says this. */
  next?: ReactNode;
  testId?: string;
}

export function Message({ tone, title, children, next, testId }: MessageProps) {
  return (
    <div className={`message message-${tone}`} role={tone === "error" ? "alert" : "status"} data-testid={testId}>
      {title && <div className="message-title">{title}</div>}
      {children && <div>{children}</div>}
      {next && <div className="message-next">{next}</div>}
    </div>
  );
}

/** An error from the engine (or anywhere) in words, with the next step that fits its code. */
export function ErrorMessage({ error, title, next, testId }: { error: unknown; title?: ReactNode; next?: ReactNode; testId?: string }) {
  const described = describeError(error);
  return (
    <Message tone="error" title={title} next={next ?? described.next} testId={testId}>
      {described.message}
    </Message>
  );
}
