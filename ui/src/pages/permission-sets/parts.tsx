/** Small pieces the permission set views share: progress, plans, reports, tabs. */
import { useRef, type KeyboardEvent, type ReactNode } from "react";
import type {
  ApplyReport,
  IpcError,
  Plan,
  PlanStepResult,
  PlanStepStatus,
  Progress,
  ProvisionReport,
} from "../../backend/api";
import { Callout, type Tone } from "../../components/Callout";
import { ErrorCallout } from "../../components/ErrorCallout";
import { formatAccountId } from "../../lib/format";
import { outcomeGroup, plural } from "./model";

/** A running task: a bar (indeterminate until the total is known), what is happening, Cancel. */
export function TaskProgress({
  progress,
  cancelling,
  onCancel,
  label,
  startMessage,
  testId,
}: {
  progress: Progress | null;
  cancelling: boolean;
  onCancel?: () => void;
  /** The progress bar's accessible name, e.g. "Permission sets read". */
  label: string;
  startMessage: string;
  testId?: string;
}) {
  const known = progress !== null && progress.total > 0;
  return (
    <div className="task-progress" data-testid={testId} role="status" aria-live="polite">
      <progress aria-label={label} max={known ? progress.total : undefined} value={known ? progress.done : undefined} />
      <span className="task-count mono">{known ? `${progress.done}/${progress.total}` : ""}</span>
      <span className="task-message">{cancelling ? "Cancelling…" : (progress?.message ?? startMessage)}</span>
      {onCancel !== undefined && (
        <button type="button" className="small" onClick={onCancel} disabled={cancelling} data-testid={testId !== undefined ? `${testId}-cancel` : undefined}>
          Cancel
        </button>
      )}
    </div>
  );
}

/** The previewed calls, in order, each described for the admin. */
export function PlanView({ plan }: { plan: Plan }) {
  return (
    <div className="ps-plan" data-testid="ps-plan" data-steps={plan.steps.length}>
      <p className="ps-plan-summary">
        <b>{plan.summary}</b>
      </p>
      {plan.steps.length > 0 ? (
        <ol className="ps-plan-steps">
          {plan.steps.map((step, i) => (
            <li key={i} data-testid={`ps-plan-step-${i}`} data-action={step.action}>
              <span className="ps-step-text">{step.description}</span>
              <span className="mono muted ps-step-action">{step.action}</span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">AWS already has the set exactly like this: nothing would be sent.</p>
      )}
      {plan.warnings.length > 0 && (
        <Callout tone="attention" title="Before you apply" testId="ps-plan-warnings">
          <ul>
            {plan.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </Callout>
      )}
    </div>
  );
}

const STATUS_TEXT: Record<PlanStepStatus, { icon: string; label: string }> = {
  succeeded: { icon: "✓", label: "Done" },
  failed: { icon: "×", label: "Failed" },
  not_attempted: { icon: "–", label: "Not attempted" },
  unconfirmed: { icon: "?", label: "Not confirmed" },
};

function StatusMark({ status }: { status: PlanStepStatus }) {
  const s = STATUS_TEXT[status];
  return (
    <span className={`ps-status ps-status-${status}`}>
      <span aria-hidden="true">{s.icon}</span> {s.label}
    </span>
  );
}

/** What a failed call's error callout is titled: a taken name is the common case. */
function stepErrorTitle(step: PlanStepResult, error: IpcError): string {
  if (error.kind === "conflict" && step.action === "sso:CreatePermissionSet") return "A permission set with this name already exists";
  if (step.status === "unconfirmed") return "AWS had not confirmed this step";
  return "AWS refused this step";
}

const REPORT_TONE: Record<"succeeded" | "partial" | "failed", Tone> = { succeeded: "ok", partial: "attention", failed: "error" };

/**
 * What applying a plan did: which calls succeeded, which failed (with AWS's reason), which were
 * not attempted. `data-outcome` is succeeded, partial or failed.
 */
export function ApplyReportView({
  report,
  title,
  children,
  onDismiss,
}: {
  report: ApplyReport;
  title: string;
  children?: ReactNode;
  onDismiss?: () => void;
}) {
  const group = outcomeGroup(report.outcome, report.succeeded);
  const counts = [
    report.succeeded > 0 ? `${report.succeeded} done` : null,
    report.failed > 0 ? `${report.failed} failed` : null,
    report.not_attempted > 0 ? `${report.not_attempted} not attempted` : null,
  ].filter((c) => c !== null);
  return (
    <div className="ps-report" data-testid="ps-apply-report" data-outcome={group} data-apply-outcome={report.outcome}>
      <Callout
        tone={report.outcome === "cancelled" ? "attention" : REPORT_TONE[group]}
        title={title}
        role="status"
        actions={
          onDismiss !== undefined ? (
            <button type="button" className="small" onClick={onDismiss}>
              Dismiss
            </button>
          ) : undefined
        }
      >
        <p data-testid="ps-apply-message">{report.message}</p>
        {counts.length > 0 && <p className="muted">{counts.join(", ")}.</p>}
        {report.steps.length > 0 && (
          <ol className="ps-report-steps">
            {report.steps.map((step) => (
              <li key={step.index} data-testid={`ps-report-step-${step.index}`} data-status={step.status}>
                <div className="ps-report-line">
                  <StatusMark status={step.status} />
                  <span>{step.description}</span>
                  {step.attempts > 1 && <span className="muted">(sent {step.attempts} times)</span>}
                </div>
                {step.error !== null && (
                  <ErrorCallout error={step.error} title={stepErrorTitle(step, step.error)} testId={`ps-report-error-${step.index}`} />
                )}
              </li>
            ))}
          </ol>
        )}
        {report.reread_error !== null && (
          <ErrorCallout error={report.reread_error} title="Could not read the permission set back from AWS" testId="ps-reread-error" />
        )}
        {children}
      </Callout>
    </div>
  );
}

/** Provisioning, account by account, with AWS's reason for each failure. */
export function ProvisionReportView({ report, accountNames }: { report: ProvisionReport; accountNames: ReadonlyMap<string, string> }) {
  const group = outcomeGroup(report.outcome, report.succeeded);
  return (
    <div className="ps-report" data-testid="ps-provision-report" data-outcome={group} data-apply-outcome={report.outcome}>
      <Callout tone={report.outcome === "cancelled" ? "attention" : REPORT_TONE[group]} title={provisionTitle(report)} role="status">
        <p>{report.message}</p>
        {report.results.length > 0 && (
          <ul className="ps-report-steps">
            {report.results.map((r, i) => {
              const id = r.account_id;
              const name = id !== null ? accountNames.get(id) : undefined;
              return (
                <li key={id ?? `all-${i}`} data-testid={`ps-provision-account-${id ?? "all"}`} data-status={r.status}>
                  <div className="ps-report-line">
                    <StatusMark status={r.status} />
                    <span>
                      {id === null ? (
                        "Every account the set is provisioned to"
                      ) : (
                        <>
                          {name !== undefined && <b>{name} </b>}
                          <span className="mono">{formatAccountId(id)}</span>
                        </>
                      )}
                    </span>
                  </div>
                  {r.error !== null && (
                    <ErrorCallout
                      error={r.error}
                      title={id !== null ? `Not provisioned to ${name ?? formatAccountId(id)}` : "Not provisioned"}
                    />
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Callout>
    </div>
  );
}

function provisionTitle(report: ProvisionReport): string {
  switch (report.outcome) {
    case "succeeded":
      return report.succeeded > 0 ? `Provisioned to ${plural(report.succeeded, "account")}` : "Provisioned";
    case "nothing_to_do":
      return "Nothing to provision";
    case "partially_failed":
      return `Provisioned to ${report.succeeded} of ${report.succeeded + report.failed} accounts`;
    case "failed":
      return "Provisioning failed";
    case "cancelled":
      return "Provisioning cancelled";
  }
}

export interface TabDef<T extends string> {
  id: T;
  label: ReactNode;
  testId: string;
}

/** An ARIA tab list: arrow keys, Home and End move between tabs. */
export function Tabs<T extends string>({
  tabs,
  selected,
  onSelect,
  idPrefix,
  label,
}: {
  tabs: readonly TabDef<T>[];
  selected: T;
  onSelect: (id: T) => void;
  idPrefix: string;
  label: string;
}) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === selected);
    let next = -1;
    if (event.key === "ArrowRight") next = (i + 1) % tabs.length;
    else if (event.key === "ArrowLeft") next = (i - 1 + tabs.length) % tabs.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = tabs.length - 1;
    const tab = tabs[next];
    if (tab === undefined) return;
    event.preventDefault();
    onSelect(tab.id);
    refs.current.get(tab.id)?.focus();
  };
  return (
    <div className="ps-tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <button
          key={tab.id}
          ref={(el) => {
            if (el === null) refs.current.delete(tab.id);
            else refs.current.set(tab.id, el);
          }}
          type="button"
          role="tab"
          id={`${idPrefix}-tab-${tab.id}`}
          aria-selected={tab.id === selected}
          aria-controls={`${idPrefix}-panel-${tab.id}`}
          tabIndex={tab.id === selected ? 0 : -1}
          className="ps-tab"
          data-testid={tab.testId}
          onClick={() => onSelect(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

export function TabPanel({ idPrefix, id, children }: { idPrefix: string; id: string; children: ReactNode }) {
  return (
    <div role="tabpanel" id={`${idPrefix}-panel-${id}`} aria-labelledby={`${idPrefix}-tab-${id}`} className="ps-tabpanel">
      {children}
    </div>
  );
}
