import type { ReactNode } from "react";

/** What an empty list means and how to fill it: never a blank box. */
export function EmptyState({ title, children, actions, testId }: { title: ReactNode; children?: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <div className="empty-state" data-testid={testId}>
      <div className="empty-state-title">{title}</div>
      {children && <div>{children}</div>}
      {actions && <div className="row">{actions}</div>}
    </div>
  );
}
