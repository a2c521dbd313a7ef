/**
 * Review and apply the staged changes: the backend's plan first (a dry run that reads AWS:
 * what will be sent, what is already so, what this connection cannot do, and what changed in
 * AWS since the snapshot — which must be acknowledged), then apply with a progress bar, each
 * item's outcome with AWS's reason, Cancel, and "Retry failed". Also resumes a change set a
 * crash or a closed window interrupted. The run itself lives in `applyStore` (it outlives this
 * dialog); what it settled is unstaged here.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { api, type ChangeItem, type ChangePlan, type ChangeSet, type GatehouseError } from "../../backend/api";
import { Callout } from "../../components/Callout";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { queryKeys } from "../../state/queries";
import { assignmentKey, useStaging, type StagedChange } from "../../state/staging";
import {
  canApply,
  describeDrift,
  describeLine,
  failuresSoFar,
  planHeadline,
  plural,
  resultGroups,
  retryable,
  SET_STATUS_LABEL,
  setOutcome,
  settledChanges,
  STATUS_LABEL,
} from "./applyModel";
import { changeKeys, useApply, type ApplyMode, type ApplyState } from "./applyStore";
import { Modal } from "./parts";
import "./apply.css";

export interface ApplyFlowProps {
  /** The staged changes to review (the page passes `useStaging().changes`). */
  changes: StagedChange[];
  /** Closes the flow; staged changes stay as they are. */
  onClose: () => void;
  /**
   * After an apply finished: the page closes the flow and reads the snapshot again. Unstaging
   * what was applied is the flow's job: only it knows which items succeeded.
   */
  onApplied: () => void;
  /** An interrupted change set to resume instead of reviewing staged changes. */
  resume?: ChangeSet | null;
  /** While it runs: hide the dialog and keep working (the page shows a progress strip). */
  onHide?: () => void;
}

/** At most this many lines are listed per section (the counts are always complete). */
const LIST_LIMIT = 300;

export function ApplyFlow({ changes, onClose, onApplied, resume = null, onHide }: ApplyFlowProps) {
  const { store, state } = useApply();
  const staging = useStaging();
  const qc = useQueryClient();
  const [ackDrift, setAckDrift] = useState(false);
  const busy = state.kind === "running";
  const reviewing = state.kind === "idle" && resume === null;

  const key = useMemo(() => changes.map((c) => `${c.op}|${assignmentKey(c.assignment)}`).sort().join(","), [changes]);
  // An acknowledgement is for the drift the admin saw: other staged changes, a new plan, ask again.
  const [ackedFor, setAckedFor] = useState(key);
  if (ackedFor !== key) {
    setAckedFor(key);
    setAckDrift(false);
  }
  const plan = useQuery<ChangePlan, GatehouseError>({
    queryKey: [...queryKeys.aws, "assignment-plan", key],
    queryFn: () => api.planAssignmentChanges(changes),
    enabled: reviewing && changes.length > 0,
    gcTime: 0,
    staleTime: 0,
    retry: false,
  });

  // Unstage what a finished run settled, once per change set.
  const settledFor = useRef<string | null>(null);
  useEffect(() => {
    if (state.kind !== "done" || settledFor.current === state.result.summary.id + state.result.summary.updated_at) return;
    settledFor.current = state.result.summary.id + state.result.summary.updated_at;
    const settled = settledChanges(staging.changes, state.result, state.plan);
    if (settled.length > 0) staging.unstage(settled);
  }, [state, staging]);
  // A run that stopped on an error may still have made some changes: unstage those too.
  const failedSetId = state.kind === "failed" ? state.view.changeSetId : null;
  const stopped = useQuery<ChangeSet, GatehouseError>({
    queryKey: ["change-set", failedSetId],
    queryFn: () => api.changeSet(failedSetId ?? ""),
    enabled: failedSetId !== null,
    gcTime: 0,
  });
  useEffect(() => {
    const set = stopped.data;
    if (set === undefined || state.kind !== "failed" || settledFor.current === set.summary.id + set.summary.updated_at) return;
    settledFor.current = set.summary.id + set.summary.updated_at;
    const settled = settledChanges(staging.changes, set, state.plan);
    if (settled.length > 0) staging.unstage(settled);
  }, [stopped.data, state, staging]);

  const close = () => {
    if (busy) return;
    const finished = state.kind === "done" || state.kind === "failed";
    store.reset();
    if (finished) onApplied();
    else onClose();
  };

  const start = (p: ChangePlan) => {
    const send = p.send.map((l) => ({ op: l.op, assignment: l.assignment }));
    store.start("apply", p, (taskId, channel) => api.applyAssignmentChanges(taskId, send, channel));
  };
  const retry = (set: ChangeSet) => store.start("retry", state.kind === "done" ? state.plan : null, (taskId, channel) => api.retryChangeSet(taskId, set.summary.id, channel));
  const resumeSet = (set: ChangeSet) => store.start("resume", null, (taskId, channel) => api.resumeChangeSet(taskId, set.summary.id, channel));
  const [discarding, setDiscarding] = useState<GatehouseError | "busy" | null>(null);
  const discard = async (set: ChangeSet) => {
    setDiscarding("busy");
    try {
      await api.discardChangeSet(set.summary.id);
      // Changes found done in AWS are folded into the kept snapshot.
      await qc.invalidateQueries({ queryKey: [...queryKeys.aws, "snapshot"] });
      await qc.invalidateQueries({ queryKey: changeKeys.interrupted });
      await qc.invalidateQueries({ queryKey: changeKeys.activity });
      setDiscarding(null);
      onClose();
    } catch (e) {
      setDiscarding(e as GatehouseError);
    }
  };

  const title = state.kind === "idle" ? (resume !== null ? "Resume an interrupted apply" : "Review and apply") : state.kind === "running" ? "Applying" : "Apply finished";

  let body: React.ReactNode;
  let footer: React.ReactNode;
  if (state.kind === "idle" && resume !== null) {
    body = <ResumeView set={resume} />;
    footer = (
      <>
        <button type="button" data-testid="apply-discard" onClick={() => void discard(resume)} disabled={discarding === "busy"}>
          Discard
        </button>
        <button type="button" onClick={onClose} data-testid="apply-close">
          Not now
        </button>
        <button type="button" className="primary" data-testid="apply-resume" data-autofocus disabled={discarding === "busy"} onClick={() => resumeSet(resume)}>
          Resume
        </button>
      </>
    );
    if (discarding !== null && discarding !== "busy")
      body = (
        <>
          {body}
          <ErrorCallout error={discarding} title="Could not discard the change set" />
        </>
      );
  } else if (state.kind === "idle") {
    body = (
      <ReviewView
        count={changes.length}
        plan={plan.data ?? null}
        pending={plan.isPending}
        error={plan.error}
        onRetry={() => void plan.refetch()}
        ackDrift={ackDrift}
        setAckDrift={setAckDrift}
      />
    );
    footer = (
      <>
        <button type="button" onClick={onClose} data-testid="apply-close">
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          data-testid="apply-confirm"
          disabled={plan.data === undefined || !canApply(plan.data, ackDrift)}
          onClick={() => plan.data !== undefined && start(plan.data)}
        >
          {plan.data !== undefined && plan.data.send.length > 0 ? `Apply ${plural(plan.data.send.length, "change")}` : "Apply"}
        </button>
      </>
    );
  } else if (state.kind === "running") {
    body = <RunningView state={state} />;
    footer = (
      <>
        {onHide !== undefined && (
          <button type="button" data-testid="apply-background" onClick={onHide}>
            Continue in the background
          </button>
        )}
        <button type="button" data-testid="apply-cancel" onClick={() => store.cancel()} disabled={state.cancelling}>
          {state.cancelling ? "Cancelling…" : "Cancel"}
        </button>
      </>
    );
  } else if (state.kind === "done") {
    const n = retryable(state.result);
    const canRetry = n > 0 && state.result.summary.status !== "discarded";
    body = <ResultView set={state.result} mode={state.mode} />;
    footer = (
      <>
        {canRetry && (
          <button type="button" data-testid="apply-retry" onClick={() => retry(state.result)}>
            Retry failed ({n.toLocaleString()})
          </button>
        )}
        <button type="button" className="primary" data-testid="apply-done" data-autofocus onClick={close}>
          Close
        </button>
      </>
    );
  } else {
    const id = state.view.changeSetId;
    body = (
      <>
        <ErrorCallout error={state.error} title="The apply stopped" />
        {id !== null && (
          <p>
            Change set <span className="mono">{id}</span> is saved with every item&rsquo;s state:{" "}
            {state.view.succeeded.toLocaleString()} of {state.view.total.toLocaleString()} were done. Resume it from the Assignments page once this is
            fixed — AWS is checked first, so nothing is sent twice.
          </p>
        )}
      </>
    );
    footer = (
      <button type="button" className="primary" data-testid="apply-done" onClick={close}>
        Close
      </button>
    );
  }

  return (
    // Keyed by phase: the button that had the focus (Apply, Cancel) goes away when the phase
    // changes, so the dialog is mounted afresh and focuses its new first control (else the
    // focus drops to the page behind and Escape no longer reaches the dialog).
    <Modal
      key={state.kind}
      title={title}
      onClose={busy ? () => undefined : state.kind === "idle" ? onClose : close}
      testId="apply-flow"
      wide
      footer={footer}
    >
      {body}
    </Modal>
  );
}

function ReviewView({
  count,
  plan,
  pending,
  error,
  onRetry,
  ackDrift,
  setAckDrift,
}: {
  count: number;
  plan: ChangePlan | null;
  pending: boolean;
  error: GatehouseError | null;
  onRetry: () => void;
  ackDrift: boolean;
  setAckDrift: (v: boolean) => void;
}) {
  const id = useId();
  if (count === 0) return <p>Nothing is staged.</p>;
  if (error !== null) return <ErrorCallout error={error} title="Could not check the changes against AWS" onRetry={onRetry} />;
  if (pending || plan === null)
    return (
      <p className="muted" role="status">
        <Spinner /> Checking {plural(count, "staged change")} against AWS (the current assignments of each account and permission set involved)…
      </p>
    );
  const creates = plan.send.filter((l) => l.op === "create");
  const deletes = plan.send.filter((l) => l.op === "delete");
  return (
    <div className="apply-review">
      <p data-testid="apply-headline">
        <b>{planHeadline(plan)}</b> Nothing has been sent yet.
      </p>
      {plan.drift.length > 0 && (
        <Callout tone="attention" title={`${plural(plan.drift.length, "assignment")} changed in AWS since the snapshot`} testId="apply-drift">
          <p>
            Someone changed these outside Gatehouse after the snapshot this matrix shows. Gatehouse keeps them as AWS has them now: it does not undo
            them. Close this and refresh the matrix to see them in place, or go ahead.
          </p>
          <LimitedList items={plan.drift.map(describeDrift)} testId="apply-drift-row" />
          <label className="apply-ack">
            <input type="checkbox" id={`${id}-ack`} data-testid="apply-ack-drift" checked={ackDrift} onChange={(e) => setAckDrift(e.target.checked)} />{" "}
            I have seen these; apply my changes anyway
          </label>
        </Callout>
      )}
      {plan.blocked.length > 0 && (
        <Callout tone="error" title={`${plural(plan.blocked.length, "change")} cannot be made from this connection`} testId="apply-blocked">
          <LimitedList items={plan.blocked.map((h) => `${describeLine(h.line)} — ${h.reason}`)} testId="apply-blocked-row" />
          <p>They stay staged and are not sent.</p>
        </Callout>
      )}
      {plan.skipped.length > 0 && (
        <Callout tone="info" title={`${plural(plan.skipped.length, "change")} already as asked in AWS: not sent`} testId="apply-skipped">
          <LimitedList items={plan.skipped.map((h) => `${describeLine(h.line)} — ${h.reason}`)} testId="apply-skipped-row" />
        </Callout>
      )}
      {deletes.length > 0 && (
        <>
          <h3>Remove ({deletes.length.toLocaleString()})</h3>
          <LimitedList items={deletes.map(describeLine)} testId="apply-send-row" />
        </>
      )}
      {creates.length > 0 && (
        <>
          <h3>Assign ({creates.length.toLocaleString()})</h3>
          <LimitedList items={creates.map(describeLine)} testId="apply-send-row" />
        </>
      )}
      <p className="muted">
        AWS is read again when you apply: a change someone makes there in the meantime is not sent twice and is listed in the result as already in AWS. The
        change set is saved before the first call: if Gatehouse or the computer stops, it resumes where it was without creating anything twice.
      </p>
    </div>
  );
}

function LimitedList({ items, testId }: { items: string[]; testId: string }) {
  const shown = items.slice(0, LIST_LIMIT);
  return (
    <ul className="apply-list">
      {shown.map((t, i) => (
        <li key={i} data-testid={testId}>
          {t}
        </li>
      ))}
      {items.length > shown.length && <li className="muted">…and {(items.length - shown.length).toLocaleString()} more</li>}
    </ul>
  );
}

function RunningView({ state }: { state: Extract<ApplyState, { kind: "running" }> }) {
  const v = state.view;
  const failures = failuresSoFar(v);
  return (
    <div className="apply-running">
      <div className="task-progress" data-testid="apply-progress" role="status" aria-live="polite">
        <progress aria-label="Changes finished" max={v.total > 0 ? v.total : undefined} value={v.total > 0 ? v.done : undefined} />
        <span className="task-count mono">{v.total > 0 ? `${v.done.toLocaleString()}/${v.total.toLocaleString()}` : ""}</span>
        <span className="task-message">{state.cancelling ? "Cancelling: nothing more is sent; changes already sent are followed to their outcome…" : v.message}</span>
      </div>
      <p className="muted">
        {v.succeeded.toLocaleString()} done · {v.failed.toLocaleString()} failed · {v.inFlight.toLocaleString()} in progress in AWS
        {state.mode === "resume" && " · resuming: each unfinished change was checked against AWS first"}
      </p>
      {failures.length > 0 && (
        <Callout tone="error" title={`${plural(failures.length, "change")} failed so far`}>
          <LimitedList items={failures.map((f) => `${f.message.replace(/^Failed: /, "")} — ${f.reason ?? "no reason given"}`)} testId="apply-failure-row" />
        </Callout>
      )}
    </div>
  );
}

function ItemRow({ item }: { item: ChangeItem }) {
  return (
    <li data-testid="apply-item" data-status={item.status}>
      <span className={`apply-status apply-status-${item.status}`}>{STATUS_LABEL[item.status]}</span> {describeLine(item.line)}
      {item.reason !== null && <div className="apply-reason">{item.reason}</div>}
    </li>
  );
}

function ItemGroups({ set }: { set: ChangeSet }) {
  return (
    <>
      {resultGroups(set).map((g) => (
        <section key={g.title}>
          <h3>
            {g.title} ({g.items.length.toLocaleString()})
          </h3>
          <ul className="apply-list">
            {g.items.slice(0, LIST_LIMIT).map((i) => (
              <ItemRow key={i.index} item={i} />
            ))}
            {g.items.length > LIST_LIMIT && <li className="muted">…and {(g.items.length - LIST_LIMIT).toLocaleString()} more (all are on the Activity page)</li>}
          </ul>
        </section>
      ))}
    </>
  );
}

function ResultView({ set, mode }: { set: ChangeSet; mode: ApplyMode }) {
  const s = set.summary;
  const ok = s.status === "completed";
  const checked =
    mode === "resume"
      ? "Resumed after the interruption: each change left unfinished was checked against AWS before anything was sent again."
      : mode === "retry"
        ? "Retried: each failed or unsent change was checked against AWS before it was sent again."
        : null;
  return (
    <div className="apply-result">
      <Callout tone={ok ? "ok" : "attention"} title={`${SET_STATUS_LABEL[s.status]}: ${setOutcome(set)}`} testId="apply-result">
        {checked !== null && <p data-testid="apply-checked-first">{checked}</p>}
        {s.message !== null && <p>{s.message}</p>}
        {!ok && s.counts.failed > 0 && <p>Failed changes stay staged in the matrix. &ldquo;Retry failed&rdquo; checks AWS first and sends only what is missing.</p>}
        <p className="muted">
          Recorded in the audit log (Activity) as change set <span className="mono">{s.id}</span>, applied by <span className="mono">{s.caller_arn}</span>.
        </p>
      </Callout>
      <ItemGroups set={set} />
    </div>
  );
}

function ResumeView({ set }: { set: ChangeSet }) {
  const s = set.summary;
  return (
    <div className="apply-resume">
      <Callout tone="attention" title={`Interrupted: ${setOutcome(set)}`} testId="apply-interrupted">
        <p>
          This change set was being applied when Gatehouse stopped (started {new Date(s.created_at).toLocaleString()} by{" "}
          <span className="mono">{s.caller_arn}</span>). Resuming checks each unfinished change against AWS first, then sends only what is missing — no
          duplicates. Discarding sends nothing more: changes that may already have been sent are looked up in AWS, and what was found is
          recorded in the audit log.
        </p>
        {s.message !== null && <p>{s.message}</p>}
      </Callout>
      <ItemGroups set={set} />
    </div>
  );
}
