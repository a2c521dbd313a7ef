/**
 * The review/apply flow's pure parts: words for plans, drift and item statuses; folding apply's
 * streamed events into what the dialog shows; and which staged changes an apply settles (so
 * the matrix stops showing them as pending). Kept out of React so it is tested directly.
 */
import type {
  ApplyEvent,
  ChangeItem,
  ChangeLine,
  ChangePlan,
  ChangeSet,
  ChangeSetStatus,
  Drift,
  ItemStatus,
} from "../../backend/api";
import { assignmentKey, type StagedChange } from "../../state/staging";

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? word : many}`;
}

/** "Assign Developers → ReadOnly in payments-prod (111111111111)". */
export function describeLine(l: Pick<ChangeLine, "op" | "principal_name" | "permission_set_name" | "account_name" | "assignment">): string {
  const verb = l.op === "create" ? "Assign" : "Remove";
  return `${verb} ${l.principal_name} → ${l.permission_set_name} in ${l.account_name} (${l.assignment.account_id})`;
}

export function describeDrift(d: Drift): string {
  const what = `${d.principal_name} → ${d.permission_set_name} in ${d.account_name} (${d.assignment.account_id})`;
  return d.kind === "added_elsewhere" ? `Assigned elsewhere: ${what}` : `Removed elsewhere: ${what}`;
}

/** "3 to assign, 1 to remove — about 1 s at 20 requests per second." */
export function planHeadline(plan: ChangePlan): string {
  if (plan.send.length === 0) return "Nothing to send: AWS already holds every staged change, or none can be made.";
  const parts: string[] = [];
  if (plan.creates > 0) parts.push(`${plan.creates.toLocaleString()} to assign`);
  if (plan.deletes > 0) parts.push(`${plan.deletes.toLocaleString()} to remove`);
  return `${parts.join(", ")} — about ${formatSeconds(plan.estimated_seconds ?? 0)} at up to ${plan.settings.requests_per_second} requests per second, at most ${plan.settings.max_outstanding} in progress at once.`;
}

export function formatSeconds(s: number): string {
  if (s < 1) return "1 s";
  if (s < 90) return `${Math.round(s)} s`;
  const m = Math.round(s / 60);
  return m < 90 ? `${m} min` : `${(s / 3600).toFixed(1)} h`;
}

export const STATUS_LABEL: Record<ItemStatus, string> = {
  pending: "Waiting",
  sending: "Sending",
  in_progress: "In progress",
  succeeded: "Done",
  already_done: "Already in AWS",
  failed: "Failed",
  not_attempted: "Not attempted",
};

export const SET_STATUS_LABEL: Record<ChangeSetStatus, string> = {
  running: "Running",
  interrupted: "Interrupted",
  cancelled: "Cancelled",
  completed: "Completed",
  completed_with_failures: "Completed with failures",
  discarded: "Discarded",
};

/** Can an apply go ahead? Drift must be acknowledged; there must be something to send. */
export function canApply(plan: ChangePlan, driftAcknowledged: boolean): boolean {
  return plan.send.length > 0 && (plan.drift.length === 0 || driftAcknowledged);
}

/** What the dialog shows while apply runs, folded from its events. */
export interface RunView {
  changeSetId: string | null;
  done: number;
  total: number;
  succeeded: number;
  failed: number;
  inFlight: number;
  message: string;
  /** Latest status per item index that moved. */
  items: ReadonlyMap<number, { status: ItemStatus; reason: string | null; message: string }>;
}

export const EMPTY_RUN: RunView = {
  changeSetId: null,
  done: 0,
  total: 0,
  succeeded: 0,
  failed: 0,
  inFlight: 0,
  message: "Checking AWS before sending…",
  items: new Map(),
};

export function foldEvent(view: RunView, e: ApplyEvent): RunView {
  let items = view.items;
  if (e.item !== null) {
    const next = new Map(items);
    next.set(e.item.index, { status: e.item.status, reason: e.item.reason, message: e.message });
    items = next;
  }
  return {
    changeSetId: e.change_set_id,
    done: e.done,
    total: e.total,
    succeeded: e.succeeded,
    failed: e.failed,
    inFlight: e.in_flight,
    message: e.message,
    items,
  };
}

/** The failed items seen so far, in index order (shown with AWS's reasons while it runs). */
export function failuresSoFar(view: RunView): { index: number; message: string; reason: string | null }[] {
  return [...view.items.entries()]
    .filter(([, v]) => v.status === "failed")
    .sort(([a], [b]) => a - b)
    .map(([index, v]) => ({ index, message: v.message, reason: v.reason }));
}

export function isSuccess(status: ItemStatus): boolean {
  return status === "succeeded" || status === "already_done";
}

/**
 * The staged changes an apply settled: those AWS now holds (succeeded, already done) and those
 * the plan skipped because AWS already held them. Failed, blocked and unsent ones stay staged,
 * so nothing the admin asked for is lost.
 */
export function settledChanges(staged: readonly StagedChange[], result: ChangeSet | null, plan: ChangePlan | null): StagedChange[] {
  const settled = new Set<string>();
  const key = (op: string, a: StagedChange["assignment"]) => `${op}|${assignmentKey(a)}`;
  for (const i of result?.items ?? []) if (isSuccess(i.status)) settled.add(key(i.line.op, i.line.assignment));
  for (const h of plan?.skipped ?? []) settled.add(key(h.line.op, h.line.assignment));
  return staged.filter((c) => settled.has(key(c.op, c.assignment)));
}

/**
 * Items grouped for the result view: failures first (they need the admin), then what AWS
 * already held and was not sent (changed elsewhere since the review, or found done on a
 * resume), then the rest.
 */
export function resultGroups(set: ChangeSet): { title: string; status: ItemStatus[]; items: ChangeItem[] }[] {
  const groups: { title: string; status: ItemStatus[] }[] = [
    { title: "Failed", status: ["failed"] },
    { title: "Not finished", status: ["pending", "sending", "in_progress"] },
    { title: "Not attempted", status: ["not_attempted"] },
    { title: "Already in AWS, not sent", status: ["already_done"] },
    { title: "Done", status: ["succeeded"] },
  ];
  return groups
    .map((g) => ({ ...g, items: set.items.filter((i) => g.status.includes(i.status)) }))
    .filter((g) => g.items.length > 0);
}

/** "4 of 5 done, 1 failed." */
export function setOutcome(set: ChangeSet): string {
  const c = set.summary.counts;
  const parts = [`${c.succeeded.toLocaleString()} of ${c.total.toLocaleString()} done`];
  if (c.failed > 0) parts.push(`${c.failed.toLocaleString()} failed`);
  if (c.not_attempted > 0) parts.push(`${c.not_attempted.toLocaleString()} not attempted`);
  if (c.unfinished > 0) parts.push(`${c.unfinished.toLocaleString()} unfinished`);
  return `${parts.join(", ")}.`;
}

/** Failed, not attempted or unfinished: what "Retry failed" would send again. */
export function retryable(set: ChangeSet): number {
  const c = set.summary.counts;
  return c.failed + c.not_attempted + c.unfinished;
}
