import { useId, type ReactNode } from "react";

export interface CardProps {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
  className?: string;
  testId?: string;
}

/** A titled section; the heading labels the region so screen readers can jump between cards. */
export function Card({ title, subtitle, actions, children, className, testId }: CardProps) {
  const id = useId();
  return (
    <section className={["card", className].filter(Boolean).join(" ")} aria-labelledby={id} data-testid={testId}>
      <div className="card-header">
        <div>
          <h2 id={id}>{title}</h2>
          {subtitle && <p className="card-subtitle">{subtitle}</p>}
        </div>
        {actions && <div className="card-actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}
