/**
 * Who-has-what as data, without React: the report's filters (user, group, account, OU,
 * permission set, free text, administrator-level access), its totals, a chosen user's summary,
 * the administrator-access view per account and the export file names. The rows come from the
 * backend (`who_has_what`: group assignments already expanded to their members); everything
 * here is pure and unit-tested, the components only render it.
 */
import type { ReportRow, Snapshot, SnapshotPermissionSet } from "../../backend/api";

/** The AWS managed policy that makes a permission set administrator-level by itself. */
export const ADMINISTRATOR_ACCESS_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";

export interface ReportFilter {
  /** A user (Identity Store id): the user's direct access and the access through groups. */
  userId: string | null;
  /** A group: its own assignments and its members' access through it. */
  groupId: string | null;
  accountId: string | null;
  /** An OU path: accounts in that OU and below. `/` is the accounts directly in the root. */
  ouPath: string | null;
  permissionSetArn: string | null;
  /** Free text: every word must appear in the row (account, OU, set, principal, group). */
  search: string;
  /** Users holding an administrator-level permission set (directly or through a group). */
  adminOnly: boolean;
}

export const NO_FILTER: ReportFilter = {
  userId: null,
  groupId: null,
  accountId: null,
  ouPath: null,
  permissionSetArn: null,
  search: "",
  adminOnly: false,
};

export function isFiltered(filter: ReportFilter): boolean {
  return (
    filter.userId !== null ||
    filter.groupId !== null ||
    filter.accountId !== null ||
    filter.ouPath !== null ||
    filter.permissionSetArn !== null ||
    filter.search.trim() !== "" ||
    filter.adminOnly
  );
}

// ---- Administrator-level access ------------------------------------------------------

/**
 * Whether a permission set grants administrator-level access. The backend judges it
 * (`grants_admin`: AdministratorAccess attached, or an inline policy allowing every action);
 * a snapshot kept before Gatehouse read set definitions has no judgement, so the name and the
 * attached AdministratorAccess policy are the best guess there.
 */
export function isAdminSet(ps: SnapshotPermissionSet): boolean {
  if (ps.grants_admin === true) return true;
  if (ps.definition_loaded === true) return false;
  return ps.name === "AdministratorAccess" || (ps.managed_policy_arns ?? []).includes(ADMINISTRATOR_ACCESS_ARN);
}

/** The administrator-level sets of a snapshot, and whether that was judged from their policies. */
export function adminPermissionSets(snapshot: Pick<Snapshot, "permission_sets">): {
  sets: SnapshotPermissionSet[];
  /** False when some set's definition was not read (an older snapshot): the list is a guess by name. */
  judged: boolean;
} {
  return {
    sets: snapshot.permission_sets.filter(isAdminSet),
    judged: snapshot.permission_sets.every((ps) => ps.definition_loaded === true),
  };
}

// ---- Filtering ---------------------------------------------------------------------

/** What a filter needs from the snapshot besides the rows. */
export interface ReportContext {
  /** Group id → display name (`via_group` holds the name). */
  groupNames: ReadonlyMap<string, string>;
  /** ARNs of the administrator-level permission sets. */
  adminArns: ReadonlySet<string>;
}

export function reportContext(snapshot: Pick<Snapshot, "groups" | "permission_sets">): ReportContext {
  return {
    groupNames: new Map(snapshot.groups.map((g) => [g.id, g.display_name])),
    adminArns: new Set(adminPermissionSets(snapshot).sets.map((ps) => ps.arn)),
  };
}

/** A row with its lower-case search text (built once per row set, not per keystroke). */
export interface IndexedRow {
  row: ReportRow;
  text: string;
}

export function indexRows(rows: readonly ReportRow[]): IndexedRow[] {
  return rows.map((row) => ({
    row,
    text: [
      row.account_name,
      row.account_id,
      row.ou_path,
      row.permission_set_name,
      row.principal_name,
      row.principal_type === "GROUP" ? "group" : "user",
      row.access === "group" ? `via ${row.via_group ?? ""}` : "direct",
    ]
      .join("\n")
      .toLowerCase(),
  }));
}

/** The search's words, lower case (empty: no text filter). */
export function searchWords(search: string): string[] {
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== "");
}

/** `ou_path` is `path` or below it (`/` alone matches only the accounts directly in the root). */
export function inOu(rowOuPath: string, path: string): boolean {
  return rowOuPath === path || (path !== "/" && rowOuPath.startsWith(`${path}/`));
}

/**
 * Whether a row passes the filter. A group filter matches the group's own rows and its members'
 * rows through it (`via_group` is a name, so two groups with the same display name are one here).
 */
export function rowMatches(entry: IndexedRow, filter: ReportFilter, ctx: ReportContext, words: readonly string[]): boolean {
  const r = entry.row;
  if (filter.userId !== null && !(r.principal_type === "USER" && r.principal_id === filter.userId)) return false;
  if (filter.groupId !== null) {
    const own = r.principal_type === "GROUP" && r.principal_id === filter.groupId;
    const name = ctx.groupNames.get(filter.groupId);
    const through = r.access === "group" && name !== undefined && r.via_group === name;
    if (!own && !through) return false;
  }
  if (filter.accountId !== null && r.account_id !== filter.accountId) return false;
  if (filter.ouPath !== null && !inOu(r.ou_path, filter.ouPath)) return false;
  if (filter.permissionSetArn !== null && r.permission_set_arn !== filter.permissionSetArn) return false;
  if (filter.adminOnly && !(r.principal_type === "USER" && ctx.adminArns.has(r.permission_set_arn))) return false;
  for (const w of words) if (!entry.text.includes(w)) return false;
  return true;
}

/** The rows that pass the filter, in the backend's order (by account, set, principal). */
export function filterRows(rows: readonly IndexedRow[], filter: ReportFilter, ctx: ReportContext): ReportRow[] {
  const words = searchWords(filter.search);
  if (!isFiltered(filter)) return rows.map((e) => e.row);
  const out: ReportRow[] = [];
  for (const e of rows) if (rowMatches(e, filter, ctx, words)) out.push(e.row);
  return out;
}

// ---- Totals --------------------------------------------------------------------------

export interface ReportTotals {
  rows: number;
  accounts: number;
  /** Distinct groups and users. */
  principals: number;
  /** Distinct users with access (directly or through a group). */
  users: number;
}

export function totals(rows: readonly ReportRow[]): ReportTotals {
  const accounts = new Set<string>();
  const principals = new Set<string>();
  const users = new Set<string>();
  for (const r of rows) {
    accounts.add(r.account_id);
    principals.add(`${r.principal_type}|${r.principal_id}`);
    if (r.principal_type === "USER") users.add(r.principal_id);
  }
  return { rows: rows.length, accounts: accounts.size, principals: principals.size, users: users.size };
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

export function describeTotals(t: ReportTotals): string {
  return [
    plural(t.rows, "row"),
    plural(t.accounts, "account"),
    plural(t.principals, "principal"),
    `${plural(t.users, "user")} with access`,
  ].join(" · ");
}

// ---- A chosen user -------------------------------------------------------------------

export interface UserSummary {
  accounts: number;
  /** Rows assigned to the user itself. */
  direct: number;
  /** Rows through groups. */
  inherited: number;
  /** The groups the access comes through, sorted. */
  viaGroups: string[];
}

export function userSummary(rows: readonly ReportRow[], userId: string): UserSummary {
  const accounts = new Set<string>();
  const groups = new Set<string>();
  let direct = 0;
  let inherited = 0;
  for (const r of rows) {
    if (r.principal_type !== "USER" || r.principal_id !== userId) continue;
    accounts.add(r.account_id);
    if (r.access === "group") {
      inherited++;
      if (r.via_group !== null) groups.add(r.via_group);
    } else direct++;
  }
  return { accounts: accounts.size, direct, inherited, viaGroups: [...groups].sort(byName.compare) };
}

const byName = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

/** How a row's access reads: "direct", "via Developers". */
export function accessText(row: Pick<ReportRow, "access" | "via_group">): string {
  return row.access === "group" ? `via ${row.via_group ?? "a group"}` : "direct";
}

// ---- Administrator access per account ------------------------------------------------

export interface AdminHolder {
  userId: string;
  userName: string;
  /** "AdministratorAccess (direct)", "PowerAdmin (via Admins)", sorted. */
  grants: string[];
}

export interface AdminAccount {
  accountId: string;
  accountName: string;
  ouPath: string;
  users: AdminHolder[];
}

/**
 * The users holding administrator-level access, per account (accounts and users by name).
 * `rows` should already be the admin view's rows; other rows are ignored.
 */
export function adminByAccount(rows: readonly ReportRow[], adminArns: ReadonlySet<string>): AdminAccount[] {
  const accounts = new Map<string, { account: AdminAccount; users: Map<string, { holder: AdminHolder; grants: Set<string> }> }>();
  for (const r of rows) {
    if (r.principal_type !== "USER" || !adminArns.has(r.permission_set_arn)) continue;
    let a = accounts.get(r.account_id);
    if (a === undefined) {
      a = { account: { accountId: r.account_id, accountName: r.account_name, ouPath: r.ou_path, users: [] }, users: new Map() };
      accounts.set(r.account_id, a);
    }
    let u = a.users.get(r.principal_id);
    if (u === undefined) {
      u = { holder: { userId: r.principal_id, userName: r.principal_name, grants: [] }, grants: new Set() };
      a.users.set(r.principal_id, u);
    }
    u.grants.add(`${r.permission_set_name} (${accessText(r)})`);
  }
  return [...accounts.values()]
    .map(({ account, users }) => ({
      ...account,
      users: [...users.values()]
        .map(({ holder, grants }) => ({ ...holder, grants: [...grants].sort(byName.compare) }))
        .sort((x, y) => byName.compare(x.userName, y.userName)),
    }))
    .sort((x, y) => byName.compare(x.accountName, y.accountName) || x.accountId.localeCompare(y.accountId));
}

// ---- User picker ---------------------------------------------------------------------

export interface UserOption {
  id: string;
  userName: string;
  /** Display name and email, when known. */
  detail: string;
  search: string;
}

export function userOptions(snapshot: Pick<Snapshot, "users">): UserOption[] {
  return snapshot.users.map((u) => {
    const detail = [u.display_name, u.email].filter((v): v is string => v !== null && v !== "" && v !== u.user_name).join(" · ");
    return { id: u.id, userName: u.user_name, detail, search: `${u.user_name}\n${u.display_name ?? ""}\n${u.email ?? ""}`.toLowerCase() };
  });
}

/** The users matching what was typed (user name, display name or email), at most `limit`. */
export function matchUsers(options: readonly UserOption[], text: string, limit = 50): UserOption[] {
  const words = searchWords(text);
  const out: UserOption[] = [];
  for (const o of options) {
    if (words.every((w) => o.search.includes(w))) {
      out.push(o);
      if (out.length >= limit) break;
    }
  }
  return out;
}

/** The user whose user name is exactly `text` (case-insensitive), if one is. */
export function exactUser(options: readonly UserOption[], text: string): UserOption | null {
  const t = text.trim().toLowerCase();
  if (t === "") return null;
  return options.find((o) => o.userName.toLowerCase() === t) ?? null;
}

// ---- OU choices ------------------------------------------------------------------------

/** The OU filter's choices: the root (its direct accounts), then every OU path, sorted. */
export function ouChoices(snapshot: Pick<Snapshot, "ous">): { path: string; label: string }[] {
  const paths = [...new Set(snapshot.ous.map((o) => o.path))].sort(byName.compare);
  return [{ path: "/", label: "Root (accounts directly in it)" }, ...paths.map((p) => ({ path: p, label: `${p} and below` }))];
}

// ---- Export ------------------------------------------------------------------------------

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
}

/**
 * A file name saying what was exported and when, e.g.
 * `gatehouse-access-alice-example-com-2025-06-01.csv`, `gatehouse-admin-access-2025-06-01.json`.
 */
export function exportFileName(filter: ReportFilter, names: { user?: string | null; group?: string | null }, ext: string, now: Date): string {
  const date = now.toISOString().slice(0, 10);
  const parts = ["gatehouse", filter.adminOnly ? "admin-access" : "access"];
  if (filter.userId !== null && names.user) parts.push(slug(names.user));
  else if (filter.groupId !== null && names.group) parts.push(slug(names.group));
  return `${parts.filter((p) => p !== "").join("-")}-${date}.${ext}`;
}
