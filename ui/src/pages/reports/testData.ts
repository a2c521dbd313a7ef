/**
 * A small organisation for the Reports tests (two OUs deep, groups with members, direct and group
 * access, one administrator set judged by its policies), and a port of the backend's
 * `who_has_what` expansion so the rows match what the real command answers for it.
 */
import type { Assignment, PrincipalType, ReportRow, Snapshot, SnapshotPermissionSet } from "../../backend/api";

export const PS = {
  admin: "arn:aws:sso:::permissionSet/ssoins-1/ps-admin",
  ro: "arn:aws:sso:::permissionSet/ssoins-1/ps-ro",
  /** Administrator-level through an inline policy allowing everything (judged by the backend). */
  breakGlass: "arn:aws:sso:::permissionSet/ssoins-1/ps-break",
};

export const ACC = {
  prodApp: "111111111111",
  euApp: "333333333333",
  sandbox: "444444444444",
  mgmt: "000000000001",
};

function a(account: string, ps: string, type: PrincipalType, principal: string): Assignment {
  return { account_id: account, permission_set_arn: ps, principal_type: type, principal_id: principal };
}

function set(arn: string, name: string, grantsAdmin: boolean): SnapshotPermissionSet {
  return {
    arn,
    name,
    session_duration: "PT1H",
    description: null,
    managed_policy_arns: grantsAdmin && name === "AdministratorAccess" ? ["arn:aws:iam::aws:policy/AdministratorAccess"] : [],
    grants_admin: grantsAdmin,
    definition_loaded: true,
  };
}

export function fixtureSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    taken_at: "2025-03-01T10:00:00Z",
    instance_arn: "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6",
    identity_store_id: "d-1",
    region: "eu-west-1",
    management_account_id: ACC.mgmt,
    root_id: "r-root",
    ous: [
      { id: "ou-prod", name: "Production", parent_id: "r-root", path: "/Production" },
      { id: "ou-eu", name: "EU", parent_id: "ou-prod", path: "/Production/EU" },
      { id: "ou-prodx", name: "ProductionX", parent_id: "r-root", path: "/ProductionX" },
      { id: "ou-sand", name: "Sandbox", parent_id: "r-root", path: "/Sandbox" },
    ],
    accounts: [
      { id: ACC.euApp, name: "eu-app", email: null, status: "ACTIVE", ou_id: "ou-eu", ou_path: "/Production/EU" },
      { id: ACC.mgmt, name: "management", email: null, status: "ACTIVE", ou_id: "r-root", ou_path: "/" },
      { id: ACC.prodApp, name: "prod-app", email: null, status: "ACTIVE", ou_id: "ou-prod", ou_path: "/Production" },
      { id: ACC.sandbox, name: "sandbox", email: null, status: "ACTIVE", ou_id: "ou-prodx", ou_path: "/ProductionX" },
    ],
    groups: [
      { id: "g-admins", display_name: "Admins", description: null, member_user_ids: ["u-alice"] },
      { id: "g-dev", display_name: "Developers", description: null, member_user_ids: ["u-alice", "u-bob"] },
    ],
    users: [
      { id: "u-alice", user_name: "alice@example.com", display_name: "Alice Martin", email: "alice@example.com" },
      { id: "u-bob", user_name: "bob@example.com", display_name: "Bob Stone", email: "bob@example.com" },
      { id: "u-carol", user_name: "carol@example.com", display_name: "Carol Diaz", email: "carol@example.com" },
      { id: "u-dan", user_name: "dan@example.com", display_name: null, email: null },
    ],
    permission_sets: [set(PS.admin, "AdministratorAccess", true), set(PS.breakGlass, "BreakGlass", true), set(PS.ro, "ReadOnly", false)],
    assignments: [
      a(ACC.prodApp, PS.admin, "GROUP", "g-admins"),
      a(ACC.prodApp, PS.ro, "GROUP", "g-dev"),
      a(ACC.prodApp, PS.ro, "USER", "u-carol"),
      a(ACC.euApp, PS.ro, "GROUP", "g-dev"),
      a(ACC.euApp, PS.breakGlass, "USER", "u-bob"),
      a(ACC.sandbox, PS.admin, "USER", "u-alice"),
      a(ACC.mgmt, PS.ro, "USER", "u-carol"),
    ],
    stats: {
      requests: 12,
      requests_by_operation: {},
      strategy: "per_account_permission_set",
      strategy_reason: "few accounts",
      throttled_retries: 0,
      seconds: 1,
    },
    ...overrides,
  };
}

/** The backend's `who_has_what`: each assignment, and a group's once per member (via the group). */
export function whoHasWhatOf(s: Snapshot): ReportRow[] {
  const accounts = new Map(s.accounts.map((x) => [x.id, x]));
  const sets = new Map(s.permission_sets.map((x) => [x.arn, x.name]));
  const users = new Map(s.users.map((x) => [x.id, x.user_name]));
  const groups = new Map(s.groups.map((x) => [x.id, x]));
  const rows: ReportRow[] = [];
  for (const asg of s.assignments) {
    const acc = accounts.get(asg.account_id);
    const base = {
      account_id: asg.account_id,
      account_name: acc?.name ?? asg.account_id,
      ou_path: acc?.ou_path ?? "",
      permission_set_arn: asg.permission_set_arn,
      permission_set_name: sets.get(asg.permission_set_arn) ?? asg.permission_set_arn,
    };
    if (asg.principal_type === "USER") {
      rows.push({
        ...base,
        principal_type: "USER",
        principal_id: asg.principal_id,
        principal_name: users.get(asg.principal_id) ?? asg.principal_id,
        access: "direct",
        via_group: null,
      });
    } else {
      const g = groups.get(asg.principal_id);
      const name = g?.display_name ?? asg.principal_id;
      rows.push({ ...base, principal_type: "GROUP", principal_id: asg.principal_id, principal_name: name, access: "direct", via_group: null });
      for (const m of g?.member_user_ids ?? []) {
        rows.push({ ...base, principal_type: "USER", principal_id: m, principal_name: users.get(m) ?? m, access: "group", via_group: name });
      }
    }
  }
  const key = (r: ReportRow) =>
    [r.account_name, r.account_id, r.permission_set_name, r.principal_type, r.principal_name, r.access, r.via_group ?? ""].join("\u0000");
  return rows.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}
