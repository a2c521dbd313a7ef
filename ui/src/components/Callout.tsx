import type { ReactNode } from "react";

export type Tone = "info" | "attention" | "error" | "ok";

const ICONS: Record<Tone, string> = { info: "i", attention: "!", error: "×", ok: "✓" };

/** A boxed message with a status colour. Errors use `ErrorCallout`, which builds on this. */
export function Callout({
  tone,
  title,
  children,
  actions,
  testId,
  role,
}: {
  tone: Tone;
  title: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  testId?: string;
  role?: "alert" | "status";
}) {
  return (
    <div className={`callout callout-${tone}`} data-testid={testId} role={role}>
      <span className="callout-icon" aria-hidden="true">
        {ICONS[tone]}
      </span>
      <div className="callout-body">
        <div className="callout-title">{title}</div>
        {children !== undefined && <div className="callout-content">{children}</div>}
        {actions !== undefined && <div className="callout-actions">{actions}</div>}
      </div>
    </div>
  );
}
