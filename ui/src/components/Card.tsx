import type { ReactNode } from "react";
import { CopyButton } from "./CopyButton";

export function Card({ title, children, actions, testId }: { title: ReactNode; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <section className="card" data-testid={testId}>
      <div className="card-header">
        <h2>{title}</h2>
        {actions !== undefined && <div className="card-actions">{actions}</div>}
      </div>
      <div className="card-body">{children}</div>
    </section>
  );
}

/** One labelled value in a card; `copy` adds a copy button ("Copy <copy>"). */
export function Field({
  label,
  children,
  copyValue,
  copyLabel,
  mono = false,
  testId,
}: {
  label: string;
  children: ReactNode;
  copyValue?: string;
  copyLabel?: string;
  mono?: boolean;
  testId?: string;
}) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd data-testid={testId}>
        <span className={mono ? "mono value" : "value"}>{children}</span>
        {copyValue !== undefined && <CopyButton value={copyValue} label={`Copy ${copyLabel ?? label.toLowerCase()}`} />}
      </dd>
    </div>
  );
}
