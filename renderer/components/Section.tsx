import type { ReactNode } from 'react';

/** One card of the window: a titled box with optional controls on the right of its title. */
export function Section({ title, actions, className, children }: { title: string; actions?: ReactNode; className?: string; children: ReactNode }) {
  return (
    <section className={className ? `card ${className}` : 'card'} aria-label={title}>
      <header className="card-header">
        <h2>{title}</h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}
