/** A small organisation for the assignments tests: OUs two deep, groups with members, direct and group access. */
import type { Assignment, PrincipalType, Snapshot } from "../../backend/api";

export const PS = {
  admin: "arn:aws:sso:::permissionSet/ssoins-1/ps-admin",
  ro: "arn:aws:sso:::permissionSet/ssoins-1/ps-ro",
  audit: "arn:aws:sso:::permissionSet/ssoins-1/ps-audit",
  power: "arn:aws:sso:::permissionSet/ssoins-1/ps-power",
};

export const ACC = {
  mgmt: "000000000001",
  prodApp: "111111111111",
  prodData: "222222222222",
  euApp: "333333333333",
  sandbox: "444444444444",
};

export const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-1";

function a(account: string, ps: string, type: PrincipalType, principal: string): Assignment {
  return { account_id: account, permission_set_arn: ps, principal_type: type, principal_id: principal };
}

export function fixtureSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    taken_at: "2025-03-01T10:00:00Z",
    instance_arn: INSTANCE_ARN,
    identity_store_id: "d-1",
    region: "eu-west-1",
    management_account_id: ACC.mgmt,
    root_id: "r-root",
    ous: [
      { id: "ou-empty", name: "Empty", parent_id: "r-root", path: "/Empty" },
      { id: "ou-prod", name: "Production", parent_id: "r-root", path: "/Production" },
      { id: "ou-eu", name: "EU", parent_id: "ou-prod", path: "/Production/EU" },
      { id: "ou-sand", name: "Sandbox", parent_id: "r-root", path: "/Sandbox" },
    ],
    accounts: [
      { id: ACC.euApp, name: "eu-app", email: null, status: "ACTIVE", ou_id: "ou-eu", ou_path: "/Production/EU" },
      { id: ACC.mgmt, name: "management", email: null, status: "ACTIVE", ou_id: "r-root", ou_path: "/" },
      { id: ACC.prodApp, name: "prod-app", email: null, status: "ACTIVE", ou_id: "ou-prod", ou_path: "/Production" },
      { id: ACC.prodData, name: "prod-data", email: null, status: "ACTIVE", ou_id: "ou-prod", ou_path: "/Production" },
      { id: ACC.sandbox, name: "sandbox-1", email: null, status: "ACTIVE", ou_id: "ou-sand", ou_path: "/Sandbox" },
    ],
    groups: [
      { id: "g-admins", display_name: "Admins", description: null, member_user_ids: ["u-alice"] },
      { id: "g-aud", display_name: "Auditors", description: null, member_user_ids: [] },
      { id: "g-dev", display_name: "Developers", description: null, member_user_ids: ["u-alice", "u-bob"] },
    ],
    users: [
      { id: "u-alice", user_name: "alice@example.com", display_name: "Alice Liddell", email: "alice@example.com" },
      { id: "u-bob", user_name: "bob@example.com", display_name: "Bob", email: "robert@corp.example" },
    ],
    permission_sets: [
      { arn: PS.admin, name: "AdministratorAccess", session_duration: "PT1H", description: null },
      { arn: PS.power, name: "PowerUserAccess", session_duration: "PT1H", description: null },
      { arn: PS.ro, name: "ReadOnlyAccess", session_duration: "PT8H", description: null },
      { arn: PS.audit, name: "SecurityAudit", session_duration: "PT8H", description: null },
    ],
    assignments: [
      a(ACC.prodApp, PS.admin, "GROUP", "g-admins"),
      a(ACC.prodApp, PS.ro, "GROUP", "g-dev"),
      a(ACC.prodApp, PS.audit, "GROUP", "g-aud"),
      a(ACC.prodApp, PS.ro, "USER", "u-bob"),
      a(ACC.prodData, PS.admin, "GROUP", "g-admins"),
      a(ACC.prodData, PS.audit, "GROUP", "g-aud"),
      a(ACC.prodData, PS.power, "USER", "u-alice"),
      a(ACC.euApp, PS.power, "GROUP", "g-dev"),
      a(ACC.euApp, PS.ro, "GROUP", "g-dev"),
    ],
    stats: {
      requests: 42,
      requests_by_operation: {},
      strategy: "per_principal",
      strategy_reason: "test",
      throttled_retries: 0,
      seconds: 1,
    },
    ...overrides,
  };
}
