import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { api, type ApplyReport, type DeletePlan, type GatehouseError } from "../../backend/api";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { plural } from "./model";
import { ApplyReportView, PlanView, TaskProgress } from "./parts";
import { invalidateSet, psKeys, useTask } from "./queries";
import { UsageView } from "./UsageView";

/**
 * Deleting a set: the plan (its assignments first, then the set) with where it is used, then
 * typing the name to confirm, then applying with progress and a report.
 */
export function DeleteFlow({
  arn,
  name,
  onClose,
  onDeleted,
}: {
  arn: string;
  name: string;
  onClose: () => void;
  /** The set is gone: back to the list. */
  onDeleted: () => void;
}) {
  const id = useId();
  const qc = useQueryClient();
  const [typed, setTyped] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  // Planned fresh each time the dialog opens (it reads the assignments from AWS).
  const plan = useQuery<DeletePlan, GatehouseError>({
    queryKey: [...psKeys.all, "delete-plan", arn],
    queryFn: () => api.planDeletePermissionSet(arn),
    gcTime: 0,
    staleTime: 0,
  });
  const apply = useTask<ApplyReport>();
  const running = apply.phase.kind === "running";
  const report = apply.phase.kind === "done" ? apply.phase.result : null;
  const confirmed = typed === name;

  const start = (p: DeletePlan) => {
    if (!confirmed) return;
    apply.start((taskId, channel) => api.applyDeletePlan(p.plan, taskId, channel), {
      // A deleted set is not read again (it would only answer "not found").
      onDone: (r) => invalidateSet(qc, r.outcome === "succeeded" ? null : arn),
    });
  };

  const deleted = report !== null && (report.outcome === "succeeded" || report.outcome === "nothing_to_do");

  return (
    <section className="panel ps-delete" aria-labelledby={`${id}-title`} data-testid="ps-delete-panel">
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        Delete {name}
      </h2>
      {plan.isPending && (
        <p className="muted" role="status">
          <Spinner /> Reading where the set is used…
        </p>
      )}
      {plan.isError && (
        <ErrorCallout error={plan.error} title="Could not prepare the deletion" onRetry={() => void plan.refetch()} retrying={plan.isFetching} />
      )}
      {plan.data !== undefined && report === null && (
        <>
          <p>
            {plan.data.usage.assignment_count > 0
              ? `Deleting removes its ${plural(plan.data.usage.assignment_count, "assignment")} first: the users and groups below lose this access in these accounts. Then the set itself is deleted.`
              : "No one is assigned this set. Only the set itself is deleted."}
          </p>
          <UsageView usage={plan.data.usage} />
          <h3>What Gatehouse will do</h3>
          <PlanView plan={plan.data.plan} />
          <div className="subsection">
            <label htmlFor={`${id}-confirm`}>
              Type <b className="mono">{name}</b> to confirm
            </label>
            <input
              id={`${id}-confirm`}
              className="mono"
              data-testid="ps-delete-confirm-name"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              disabled={running}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
        </>
      )}
      {running && (
        <TaskProgress
          progress={apply.phase.kind === "running" ? apply.phase.progress : null}
          cancelling={apply.phase.kind === "running" && apply.phase.cancelling}
          onCancel={apply.cancel}
          label="Deletion steps done"
          startMessage="Deleting…"
          testId="ps-delete-progress"
        />
      )}
      {apply.phase.kind === "failed" && <ErrorCallout error={apply.phase.error} title="Could not delete the permission set" />}
      {report !== null && (
        <ApplyReportView report={report} title={deleted ? `${name} was deleted` : deleteTitle(report)}>
          {!deleted && <p>What was done stays done. Open the delete dialog again to retry what is left.</p>}
        </ApplyReportView>
      )}
      <div className="form-actions">
        {report === null && plan.data !== undefined && (
          <button
            type="button"
            className="primary danger"
            data-testid="ps-delete-apply"
            disabled={!confirmed || running}
            onClick={() => start(plan.data)}
          >
            {running && <Spinner />} Delete permission set
          </button>
        )}
        {deleted ? (
          <button type="button" className="primary" data-testid="ps-delete-done" onClick={onDeleted}>
            Back to the list
          </button>
        ) : (
          <button type="button" data-testid="ps-delete-close" onClick={onClose} disabled={running}>
            {report === null ? "Cancel" : "Close"}
          </button>
        )}
      </div>
    </section>
  );
}

function deleteTitle(report: ApplyReport): string {
  switch (report.outcome) {
    case "partially_failed":
      return "Deleted in part";
    case "cancelled":
      return "Deletion cancelled";
    default:
      return "Not deleted";
  }
}
