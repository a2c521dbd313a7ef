/**
 * The assignments matrix as data, without React: indexes built once per snapshot (so a cell is
 * a few Map lookups, never a scan of the assignments), the OU tree as rows, principals as
 * columns, permission set chips with their colours and short labels, filters, the two pivots
 * ("one permission set", "one account") and what a toggle stages. Everything here is pure and
 * unit-tested; the components only render it.
 */
import type {
  Assignment,
  Identity,
  PrincipalType,
  Snapshot,
  SnapshotAccount,
  SnapshotOu,
  SnapshotPermissionSet,
} from "../../backend/api";
import type { ChangeOp, StagedChange } from "../../state/staging";

// ---- Indexes ----------------------------------------------------------------------------

/** A column of the matrix: a group or a user of the Identity Store. */
export interface Principal {
  type: PrincipalType;
  id: string;
  /** Group display name, or user name (the sign-in name). */
  name: string;
  /** A second line: the user's display name or email, or the group's member count. */
  detail: string;
  /** What a principal search matches: names and email, lower case. */
  search: string;
}

/** A permission set with what the matrix shows for it. */
export interface PermissionSetInfo {
  arn: string;
  name: string;
  description: string | null;
  /** Position in the name-sorted list (chips are shown in this order). */
  order: number;
  /** Index in `PALETTE_SIZE` colours (stable: by sorted order). */
  colour: number;
  /** A label of at most 4 characters, unique in the snapshot (e.g. "Adm", "RO"). */
  short: string;
}

export interface OuNode {
  ou: SnapshotOu;
  /** Child OU ids, by name. */
  children: string[];
  /** Accounts directly in this OU, in the snapshot's order (by name). */
  accounts: string[];
}

export interface MatrixIndex {
  snapshot: Snapshot;
  accounts: Map<string, SnapshotAccount>;
  /** Groups (by display name), then users (by user name). */
  principals: Principal[];
  principalById: Map<string, Principal>;
  /** A user's groups (ids), by group order. */
  groupsOfUser: Map<string, string[]>;
  permissionSets: PermissionSetInfo[];
  psByArn: Map<string, PermissionSetInfo>;
  /** `cellKey(account, principal)` → the permission sets assigned directly, in chip order. */
  direct: Map<string, string[]>;
  ous: Map<string, OuNode>;
  /** Accounts directly in the root (or in an OU the snapshot does not list). */
  rootAccounts: string[];
  /** Top-level OUs, by name. */
  topOus: string[];
}

export const PALETTE_SIZE = 12;

/** The key of one matrix cell. */
export function cellKey(accountId: string, principalId: string): string {
  return `${accountId}|${principalId}`;
}

const byName = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

/**
 * A short chip label: "AdministratorAccess" → "Adm", "ReadOnlyAccess" → "RO",
 * "PowerUserAccess" → "PU", "Billing" → "Bil". A trailing "Access" is dropped; several words
 * give their initials (up to 3), one word its first 3 letters.
 */
export function shortLabel(name: string): string {
  const stripped = name.replace(/[-_ ]?Access$/i, "");
  const base = stripped === "" ? name : stripped;
  const words = base
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])/)
    .filter((w) => w !== "");
  const first = words[0];
  if (first === undefined) return name.slice(0, 3) || "?";
  if (words.length === 1) return first.charAt(0).toUpperCase() + first.slice(1, 3);
  return words
    .slice(0, 3)
    .map((w) => (/^[0-9]+$/.test(w) ? w : w.charAt(0).toUpperCase()))
    .join("")
    .slice(0, 4);
}

/** Short labels for names in order, made unique with a digit ("RO", "RO2"). */
export function uniqueShortLabels(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const base = shortLabel(name);
    let label = base;
    for (let n = 2; used.has(label); n++) label = `${base.slice(0, n < 10 ? 3 : 2)}${n}`;
    used.add(label);
    return label;
  });
}

function userDetail(u: Snapshot["users"][number]): string {
  if (u.display_name !== null && u.display_name !== "" && u.display_name !== u.user_name) return u.display_name;
  return u.email !== null && u.email !== u.user_name ? u.email : "";
}

/** Builds every index the matrix reads. O(accounts + principals + memberships + assignments). */
export function buildIndex(snapshot: Snapshot): MatrixIndex {
  const accounts = new Map(snapshot.accounts.map((a) => [a.id, a]));

  const groups = [...snapshot.groups].sort((a, b) => byName.compare(a.display_name, b.display_name) || a.id.localeCompare(b.id));
  const users = [...snapshot.users].sort((a, b) => byName.compare(a.user_name, b.user_name) || a.id.localeCompare(b.id));
  const principals: Principal[] = [
    ...groups.map<Principal>((g) => ({
      type: "GROUP",
      id: g.id,
      name: g.display_name,
      detail: g.member_user_ids.length === 1 ? "1 member" : `${g.member_user_ids.length} members`,
      search: g.display_name.toLowerCase(),
    })),
    ...users.map<Principal>((u) => ({
      type: "USER",
      id: u.id,
      name: u.user_name,
      detail: userDetail(u),
      search: [u.user_name, u.display_name ?? "", u.email ?? ""].join("\n").toLowerCase(),
    })),
  ];
  const principalById = new Map(principals.map((p) => [p.id, p]));

  const groupsOfUser = new Map<string, string[]>();
  for (const g of groups) {
    for (const userId of g.member_user_ids) {
      const list = groupsOfUser.get(userId);
      if (list === undefined) groupsOfUser.set(userId, [g.id]);
      else if (!list.includes(g.id)) list.push(g.id);
    }
  }

  const sets = [...snapshot.permission_sets].sort((a, b) => byName.compare(a.name, b.name) || a.arn.localeCompare(b.arn));
  const labels = uniqueShortLabels(sets.map((s) => s.name));
  const permissionSets = sets.map<PermissionSetInfo>((s: SnapshotPermissionSet, i) => ({
    arn: s.arn,
    name: s.name,
    description: s.description,
    order: i,
    colour: i % PALETTE_SIZE,
    short: labels[i] ?? s.name,
  }));
  const psByArn = new Map(permissionSets.map((p) => [p.arn, p]));

  const direct = new Map<string, string[]>();
  for (const a of snapshot.assignments) {
    const key = cellKey(a.account_id, a.principal_id);
    const list = direct.get(key);
    if (list === undefined) direct.set(key, [a.permission_set_arn]);
    else if (!list.includes(a.permission_set_arn)) list.push(a.permission_set_arn);
  }
  const orderOf = (arn: string) => psByArn.get(arn)?.order ?? Number.MAX_SAFE_INTEGER;
  for (const list of direct.values()) if (list.length > 1) list.sort((a, b) => orderOf(a) - orderOf(b) || a.localeCompare(b));

  const ous = new Map<string, OuNode>(snapshot.ous.map((ou) => [ou.id, { ou, children: [], accounts: [] }]));
  const topOus: string[] = [];
  for (const node of ous.values()) {
    const parent = node.ou.parent_id !== node.ou.id ? ous.get(node.ou.parent_id) : undefined;
    if (parent !== undefined) parent.children.push(node.ou.id);
    else topOus.push(node.ou.id);
  }
  const ouName = (id: string) => ous.get(id)?.ou.name ?? id;
  const sortOus = (ids: string[]) => ids.sort((a, b) => byName.compare(ouName(a), ouName(b)) || a.localeCompare(b));
  sortOus(topOus);
  for (const node of ous.values()) sortOus(node.children);

  const rootAccounts: string[] = [];
  for (const a of snapshot.accounts) {
    const node = a.ou_id !== snapshot.root_id ? ous.get(a.ou_id) : undefined;
    if (node !== undefined) node.accounts.push(a.id);
    else rootAccounts.push(a.id);
  }

  return { snapshot, accounts, principals, principalById, groupsOfUser, permissionSets, psByArn, direct, ous, rootAccounts, topOus };
}

/** The OU and every OU below it (ids, tree order). Guards against cycles in odd data. */
export function ouSubtree(index: MatrixIndex, ouId: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const stack = [ouId];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = index.ous.get(id);
    if (node === undefined) continue;
    out.push(id);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as string);
  }
  return out;
}

/**
 * Every account in the OU and its sub-OUs (tree order), optionally only those in `visible`.
 * This is what selecting an OU stands for: AWS has no OU targets, so an OU is its accounts.
 */
export function accountsInOu(index: MatrixIndex, ouId: string, visible?: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const id of ouSubtree(index, ouId)) {
    for (const accountId of index.ous.get(id)?.accounts ?? []) if (visible === undefined || visible.has(accountId)) out.push(accountId);
  }
  return out;
}

// ---- Filters ----------------------------------------------------------------------------

export type PrincipalKind = "all" | "GROUP" | "USER";

export interface MatrixFilter {
  /** Account name or id (dashes in an id are ignored). */
  account: string;
  /** Only accounts in this OU and below (null: every account). */
  ouId: string | null;
  /** Group or user name (also the user's display name and email). */
  principal: string;
  principalKind: PrincipalKind;
  /** Only these permission sets' chips (and columns of the "one account" pivot); empty: all. */
  permissionSetArns: string[];
}

export const NO_FILTER: MatrixFilter = { account: "", ouId: null, principal: "", principalKind: "all", permissionSetArns: [] };

/** Whether the account rows are narrowed (empty OUs are hidden then). */
export function filtersAccounts(filter: MatrixFilter): boolean {
  return filter.account.trim() !== "" || filter.ouId !== null;
}

export function accountMatches(account: SnapshotAccount, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === "") return true;
  if (account.name.toLowerCase().includes(q)) return true;
  const digits = q.replace(/[-\s]/g, "");
  return digits !== "" && /^\d+$/.test(digits) && account.id.includes(digits);
}

/** The accounts the filter keeps (by id). */
export function visibleAccounts(index: MatrixIndex, filter: MatrixFilter): Set<string> {
  const pool =
    filter.ouId === null ? index.snapshot.accounts.map((a) => a.id) : accountsInOu(index, filter.ouId);
  const out = new Set<string>();
  for (const id of pool) {
    const account = index.accounts.get(id);
    if (account !== undefined && accountMatches(account, filter.account)) out.add(id);
  }
  return out;
}

export function principalMatches(p: Principal, query: string): boolean {
  const q = query.trim().toLowerCase();
  return q === "" || p.search.includes(q);
}

/** The columns: groups then users the filter keeps. */
export function visiblePrincipals(index: MatrixIndex, filter: MatrixFilter): Principal[] {
  return index.principals.filter(
    (p) => (filter.principalKind === "all" || p.type === filter.principalKind) && principalMatches(p, filter.principal),
  );
}

/** The permission sets shown (all when the filter names none). */
export function visiblePermissionSets(index: MatrixIndex, filter: MatrixFilter): PermissionSetInfo[] {
  if (filter.permissionSetArns.length === 0) return index.permissionSets;
  const keep = new Set(filter.permissionSetArns);
  return index.permissionSets.filter((p) => keep.has(p.arn));
}

/** The chip filter as a set, or null for "every set". */
export function permissionSetFilter(filter: MatrixFilter): ReadonlySet<string> | null {
  return filter.permissionSetArns.length === 0 ? null : new Set(filter.permissionSetArns);
}

// ---- Rows -------------------------------------------------------------------------------

export type MatrixRow =
  | { kind: "ou"; ouId: string; name: string; path: string; depth: number; count: number; collapsed: boolean }
  | { kind: "account"; account: SnapshotAccount; depth: number; ouId: string | null };

/**
 * The rows: accounts in the root first, then each OU (a header row with the number of shown
 * accounts below it, sub-OUs included), its accounts, then its sub-OUs, indented by depth.
 * A collapsed OU hides everything below it. OUs without shown accounts are hidden while the
 * accounts are filtered (`hideEmpty`), so a search shows only where the matches are.
 */
export function buildRows(
  index: MatrixIndex,
  visible: ReadonlySet<string>,
  collapsed: ReadonlySet<string>,
  hideEmpty: boolean,
): MatrixRow[] {
  // Shown accounts below each OU, computed bottom-up once.
  const counts = new Map<string, number>();
  const countOf = (id: string, seen: Set<string>): number => {
    const known = counts.get(id);
    if (known !== undefined) return known;
    const node = index.ous.get(id);
    if (node === undefined || seen.has(id)) return 0;
    seen.add(id);
    let n = 0;
    for (const a of node.accounts) if (visible.has(a)) n++;
    for (const c of node.children) n += countOf(c, seen);
    counts.set(id, n);
    return n;
  };

  const rows: MatrixRow[] = [];
  for (const id of index.rootAccounts) {
    const account = index.accounts.get(id);
    if (account !== undefined && visible.has(id)) rows.push({ kind: "account", account, depth: 0, ouId: null });
  }
  const seen = new Set<string>();
  const walk = (ouId: string, depth: number) => {
    if (seen.has(ouId)) return;
    seen.add(ouId);
    const node = index.ous.get(ouId);
    if (node === undefined) return;
    const count = countOf(ouId, new Set());
    if (hideEmpty && count === 0) return;
    const isCollapsed = collapsed.has(ouId);
    rows.push({ kind: "ou", ouId, name: node.ou.name, path: node.ou.path, depth, count, collapsed: isCollapsed });
    if (isCollapsed) return;
    for (const id of node.accounts) {
      const account = index.accounts.get(id);
      if (account !== undefined && visible.has(id)) rows.push({ kind: "account", account, depth: depth + 1, ouId });
    }
    for (const child of node.children) walk(child, depth + 1);
  };
  for (const top of index.topOus) walk(top, 0);
  return rows;
}

/** Every OU id (to collapse all). */
export function allOuIds(index: MatrixIndex): string[] {
  return [...index.ous.keys()];
}

// ---- Staged changes, indexed -------------------------------------------------------------

/** `cellKey` → permission set ARN → staged op. */
export type StagedIndex = Map<string, Map<string, ChangeOp>>;

export function indexStaged(changes: readonly StagedChange[]): StagedIndex {
  const out: StagedIndex = new Map();
  for (const c of changes) {
    const key = cellKey(c.assignment.account_id, c.assignment.principal_id);
    let m = out.get(key);
    if (m === undefined) {
      m = new Map();
      out.set(key, m);
    }
    m.set(c.assignment.permission_set_arn, c.op);
  }
  return out;
}

// ---- Cells ------------------------------------------------------------------------------

/**
 * How a chip is drawn: assigned (solid), a staged add (dashed, "+"), a staged removal
 * (struck through), or a user's access through a group (faint outline, "via group X").
 */
export type ChipState = "assigned" | "added" | "removed" | "inherited";

export interface Chip {
  ps: PermissionSetInfo;
  state: ChipState;
  /** For inherited chips: the groups (names) that give the access. */
  via: string[];
}

function unknownSet(arn: string): PermissionSetInfo {
  const name = arn.split("/").pop() ?? arn;
  return { arn, name, description: null, order: Number.MAX_SAFE_INTEGER, colour: 0, short: "?" };
}

/** The permission sets a user holds in an account through groups: ARN → group names. */
export function inheritedAccess(index: MatrixIndex, accountId: string, userId: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const groupId of index.groupsOfUser.get(userId) ?? []) {
    const arns = index.direct.get(cellKey(accountId, groupId));
    if (arns === undefined) continue;
    const groupName = index.principalById.get(groupId)?.name ?? groupId;
    for (const arn of arns) {
      const via = out.get(arn);
      if (via === undefined) out.set(arn, [groupName]);
      else via.push(groupName);
    }
  }
  return out;
}

/** Whether any group of the user has a permission set in the account. */
function hasGroupAccess(index: MatrixIndex, accountId: string, userId: string): boolean {
  for (const groupId of index.groupsOfUser.get(userId) ?? []) {
    if (index.direct.has(cellKey(accountId, groupId))) return true;
  }
  return false;
}

/**
 * One cell's chips in permission set order: direct assignments (struck when a removal is
 * staged), staged adds, and for users the sets held through groups that the user does not
 * hold directly. `only` keeps just those sets (the permission set filter).
 */
export function cellChips(
  index: MatrixIndex,
  staged: StagedIndex,
  accountId: string,
  principal: Principal,
  only: ReadonlySet<string> | null = null,
): Chip[] {
  const key = cellKey(accountId, principal.id);
  const pending = staged.get(key);
  const found = index.direct.get(key);
  // Most cells have nothing (the matrix asks for every cell scrolled past): answer those
  // without building anything.
  if (found === undefined && pending === undefined && !(principal.type === "USER" && hasGroupAccess(index, accountId, principal.id))) return [];
  const direct = found ?? [];
  const chips: Chip[] = [];
  const seen = new Set<string>();
  const keep = (arn: string) => only === null || only.has(arn);
  for (const arn of direct) {
    seen.add(arn);
    if (!keep(arn)) continue;
    chips.push({ ps: index.psByArn.get(arn) ?? unknownSet(arn), state: pending?.get(arn) === "delete" ? "removed" : "assigned", via: [] });
  }
  if (pending !== undefined) {
    for (const [arn, op] of pending) {
      if (op !== "create" || seen.has(arn) || !keep(arn)) continue;
      seen.add(arn);
      chips.push({ ps: index.psByArn.get(arn) ?? unknownSet(arn), state: "added", via: [] });
    }
  }
  if (principal.type === "USER") {
    for (const [arn, via] of inheritedAccess(index, accountId, principal.id)) {
      if (seen.has(arn) || !keep(arn)) continue;
      chips.push({ ps: index.psByArn.get(arn) ?? unknownSet(arn), state: "inherited", via });
    }
  }
  chips.sort((a, b) => a.ps.order - b.ps.order || a.ps.arn.localeCompare(b.ps.arn));
  return chips;
}

function chipText(chip: Chip): string {
  switch (chip.state) {
    case "assigned":
      return chip.ps.name;
    case "added":
      return `${chip.ps.name} (pending add)`;
    case "removed":
      return `${chip.ps.name} (pending removal)`;
    case "inherited":
      return `${chip.ps.name} (via group ${chip.via.join(", ")})`;
  }
}

/** "prod-app (111111111111)". */
export function accountLabel(account: Pick<SnapshotAccount, "name" | "id">): string {
  return `${account.name} (${account.id})`;
}

/** The cell's accessible name: "prod-app (111111111111) × Developers: AdministratorAccess, ReadOnly". */
export function cellLabel(account: Pick<SnapshotAccount, "name" | "id">, principal: Principal, chips: readonly Chip[]): string {
  const what = chips.length === 0 ? "no access" : chips.map(chipText).join(", ");
  return `${accountLabel(account)} × ${principal.name}: ${what}`;
}

/** A chip's tooltip: the set's name and, for inherited access, the groups. */
export function chipTitle(chip: Chip): string {
  return chipText(chip);
}

// ---- One assignment's state (the checkbox pivots and the cell menu) ------------------------

export interface AssignmentState {
  /** In the snapshot. */
  assigned: boolean;
  staged: ChangeOp | null;
  /** What the checkbox shows: assigned and not staged for removal, or staged for adding. */
  checked: boolean;
  /** Groups (names) giving a user this set in this account. */
  via: string[];
}

export function assignmentState(
  index: MatrixIndex,
  staged: StagedIndex,
  accountId: string,
  principal: Principal,
  psArn: string,
): AssignmentState {
  const key = cellKey(accountId, principal.id);
  const assigned = index.direct.get(key)?.includes(psArn) === true;
  const op = staged.get(key)?.get(psArn) ?? null;
  const checked = op === "create" || (assigned && op !== "delete");
  const via = principal.type === "USER" ? (inheritedAccess(index, accountId, principal.id).get(psArn) ?? []) : [];
  return { assigned, staged: op, checked, via };
}

export function makeAssignment(accountId: string, principal: Pick<Principal, "id" | "type">, psArn: string): Assignment {
  return { account_id: accountId, permission_set_arn: psArn, principal_type: principal.type, principal_id: principal.id };
}

/**
 * What to hand to `stage()` so that each target ends up with `op` done: targets already in
 * that state are skipped; the others give a change (which cancels an opposite staged change,
 * or is new). So "assign" on an assigned cell does nothing, and on a cell staged for removal
 * cancels the removal.
 */
export function stageIntent(index: MatrixIndex, staged: StagedIndex, targets: readonly Assignment[], op: ChangeOp): StagedChange[] {
  const out: StagedChange[] = [];
  for (const a of targets) {
    const key = cellKey(a.account_id, a.principal_id);
    const assigned = index.direct.get(key)?.includes(a.permission_set_arn) === true;
    const current = staged.get(key)?.get(a.permission_set_arn) ?? null;
    const checked = current === "create" || (assigned && current !== "delete");
    if ((op === "create") === checked) continue;
    out.push({ op, assignment: a });
  }
  return out;
}

/** The change that flips one checkbox (see `stageIntent`). */
export function toggleChange(index: MatrixIndex, staged: StagedIndex, accountId: string, principal: Principal, psArn: string): StagedChange {
  const { checked } = assignmentState(index, staged, accountId, principal, psArn);
  return { op: checked ? "delete" : "create", assignment: makeAssignment(accountId, principal, psArn) };
}

// ---- Pivots ------------------------------------------------------------------------------

/**
 * How the matrix is cut: "principal" (accounts × principals, chips), "permission-set"
 * (accounts × principals, one set as checkboxes), "account" (principals × permission sets of
 * one account, checkboxes).
 */
export type Pivot = "principal" | "permission-set" | "account";

export const PIVOTS: readonly { id: Pivot; label: string }[] = [
  { id: "principal", label: "By principal" },
  { id: "permission-set", label: "One permission set" },
  { id: "account", label: "One account" },
];

/** The "one account" grid: principals as rows, the shown permission sets as columns. */
export function accountPivot(index: MatrixIndex, filter: MatrixFilter): { rows: Principal[]; columns: PermissionSetInfo[] } {
  return { rows: visiblePrincipals(index, filter), columns: visiblePermissionSets(index, filter) };
}

/** The permission set a pivot starts on: the one kept, if it still exists, else the first. */
export function pickPermissionSet(index: MatrixIndex, wanted: string | null): string | null {
  if (wanted !== null && index.psByArn.has(wanted)) return wanted;
  return index.permissionSets[0]?.arn ?? null;
}

/** The account a pivot starts on: the one kept, if it still exists, else the first shown. */
export function pickAccount(index: MatrixIndex, wanted: string | null, visible: ReadonlySet<string>): string | null {
  if (wanted !== null && index.accounts.has(wanted)) return wanted;
  for (const a of index.snapshot.accounts) if (visible.has(a.id)) return a.id;
  return index.snapshot.accounts[0]?.id ?? null;
}

// ---- Pending changes, described -----------------------------------------------------------

export interface PendingItem {
  change: StagedChange;
  accountName: string;
  principalName: string;
  principalType: PrincipalType;
  permissionSetName: string;
}

/** The staged changes with names (ids when the snapshot does not know them), adds first. */
export function describeChanges(index: MatrixIndex | null, changes: readonly StagedChange[]): { adds: PendingItem[]; removes: PendingItem[] } {
  const adds: PendingItem[] = [];
  const removes: PendingItem[] = [];
  for (const change of changes) {
    const a = change.assignment;
    const item: PendingItem = {
      change,
      accountName: index?.accounts.get(a.account_id)?.name ?? a.account_id,
      principalName: index?.principalById.get(a.principal_id)?.name ?? a.principal_id,
      principalType: a.principal_type,
      permissionSetName: index?.psByArn.get(a.permission_set_arn)?.name ?? a.permission_set_arn.split("/").pop() ?? a.permission_set_arn,
    };
    (change.op === "create" ? adds : removes).push(item);
  }
  return { adds, removes };
}

// ---- The snapshot's age ------------------------------------------------------------------

/** A cached snapshot older than this is read again when the page opens. */
export const SNAPSHOT_STALE_MS = 5 * 60_000;

/** Whether the page should read AWS again on opening: none, another instance's, or older than 5 min. */
export function snapshotNeedsRefresh(snapshot: Snapshot | null, instanceArn: string | null, now: number): boolean {
  if (snapshot === null) return true;
  if (instanceArn !== null && snapshot.instance_arn !== instanceArn) return true;
  const taken = Date.parse(snapshot.taken_at);
  return Number.isNaN(taken) || now - taken > SNAPSHOT_STALE_MS;
}

/**
 * The account this connection cannot change access to: the organisation's management account,
 * when it is known and not the caller's own (IAM Identity Center refuses a delegated
 * administrator there). The same rule the core's plan applies; here to say so while staging.
 */
export function lockedAccountId(identity: Identity | null, snapshot: Snapshot | null): string | null {
  if (identity === null) return null;
  const management = identity.organization?.management_account_id ?? snapshot?.management_account_id ?? null;
  return management !== null && management !== identity.account_id ? management : null;
}
