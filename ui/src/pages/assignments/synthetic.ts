/**
 * A deterministic, realistic-looking snapshot of any size, for benchmarks (render 3,000
 * accounts × 500 principals in the real webview) and for tests. Same arguments, same snapshot:
 * a seeded generator, no clock, no randomness from the platform.
 */
import type { Assignment, Snapshot, SnapshotAccount, SnapshotGroup, SnapshotOu, SnapshotPermissionSet, SnapshotUser } from "../../backend/api";

/** mulberry32: small, fast, good enough to spread synthetic data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SET_NAMES = [
  "AdministratorAccess",
  "ReadOnlyAccess",
  "PowerUserAccess",
  "ViewOnlyAccess",
  "SecurityAudit",
  "Billing",
  "DataEngineer",
  "NetworkAdministrator",
  "DatabaseAdministrator",
  "SupportUser",
  "SystemAdministrator",
  "DataScientist",
];
const OU_NAMES = ["Workloads", "Production", "Staging", "Development", "Sandbox", "Security", "Infrastructure", "Data", "Suspended", "Shared"];
const WORDS = ["app", "data", "api", "web", "ml", "edge", "core", "pay", "auth", "logs", "search", "batch"];

const INSTANCE = "arn:aws:sso:::instance/ssoins-0000000000000000";
const ROOT = "r-synt";

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * `accounts` accounts in an OU tree (about one OU per 40 accounts, up to 3 levels, a few
 * accounts in the root), `principals` principals (about a fifth groups, the rest users, each
 * user in 1–3 groups), `permissionSets` sets and `assignments` distinct assignments (at most
 * accounts × principals × sets), two thirds of them to groups.
 */
export function syntheticSnapshot(accounts: number, principals: number, permissionSets: number, assignments: number): Snapshot {
  const random = rng(0x9e3779b9 ^ (accounts * 31 + principals * 7 + permissionSets * 3 + assignments));
  const pick = (n: number) => Math.floor(random() * n);

  // OUs: a few top-level ones, then children under earlier OUs (depth ≤ 3).
  const ouCount = accounts === 0 ? 0 : Math.max(1, Math.round(accounts / 40));
  const ous: (SnapshotOu & { depth: number })[] = [];
  for (let i = 0; i < ouCount; i++) {
    const base = OU_NAMES[i % OU_NAMES.length] as string;
    const name = i < OU_NAMES.length ? base : `${base}-${Math.floor(i / OU_NAMES.length)}`;
    const candidates = ous.filter((o) => o.depth < 3);
    const parent = i < 3 || candidates.length === 0 ? null : (candidates[pick(candidates.length)] ?? null);
    ous.push({
      id: `ou-synt-${pad(i, 8)}`,
      name,
      parent_id: parent?.id ?? ROOT,
      path: `${parent?.path ?? ""}/${name}`,
      depth: (parent?.depth ?? 0) + 1,
    });
  }

  const accountList: SnapshotAccount[] = [];
  for (let i = 0; i < accounts; i++) {
    const inRoot = ous.length === 0 || random() < 0.05;
    const ou = inRoot ? null : ous[pick(ous.length)];
    const word = WORDS[i % WORDS.length] as string;
    accountList.push({
      id: String(100000000000 + i * 7919).padStart(12, "0"),
      name: `${word}-${ou?.name.toLowerCase() ?? "root"}-${pad(i, 4)}`,
      email: `aws+${pad(i, 4)}@example.com`,
      status: "ACTIVE",
      ou_id: ou?.id ?? ROOT,
      ou_path: ou?.path ?? "/",
    });
  }

  const groupCount = principals === 0 ? 0 : Math.max(1, Math.round(principals / 5));
  const userCount = principals - groupCount;
  const users: SnapshotUser[] = [];
  for (let i = 0; i < userCount; i++) {
    users.push({
      id: `u-${pad(i, 8)}-0000-0000-0000-000000000000`,
      user_name: `user${pad(i, 4)}@example.com`,
      display_name: `User ${i}`,
      email: `user${pad(i, 4)}@example.com`,
    });
  }
  const members: string[][] = Array.from({ length: groupCount }, () => []);
  for (const u of users) {
    const n = 1 + pick(3);
    for (let k = 0; k < n; k++) {
      const list = members[pick(groupCount)] as string[];
      if (!list.includes(u.id)) list.push(u.id);
    }
  }
  const groups: SnapshotGroup[] = members.map((m, i) => ({
    id: `g-${pad(i, 8)}-0000-0000-0000-000000000000`,
    display_name: `${["Team", "Ops", "Audit", "Data"][i % 4]}-${pad(i, 3)}`,
    description: null,
    member_user_ids: [...m].sort(),
  }));

  const sets: SnapshotPermissionSet[] = [];
  for (let i = 0; i < permissionSets; i++) {
    const base = SET_NAMES[i % SET_NAMES.length] as string;
    sets.push({
      arn: `${INSTANCE.replace(":instance/", ":permissionSet/")}/ps-${pad(i, 16)}`,
      name: i < SET_NAMES.length ? base : `${base}${Math.floor(i / SET_NAMES.length) + 1}`,
      session_duration: "PT8H",
      description: null,
    });
  }

  const capacity = accounts * principals * permissionSets;
  const wanted = Math.min(assignments, capacity);
  const seen = new Set<string>();
  const list: Assignment[] = [];
  const pickPrincipal = (): { type: "GROUP" | "USER"; id: string } => {
    const toGroup = groups.length > 0 && (users.length === 0 || random() < 2 / 3);
    if (toGroup) return { type: "GROUP", id: (groups[pick(groups.length)] as SnapshotGroup).id };
    return { type: "USER", id: (users[pick(users.length)] as SnapshotUser).id };
  };
  // Random draws first; when the space is nearly full, a sweep fills what is left.
  let attempts = 0;
  while (list.length < wanted && attempts < wanted * 4) {
    attempts++;
    const account = accountList[pick(accountList.length)] as SnapshotAccount;
    const p = pickPrincipal();
    const set = sets[Math.min(sets.length - 1, Math.floor(random() * random() * sets.length))] as SnapshotPermissionSet;
    const key = `${account.id}|${p.id}|${set.arn}`;
    if (seen.has(key)) continue;
    seen.add(key);
    list.push({ account_id: account.id, permission_set_arn: set.arn, principal_type: p.type, principal_id: p.id });
  }
  const allPrincipals = [...groups.map((g) => ({ type: "GROUP" as const, id: g.id })), ...users.map((u) => ({ type: "USER" as const, id: u.id }))];
  outer: for (const account of accountList) {
    for (const p of allPrincipals) {
      for (const set of sets) {
        if (list.length >= wanted) break outer;
        const key = `${account.id}|${p.id}|${set.arn}`;
        if (seen.has(key)) continue;
        seen.add(key);
        list.push({ account_id: account.id, permission_set_arn: set.arn, principal_type: p.type, principal_id: p.id });
      }
    }
  }
  list.sort(
    (a, b) =>
      a.account_id.localeCompare(b.account_id) ||
      a.permission_set_arn.localeCompare(b.permission_set_arn) ||
      a.principal_type.localeCompare(b.principal_type) ||
      a.principal_id.localeCompare(b.principal_id),
  );

  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    taken_at: "2025-01-01T00:00:00Z",
    instance_arn: INSTANCE,
    identity_store_id: "d-0000000000",
    region: "eu-west-1",
    management_account_id: accountList[0]?.id ?? null,
    root_id: ROOT,
    ous: ous.map((o) => ({ id: o.id, name: o.name, parent_id: o.parent_id, path: o.path })).sort((a, b) => cmp(a.path, b.path)),
    accounts: accountList.sort((a, b) => cmp(a.name, b.name) || cmp(a.id, b.id)),
    groups: groups.sort((a, b) => cmp(a.display_name, b.display_name) || cmp(a.id, b.id)),
    users: users.sort((a, b) => cmp(a.user_name, b.user_name) || cmp(a.id, b.id)),
    permission_sets: sets.sort((a, b) => cmp(a.name, b.name) || cmp(a.arn, b.arn)),
    assignments: list,
    stats: {
      requests: 0,
      requests_by_operation: {},
      strategy: "per_principal",
      strategy_reason: "Synthetic data: nothing was read from AWS.",
      throttled_retries: 0,
      seconds: null,
    },
  };
}
