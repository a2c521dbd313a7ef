import { useQueryClient } from "@tanstack/react-query";
import { api, type PermissionSetUsage, type ProvisionReport, type ProvisionTarget } from "../../backend/api";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { plural } from "./model";
import { ProvisionReportView, TaskProgress } from "./parts";
import { invalidateSet, psKeys, useTask } from "./queries";

/**
 * A saved change reaches the accounts only when the set is provisioned: "Provision to N
 * accounts", one request per account (AWS runs at most three at once) so each failure comes
 * with its own reason, and "Retry failed accounts".
 */
export function ProvisionOffer({ arn, accountIds }: { arn: string; accountIds: readonly string[] }) {
  const qc = useQueryClient();
  const task = useTask<ProvisionReport>();
  const usage = qc.getQueryData<PermissionSetUsage>(psKeys.usage(arn));
  const names = new Map((usage?.accounts ?? []).flatMap((a) => (a.account_name !== null ? [[a.account_id, a.account_name] as const] : [])));
  const phase = task.phase;

  const provision = (ids: readonly string[]) => {
    const target: ProvisionTarget = ids.length > 0 ? { kind: "accounts", account_ids: [...ids] } : { kind: "all_provisioned_accounts" };
    task.start((taskId, channel) => api.provisionPermissionSet(arn, target, taskId, channel), {
      onSettled: () => invalidateSet(qc, arn),
    });
  };

  const report = phase.kind === "done" ? phase.result : null;
  const failedIds = (report?.results ?? []).flatMap((r) => (r.status !== "succeeded" && r.account_id !== null ? [r.account_id] : []));

  return (
    <div className="ps-provision" data-testid="ps-provision-offer">
      {phase.kind !== "done" && (
        <>
          <p>
            The {plural(accountIds.length, "account")} this set is provisioned to still have the previous version. Provision
            to push the saved change to them now.
          </p>
          <div className="row">
            <button
              type="button"
              className="primary"
              data-testid="ps-provision"
              onClick={() => provision(accountIds)}
              disabled={phase.kind === "running"}
            >
              {phase.kind === "running" && <Spinner />} Provision to {plural(accountIds.length, "account")}
            </button>
          </div>
        </>
      )}
      {phase.kind === "running" && (
        <TaskProgress
          progress={phase.progress}
          cancelling={phase.cancelling}
          onCancel={task.cancel}
          label="Accounts provisioned"
          startMessage="Provisioning…"
          testId="ps-provision-progress"
        />
      )}
      {phase.kind === "failed" && (
        <ErrorCallout
          error={phase.error}
          title={phase.error.kind === "cancelled" ? "Provisioning cancelled" : "Could not provision"}
          onRetry={() => provision(accountIds)}
          retryLabel="Provision again"
        />
      )}
      {report !== null && (
        <>
          <ProvisionReportView report={report} accountNames={names} />
          {failedIds.length > 0 && (
            <div className="row">
              <button type="button" data-testid="ps-provision-retry" onClick={() => provision(failedIds)}>
                Retry {plural(failedIds.length, "failed account")}
              </button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
