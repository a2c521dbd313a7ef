/**
 * Pure helpers for the permission set pages: the form's state, templates, field problems and
 * display formats. Nothing here talks to the backend.
 */
import type {
  ApplyOutcome,
  FieldProblem,
  PermissionSetState,
  PermissionSetSummary,
  PermissionSetTemplate,
  PermissionsBoundary,
  PrincipalRef,
} from "../../backend/api";

/** AWS limits shown to the admin (also enforced by the backend's validation). */
export const LIMITS = {
  nameMax: 32,
  descriptionMax: 700,
  relayStateMax: 240,
  /** Managed + customer managed policies per permission set. */
  attachedMax: 20,
  /** IAM's default managed policies per role (the roles provisioning creates), unless raised. */
  iamPerRoleDefault: 10,
  tagsMax: 50,
} as const;

export const SESSION_HOURS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;

/** A new, empty permission set: one-hour sessions, nothing attached. */
export function emptyState(): PermissionSetState {
  return {
    name: "",
    description: null,
    session_duration: "PT1H",
    relay_state: null,
    managed_policies: [],
    customer_managed_policies: [],
    inline_policy: null,
    permissions_boundary: null,
    tags: [],
  };
}

/**
 * Switches the starting point of a new set from `previous` to `next` (null: from scratch)
 * without losing what the admin typed: the name and description follow the template only
 * while they are still the previous template's (or empty), and only the previous template's
 * managed policy is swapped for the new one.
 */
export function switchTemplate(
  draft: PermissionSetState,
  previous: PermissionSetTemplate | null,
  next: PermissionSetTemplate | null,
): PermissionSetState {
  const untouched = (value: string | null, prevValue: string | null) =>
    value === null || value.trim() === "" || (prevValue !== null && value === prevValue);
  const managed = draft.managed_policies.filter((arn) => previous === null || arn !== previous.managed_policy_arn);
  if (next !== null && !managed.includes(next.managed_policy_arn)) managed.unshift(next.managed_policy_arn);
  return {
    ...draft,
    name: untouched(draft.name, previous?.state.name ?? null) ? (next?.state.name ?? "") : draft.name,
    description: untouched(draft.description, previous?.state.description ?? null)
      ? (next?.state.description ?? null)
      : draft.description,
    managed_policies: managed,
  };
}

/** Two states are the same form (key order and `""` vs none do not count). */
export function sameState(a: PermissionSetState, b: PermissionSetState): boolean {
  return stateKey(a) === stateKey(b);
}

function blankToNull(v: string | null): string | null {
  return v === null || v.trim() === "" ? null : v;
}

/** A stable string for a state, for comparisons and query keys. */
export function stateKey(s: PermissionSetState): string {
  return JSON.stringify([
    s.name,
    blankToNull(s.description),
    s.session_duration,
    blankToNull(s.relay_state),
    s.managed_policies,
    s.customer_managed_policies.map((c) => [c.name, c.path]),
    blankToNull(s.inline_policy),
    boundaryKey(s.permissions_boundary),
    s.tags.map((t) => [t.key, t.value]),
  ]);
}

function boundaryKey(b: PermissionsBoundary | null): unknown {
  if (b === null) return null;
  return b.kind === "managed" ? ["managed", b.arn] : ["customer_managed", b.name, b.path];
}

/** The last part of a policy ARN: `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess` → `ViewOnlyAccess`. */
export function policyName(arn: string): string {
  const last = arn.split("/").pop();
  return last !== undefined && last !== "" ? last : arn;
}

/** 1 → "1 h", 1.5 → "1.5 h", null → "—". */
export function formatHours(hours: number | null): string {
  if (hours === null || !Number.isFinite(hours)) return "—";
  const rounded = Math.round(hours * 100) / 100;
  return `${rounded} h`;
}

/** Whole hours of an ISO 8601 duration (`PT4H` → 4), or null for anything else. */
export function wholeHours(duration: string): number | null {
  const m = /^PT(\d+)H$/i.exec(duration.trim());
  return m?.[1] !== undefined ? Number(m[1]) : null;
}

/** `PT1H30M` → "1 h 30 min", for a session that is not whole hours. */
export function describeDuration(duration: string): string {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/i.exec(duration.trim());
  if (m === null || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return duration;
  const parts: string[] = [];
  if (m[1] !== undefined) parts.push(`${Number(m[1])} h`);
  if (m[2] !== undefined) parts.push(`${Number(m[2])} min`);
  if (m[3] !== undefined) parts.push(`${Number(m[3])} s`);
  return parts.join(" ");
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** Field problems grouped by their JSON pointer. */
export type ProblemIndex = ReadonlyMap<string, readonly FieldProblem[]>;

export function indexProblems(problems: readonly FieldProblem[]): ProblemIndex {
  const map = new Map<string, FieldProblem[]>();
  for (const p of problems) map.set(p.field, [...(map.get(p.field) ?? []), p]);
  return map;
}

export function problemsAt(index: ProblemIndex, field: string): readonly FieldProblem[] {
  return index.get(field) ?? [];
}

export type TabId = "summary" | "policies" | "usage";

/** Which tab shows the field a problem is about. */
export function tabOfField(field: string): TabId {
  return /^\/(managed_policies|customer_managed_policies|inline_policy|permissions_boundary)(\/|$)/.test(field)
    ? "policies"
    : "summary";
}

/** The words for a field pointer, for the list of problems next to Review. */
export function fieldLabel(field: string): string {
  const parts = field.split("/").filter((p) => p !== "");
  const index = (i: number) => {
    const n = Number(parts[i]);
    return Number.isInteger(n) ? ` ${n + 1}` : "";
  };
  switch (parts[0]) {
    case "name":
      return "Name";
    case "description":
      return "Description";
    case "session_duration":
      return "Session duration";
    case "relay_state":
      return "Relay state";
    case "managed_policies":
      return parts.length > 1 ? `AWS managed policy${index(1)}` : "AWS managed policies";
    case "customer_managed_policies":
      return `Customer managed policy${index(1)}${parts[2] === "path" ? " path" : parts[2] === "name" ? " name" : ""}`;
    case "inline_policy":
      return "Inline policy";
    case "permissions_boundary":
      return "Permissions boundary";
    case "tags":
      return parts.length > 1 ? `Tag${index(1)}${parts[2] === "value" ? " value" : parts[2] === "key" ? " key" : ""}` : "Tags";
    default:
      return field;
  }
}

/** Does a set match the search text (name, description, relay state, id, and known policy names)? */
export function matchesSearch(summary: PermissionSetSummary, query: string, policies: readonly string[] = []): boolean {
  const q = query.trim().toLowerCase();
  if (q === "") return true;
  const haystack = [summary.name, summary.description ?? "", summary.relay_state ?? "", summary.arn, ...policies]
    .join("\n")
    .toLowerCase();
  return q.split(/\s+/).every((word) => haystack.includes(word));
}

/** The policy names (managed, customer managed, boundary) of a state, for search. */
export function policyNames(state: PermissionSetState): string[] {
  const names = [
    ...state.managed_policies.flatMap((arn) => [arn, policyName(arn)]),
    ...state.customer_managed_policies.map((c) => `${c.path}${c.name}`),
  ];
  const b = state.permissions_boundary;
  if (b !== null) names.push(b.kind === "managed" ? b.arn : `${b.path}${b.name}`);
  if (state.inline_policy !== null && state.inline_policy.trim() !== "") names.push("inline");
  return names;
}

/** The three outcomes the report's `data-outcome` distinguishes. */
export function outcomeGroup(outcome: ApplyOutcome, succeeded: number): "succeeded" | "partial" | "failed" {
  switch (outcome) {
    case "succeeded":
    case "nothing_to_do":
      return "succeeded";
    case "partially_failed":
      return "partial";
    case "failed":
      return "failed";
    case "cancelled":
      return succeeded > 0 ? "partial" : "failed";
  }
}

/** "Admins", "alice@example.com (Alice Smith)", "9067… (not in the Identity Store)". */
export function principalLabel(p: PrincipalRef): string {
  if (!p.resolved) return `${p.id} (not in the Identity Store)`;
  if (p.kind === "group") return p.display_name ?? p.id;
  const name = p.user_name ?? p.display_name ?? p.id;
  return p.display_name !== null && p.user_name !== null && p.display_name !== p.user_name ? `${name} (${p.display_name})` : name;
}
