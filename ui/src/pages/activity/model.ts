/**
 * The audit log as text, without React: outcome and item status labels, who applied a change
 * set (from the caller's ARN), what it did ("3 assignments, 1 removal"), counts, the status filter of
 * a change set's items, and the plain-text copy of a change set. Pure and unit-tested.
 */
import type { ChangeCounts, ChangeItem, ChangeSet, ChangeSetStatus, ChangeSetSummary, ItemStatus } from "../../backend/api";

export type Tone = "ok" | "attention" | "error" | "neutral" | "info";

export const OUTCOMES: Record<ChangeSetStatus, { label: string; tone: Tone; hint: string }> = {
  running: { label: "Running", tone: "info", hint: "Being applied now." },
  interrupted: {
    label: "Interrupted",
    tone: "attention",
    hint: "Stopped before every item finished (crash, closed window, lost connection). Resume or discard it from Account assignments.",
  },
  cancelled: { label: "Cancelled", tone: "neutral", hint: "Cancelled by the admin; unsent items were not attempted." },
  completed: { label: "Completed", tone: "ok", hint: "Every item succeeded." },
  completed_with_failures: { label: "Completed with failures", tone: "error", hint: "Every item finished; some failed." },
  discarded: { label: "Discarded", tone: "neutral", hint: "An interrupted change set the admin gave up; unfinished items were not applied." },
};

/** Item statuses in the groups the filter offers. */
export type ItemGroup = "succeeded" | "failed" | "not_attempted" | "unfinished";

export const ITEM_STATUS: Record<ItemStatus, { label: string; tone: Tone; group: ItemGroup }> = {
  pending: { label: "Pending", tone: "neutral", group: "unfinished" },
  sending: { label: "Sending", tone: "info", group: "unfinished" },
  in_progress: { label: "In progress", tone: "info", group: "unfinished" },
  succeeded: { label: "Succeeded", tone: "ok", group: "succeeded" },
  already_done: { label: "Already done", tone: "ok", group: "succeeded" },
  failed: { label: "Failed", tone: "error", group: "failed" },
  not_attempted: { label: "Not attempted", tone: "neutral", group: "not_attempted" },
};

export const ITEM_GROUPS: { id: ItemGroup; label: string }[] = [
  { id: "failed", label: "Failed" },
  { id: "succeeded", label: "Succeeded" },
  { id: "not_attempted", label: "Not attempted" },
  { id: "unfinished", label: "Unfinished" },
];

export type ItemFilter = "all" | ItemGroup;

export function filterItems(items: readonly ChangeItem[], filter: ItemFilter): ChangeItem[] {
  return filter === "all" ? [...items] : items.filter((i) => ITEM_STATUS[i.status].group === filter);
}

export function countByGroup(items: readonly ChangeItem[]): Record<ItemGroup, number> {
  const out: Record<ItemGroup, number> = { succeeded: 0, failed: 0, not_attempted: 0, unfinished: 0 };
  for (const i of items) out[ITEM_STATUS[i.status].group]++;
  return out;
}

/** "3 assignments, 1 removal", "1 assignment", "2 removals", "nothing". */
export function whatText(counts: Pick<ChangeCounts, "creates" | "deletes">): string {
  const n = (k: number, one: string) => `${k.toLocaleString()} ${one}${k === 1 ? "" : "s"}`;
  const parts = [counts.creates > 0 ? n(counts.creates, "assignment") : null, counts.deletes > 0 ? n(counts.deletes, "removal") : null].filter(
    (p) => p !== null,
  );
  return parts.length > 0 ? parts.join(", ") : "nothing";
}

/** "2 succeeded · 1 failed · 1 not attempted" (zeros left out; "no items" when empty). */
export function countsText(counts: ChangeCounts): string {
  const parts = [
    counts.succeeded > 0 ? `${counts.succeeded} succeeded` : null,
    counts.failed > 0 ? `${counts.failed} failed` : null,
    counts.not_attempted > 0 ? `${counts.not_attempted} not attempted` : null,
    counts.unfinished > 0 ? `${counts.unfinished} unfinished` : null,
  ].filter((p) => p !== null);
  return parts.length > 0 ? parts.join(" · ") : counts.total === 0 ? "no items" : `${counts.total} items`;
}

/**
 * Who an ARN is, in a few words: an Identity Center session ("alice", role
 * "AdministratorAccess"), another assumed role, an IAM user, the root user.
 */
export function describeCaller(arn: string): { name: string; detail: string | null } {
  const m = /^arn:aws[\w-]*:(sts|iam)::(\d{12}):(.+)$/.exec(arn);
  if (m === null) return { name: arn, detail: null };
  const resource = m[3] ?? "";
  if (resource === "root") return { name: "root user", detail: `account ${m[2]}` };
  const [kind, ...rest] = resource.split("/");
  if (kind === "assumed-role" && rest.length >= 2) {
    const role = rest[0] ?? "";
    const session = rest.slice(1).join("/");
    const sso = /^AWSReservedSSO_(.+)_[0-9a-f]+$/.exec(role);
    return sso !== null ? { name: session, detail: `${sso[1]} (IAM Identity Center)` } : { name: session, detail: `role ${role}` };
  }
  if (kind === "user" && rest.length >= 1) return { name: rest[rest.length - 1] ?? resource, detail: "IAM user" };
  if (kind === "federated-user" && rest.length >= 1) return { name: rest.join("/"), detail: "federated user" };
  return { name: resource, detail: null };
}

/** "Assign", "Remove". */
export function opText(op: ChangeItem["line"]["op"]): string {
  return op === "create" ? "Assign" : "Remove";
}

/** One item in a sentence: "Assign AdministratorAccess to alice (user) in prod-app (111122223333)". */
export function itemSentence(item: ChangeItem): string {
  const l = item.line;
  const who = `${l.principal_name} (${l.assignment.principal_type === "GROUP" ? "group" : "user"})`;
  return `${opText(l.op)} ${l.permission_set_name} ${l.op === "create" ? "to" : "from"} ${who} in ${l.account_name} (${l.assignment.account_id})`;
}

/** A change set as plain text, for the clipboard or a ticket. */
export function changeSetText(cs: ChangeSet): string {
  const s = cs.summary;
  const caller = describeCaller(s.caller_arn);
  const lines = [
    `Gatehouse change set ${s.id}`,
    `Outcome: ${OUTCOMES[s.status].label} (${countsText(s.counts)})`,
    `What: ${whatText(s.counts)}`,
    `Applied by: ${caller.name}${caller.detail !== null ? ` — ${caller.detail}` : ""}`,
    `Caller ARN: ${s.caller_arn}`,
    `Account: ${s.account_id}, region ${s.region}`,
    `Instance: ${s.instance_arn}`,
    `Started: ${s.created_at}`,
    `Finished: ${s.finished_at ?? "not finished"}`,
  ];
  if (s.message !== null) lines.push(`Message: ${s.message}`);
  lines.push("", "Items:");
  for (const item of cs.items) {
    const extra = [
      item.reason !== null ? `reason: ${item.reason}` : null,
      item.request_id !== null ? `request ${item.request_id}` : null,
      item.attempts > 1 ? `${item.attempts} attempts` : null,
    ].filter((p) => p !== null);
    lines.push(`${item.index + 1}. ${itemSentence(item)}: ${ITEM_STATUS[item.status].label}${extra.length > 0 ? ` (${extra.join("; ")})` : ""}`);
  }
  return lines.join("\n");
}

/** Newest first (the backend already sends them so; kept stable for equal times). */
export function newestFirst(entries: readonly ChangeSetSummary[]): ChangeSetSummary[] {
  return entries
    .map((e, i) => ({ e, i, t: Date.parse(e.created_at) }))
    .sort((a, b) => (Number.isNaN(b.t) || Number.isNaN(a.t) ? 0 : b.t - a.t) || a.i - b.i)
    .map(({ e }) => e);
}
