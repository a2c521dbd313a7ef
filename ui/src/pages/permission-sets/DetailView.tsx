import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { ApplyReport, ConnectionStatus, PermissionSetDetails, PermissionSetState, Plan } from "../../backend/api";
import { Callout } from "../../components/Callout";
import { CopyButton } from "../../components/CopyButton";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { absoluteTime, formatAccountId } from "../../lib/format";
import type { AfterCreate } from "./CreateView";
import { DeleteFlow } from "./DeleteFlow";
import { PermissionSetEditor } from "./Editor";
import { plural } from "./model";
import { ApplyReportView } from "./parts";
import { ProvisionOffer } from "./ProvisionOffer";
import { invalidateSet, psKeys, usePermissionSet } from "./queries";
import { reportTitle } from "./reportText";
import { UsageTab } from "./UsageView";

/** One permission set: its tabs, save, provision and delete. */
export function DetailView({
  arn,
  status,
  initial,
  onBack,
}: {
  arn: string;
  status: ConnectionStatus;
  initial: AfterCreate | null;
  onBack: () => void;
}) {
  const details = usePermissionSet(arn);
  const id = useId();
  const name = details.data?.state.name ?? null;

  return (
    <section className="page ps-page" aria-labelledby={`${id}-title`} data-testid="ps-detail-page" data-arn={arn}>
      <nav className="ps-breadcrumb" aria-label="Breadcrumb">
        <button type="button" className="link-button" onClick={onBack} data-testid="ps-back">
          Permission sets
        </button>
        <span aria-hidden="true"> › </span>
        <span>{name ?? arn.split("/").pop()}</span>
      </nav>
      {details.isPending && (
        <>
          <h1 id={`${id}-title`}>Permission set</h1>
          <p className="muted" role="status">
            <Spinner /> Reading the permission set from AWS…
          </p>
        </>
      )}
      {details.isError && (
        <>
          {details.data === undefined && <h1 id={`${id}-title`}>Permission set</h1>}
          <ErrorCallout
            error={details.error}
            title={details.error.kind === "not_found" ? "This permission set does not exist any more" : "Could not read the permission set"}
            onRetry={details.error.kind === "not_found" ? undefined : () => void details.refetch()}
            retrying={details.isFetching}
          >
            {details.error.kind === "not_found" && (
              <div className="row">
                <button type="button" onClick={onBack}>
                  Back to the list
                </button>
              </div>
            )}
          </ErrorCallout>
        </>
      )}
      {details.data !== undefined && (
        <Loaded key={arn} titleId={`${id}-title`} details={details.data} status={status} initial={initial} onBack={onBack} />
      )}
    </section>
  );
}

function Loaded({
  titleId,
  details,
  status,
  initial,
  onBack,
}: {
  titleId: string;
  details: PermissionSetDetails;
  status: ConnectionStatus;
  initial: AfterCreate | null;
  onBack: () => void;
}) {
  const qc = useQueryClient();
  const arn = details.arn;
  const [draft, setDraft] = useState<PermissionSetState>(initial?.draft ?? details.state);
  const [report, setReport] = useState<{ report: ApplyReport; creating: boolean } | null>(
    initial !== null ? { report: initial.report, creating: true } : null,
  );
  const [deleting, setDeleting] = useState(false);

  const onApplied = async (r: ApplyReport, _plan: Plan) => {
    // Afterwards the set is read again from AWS (and the list and "Where used" with it).
    await invalidateSet(qc, arn);
    const fresh = qc.getQueryData<PermissionSetDetails>(psKeys.detail(arn)) ?? r.state ?? null;
    // A complete save shows what AWS has now; otherwise the edits stay, to review again.
    if (fresh !== null && (r.outcome === "succeeded" || r.outcome === "nothing_to_do")) setDraft(fresh.state);
    setReport({ report: r, creating: false });
  };

  const provisioned = details.provisioned_account_ids;
  const management = status.identity.organization?.management_account_id ?? null;
  const delegatedOnManagement =
    status.identity.role === "delegated_admin" && management !== null && provisioned.includes(management);
  const offerProvision =
    report !== null && !report.creating && report.report.outcome === "succeeded" && report.report.needs_provisioning && provisioned.length > 0;

  return (
    <>
      <div className="page-header">
        <div className="ps-title">
          <h1 id={titleId}>{details.state.name}</h1>
          <span className="muted ps-title-meta">
            <span className="mono" title={arn}>
              {arn.split("/").pop()}
            </span>
            <CopyButton value={arn} label="Copy permission set ARN" />
            {details.created_at !== null && <span> · created {absoluteTime(details.created_at)}</span>}
            <span data-testid="ps-provisioned-count"> · provisioned to {plural(provisioned.length, "account")}</span>
          </span>
        </div>
        <div className="page-actions">
          <button type="button" data-testid="ps-delete" onClick={() => setDeleting(true)} disabled={deleting}>
            Delete…
          </button>
        </div>
      </div>

      {delegatedOnManagement && (
        <Callout tone="attention" title="Provisioned to the management account" testId="ps-delegated-note">
          <p>
            You are connected as the delegated administrator. AWS does not let a delegated administrator change a permission
            set that is provisioned to the management account ({formatAccountId(management)}): saving or provisioning it may be
            refused. Connect with the management account to change it.
          </p>
        </Callout>
      )}

      {report !== null && (
        <ApplyReportView
          report={report.report}
          title={reportTitle(report.report, report.creating)}
          onDismiss={() => setReport(null)}
        >
          {report.report.outcome !== "succeeded" && report.report.outcome !== "nothing_to_do" && (
            <p>Your edits are kept: review the changes again to retry what was not done.</p>
          )}
          {offerProvision && <ProvisionOffer arn={arn} accountIds={provisioned} />}
        </ApplyReportView>
      )}

      {deleting ? (
        <DeleteFlow
          arn={arn}
          name={details.state.name}
          onClose={() => setDeleting(false)}
          onDeleted={() => {
            qc.removeQueries({ queryKey: psKeys.detail(arn) });
            qc.removeQueries({ queryKey: psKeys.usage(arn) });
            onBack();
          }}
        />
      ) : (
        <PermissionSetEditor
          currentArn={arn}
          draft={draft}
          setDraft={setDraft}
          baseline={details.state}
          onApplied={onApplied}
          usageTab={<UsageTab arn={arn} />}
        />
      )}
    </>
  );
}
