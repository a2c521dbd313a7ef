import { useMutation } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { api, type ApplyReport, type FieldProblem, type GatehouseError, type PermissionSetState, type Plan } from "../../backend/api";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { fieldLabel, indexProblems, plural, sameState, tabOfField, type TabId } from "./model";
import { PlanView, TabPanel, Tabs, TaskProgress, type TabDef } from "./parts";
import { PoliciesTab } from "./PoliciesTab";
import { useStateValidation, useTask } from "./queries";
import { SummaryTab, type Update } from "./SummaryTab";

const TAB_LABELS: Record<TabId, string> = { summary: "Summary", policies: "Policies", usage: "Where used" };

/**
 * The form (Summary and Policies tabs, plus Where used for an existing set) and the previewed
 * save: Review changes → the plan → Apply, with progress and Cancel. Nothing is sent while the
 * form has problems. The report is the parent's to show (it outlives this form on create).
 */
export function PermissionSetEditor({
  currentArn,
  draft,
  setDraft,
  baseline,
  usageTab,
  onApplied,
  beforeTabs,
}: {
  /** null: the plan creates the set. */
  currentArn: string | null;
  draft: PermissionSetState;
  setDraft: (change: (draft: PermissionSetState) => PermissionSetState) => void;
  /** What AWS has now (the empty form for a new set): "Discard changes" goes back to it. */
  baseline: PermissionSetState;
  usageTab?: ReactNode;
  /** After Apply: re-read, navigate, show the report. */
  onApplied: (report: ApplyReport, plan: Plan) => Promise<void> | void;
  /** Shown above the tabs while editing (the template choice of a new set). */
  beforeTabs?: ReactNode;
}) {
  const idPrefix = useId();
  const [tab, setTab] = useState<TabId>("summary");
  const validation = useStateValidation(draft);
  // A new set's empty form is not "wrong" before the admin has typed anything.
  const pristine = sameState(draft, baseline);
  const shownProblems = currentArn === null && pristine ? [] : validation.problems;
  const problems = indexProblems(shownProblems);
  const dirty = currentArn === null || !pristine;
  const [plan, setPlan] = useState<Plan | null>(null);
  const apply = useTask<ApplyReport>();
  const planning = useMutation<Plan, GatehouseError, PermissionSetState>({
    mutationFn: (desired) => api.planPermissionSet(currentArn, desired),
    onSuccess: (p) => setPlan(p),
  });

  // Review is disabled while the form is known to have problems — the latest edit's, not the
  // one before (a click right after fixing the last problem must not be lost). Clicked while
  // the latest edit is still being checked, it waits for the check: only a form without
  // problems is sent.
  const [reviewRequested, setReviewRequested] = useState(false);
  const knownInvalid = validation.current && (validation.problems.length > 0 || validation.error !== null);
  const canReview = dirty && !knownInvalid && !planning.isPending && !reviewRequested;
  const update: Update = (change) => {
    planning.reset();
    setReviewRequested(false);
    setDraft(change);
  };

  const review = () => {
    if (!dirty || knownInvalid || planning.isPending) return;
    if (validation.current) planning.mutate(draft);
    else setReviewRequested(true);
  };

  const { mutate: requestPlan } = planning;
  const checked = validation.current;
  const problemCount = validation.problems.length;
  useEffect(() => {
    if (!reviewRequested || !checked) return;
    setReviewRequested(false);
    if (problemCount === 0) requestPlan(draft);
  }, [reviewRequested, checked, problemCount, draft, requestPlan]);

  const backToEditing = () => {
    if (apply.phase.kind === "running") return;
    setPlan(null);
    planning.reset();
    apply.reset();
  };

  const applyPlan = (p: Plan) => {
    apply.start((taskId, channel) => api.applyPermissionSetPlan(p, taskId, channel), {
      onDone: async (report) => {
        await onApplied(report, p);
      },
    });
  };

  // When applying is over, the form comes back (the parent shows the report).
  const applied = apply.phase.kind === "done";
  const resetApply = apply.reset;
  useEffect(() => {
    if (!applied) return;
    setPlan(null);
    resetApply();
  }, [applied, resetApply]);

  const tabs: TabDef<TabId>[] = [
    { id: "summary", label: tabLabel("summary", shownProblems), testId: "ps-tab-summary" },
    { id: "policies", label: tabLabel("policies", shownProblems), testId: "ps-tab-policies" },
    ...(usageTab !== undefined ? [{ id: "usage" as const, label: TAB_LABELS.usage, testId: "ps-tab-usage" }] : []),
  ];

  if (plan !== null) {
    return (
      <ReviewPanel
        plan={plan}
        phase={apply.phase}
        onApply={() => applyPlan(plan)}
        onCancel={apply.cancel}
        onBack={backToEditing}
        creating={currentArn === null}
      />
    );
  }

  return (
    <div className="ps-editor">
      {beforeTabs}
      <Tabs tabs={tabs} selected={tab} onSelect={setTab} idPrefix={idPrefix} label="Permission set" />
      <TabPanel idPrefix={idPrefix} id={tab}>
        {tab === "summary" && <SummaryTab draft={draft} update={update} problems={problems} nameLocked={currentArn !== null} />}
        {tab === "policies" && <PoliciesTab draft={draft} update={update} problems={problems} />}
        {tab === "usage" && usageTab}
      </TabPanel>
      <SaveBar
        dirty={dirty}
        creating={currentArn === null}
        validation={validation}
        problems={shownProblems}
        pristineNew={currentArn === null && pristine}
        canReview={canReview}
        planning={planning.isPending || reviewRequested}
        onReview={review}
        onDiscard={currentArn !== null ? () => update(() => baseline) : undefined}
        onShowField={(field) => setTab(tabOfField(field))}
      />
      {planning.isError && (
        <ErrorCallout error={planning.error} title="Could not prepare the change" testId="ps-plan-error" onRetry={review} retryLabel="Review again" />
      )}
    </div>
  );
}

function tabLabel(tab: TabId, problems: readonly FieldProblem[]): ReactNode {
  const n = problems.filter((p) => tabOfField(p.field) === tab).length;
  if (n === 0) return TAB_LABELS[tab];
  return (
    <>
      {TAB_LABELS[tab]}{" "}
      <span className="ps-tab-problems" aria-label={plural(n, "problem")}>
        {n}
      </span>
    </>
  );
}

function SaveBar({
  dirty,
  creating,
  validation,
  problems,
  pristineNew,
  canReview,
  planning,
  onReview,
  onDiscard,
  onShowField,
}: {
  dirty: boolean;
  creating: boolean;
  validation: ReturnType<typeof useStateValidation>;
  problems: readonly FieldProblem[];
  pristineNew: boolean;
  canReview: boolean;
  planning: boolean;
  onReview: () => void;
  onDiscard?: () => void;
  onShowField: (field: string) => void;
}) {
  const status = pristineNew
    ? "Choose a starting point and name the set."
    : !dirty
      ? "No unsaved changes."
      : validation.error !== null
        ? "The form could not be checked."
        : validation.checking
          ? "Checking…"
          : problems.length > 0
            ? `${plural(problems.length, "problem")} to fix before review.`
            : creating
              ? "Ready to review."
              : "Unsaved changes, ready to review.";
  return (
    <div className="ps-savebar" data-testid="ps-savebar">
      <div className="ps-savebar-row">
        <span className="ps-savebar-status" role="status" data-testid="ps-validation-status">
          {status}
        </span>
        <div className="page-actions">
          {onDiscard !== undefined && (
            <button type="button" onClick={onDiscard} disabled={!dirty || planning} data-testid="ps-discard">
              Discard changes
            </button>
          )}
          <button type="button" className="primary" data-testid="ps-review" onClick={onReview} disabled={!canReview}>
            {planning && <Spinner />} Review changes
          </button>
        </div>
      </div>
      {dirty && problems.length > 0 && (
        <ul className="ps-problem-list" data-testid="ps-problems" aria-label="Problems to fix">
          {problems.map((p, i) => (
            <li key={i}>
              <button type="button" className="link-button" onClick={() => onShowField(p.field)}>
                {TAB_LABELS[tabOfField(p.field)]} › {fieldLabel(p.field)}
                {p.line !== null && p.column !== null ? ` (line ${p.line}, column ${p.column})` : ""}
              </button>
              : {p.message}
            </li>
          ))}
        </ul>
      )}
      {validation.error !== null && <ErrorCallout error={validation.error} title="Could not check the form" />}
    </div>
  );
}

function ReviewPanel({
  plan,
  phase,
  onApply,
  onCancel,
  onBack,
  creating,
}: {
  plan: Plan;
  phase: ReturnType<typeof useTask<ApplyReport>>["phase"];
  onApply: () => void;
  onCancel: () => void;
  onBack: () => void;
  creating: boolean;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const running = phase.kind === "running";
  return (
    <section className="panel ps-review" aria-labelledby="ps-review-title" data-testid="ps-review-panel">
      <h2 id="ps-review-title" ref={heading} tabIndex={-1}>
        Review changes{plan.name !== "" ? ` to ${plan.name}` : ""}
      </h2>
      <p className="muted">
        These are the calls Gatehouse will make, in this order. Nothing has been sent yet.
        {!creating && plan.provisioned_account_count > 0 && plan.steps.length > 0
          ? ` The set is provisioned to ${plural(plan.provisioned_account_count, "account")}: they get the change only when it is provisioned (offered after saving).`
          : ""}
      </p>
      <PlanView plan={plan} />
      {running && (
        <TaskProgress
          progress={phase.progress}
          cancelling={phase.cancelling}
          onCancel={onCancel}
          label="Changes applied"
          startMessage="Applying…"
          testId="ps-apply-progress"
        />
      )}
      {phase.kind === "failed" &&
        (phase.error.kind === "cancelled" ? (
          <p className="muted" role="status">
            Cancelled before AWS answered. Review again to see what is there now.
          </p>
        ) : (
          <ErrorCallout error={phase.error} title="Could not apply the change" testId="ps-apply-error" />
        ))}
      <div className="form-actions">
        <button type="button" className="primary" data-testid="ps-apply" onClick={onApply} disabled={running || plan.steps.length === 0}>
          {running && <Spinner />} Apply
        </button>
        <button type="button" data-testid="ps-review-back" onClick={onBack} disabled={running}>
          Back to editing
        </button>
      </div>
    </section>
  );
}
