/** The report's pure logic: filters (user with group access, group, account, OU, set, text), admin view, totals, exports. */
import { describe, expect, it } from "vitest";
import type { ReportRow } from "../../backend/api";
import {
  accessText,
  adminByAccount,
  adminPermissionSets,
  describeTotals,
  exactUser,
  exportFileName,
  filterRows,
  inOu,
  indexRows,
  isAdminSet,
  isFiltered,
  matchUsers,
  NO_FILTER,
  ouChoices,
  reportContext,
  totals,
  userOptions,
  userSummary,
  type ReportFilter,
} from "./model";
import { ACC, fixtureSnapshot, PS, whoHasWhatOf } from "./testData";

const snapshot = fixtureSnapshot();
const rows = whoHasWhatOf(snapshot);
const indexed = indexRows(rows);
const ctx = reportContext(snapshot);
const run = (f: Partial<ReportFilter>) => filterRows(indexed, { ...NO_FILTER, ...f }, ctx);
const describeRow = (r: ReportRow) => `${r.account_name} ${r.permission_set_name} ${r.principal_name} ${accessText(r)}`;

describe("filters", () => {
  it("passes every row through without a filter, in the backend's order", () => {
    expect(isFiltered(NO_FILTER)).toBe(false);
    expect(run({})).toEqual(rows);
    expect(rows).toHaveLength(12);
  });

  it("shows a user's direct access and the access inherited through groups, naming the group", () => {
    const alice = run({ userId: "u-alice" });
    expect(alice.map(describeRow)).toEqual([
      "eu-app ReadOnly alice@example.com via Developers",
      "prod-app AdministratorAccess alice@example.com via Admins",
      "prod-app ReadOnly alice@example.com via Developers",
      "sandbox AdministratorAccess alice@example.com direct",
    ]);
    // Group rows themselves are not the user's.
    expect(alice.every((r) => r.principal_type === "USER")).toBe(true);
  });

  it("shows a group's own assignments and its members' access through it", () => {
    expect(run({ groupId: "g-dev" }).map(describeRow)).toEqual([
      "eu-app ReadOnly Developers direct",
      "eu-app ReadOnly alice@example.com via Developers",
      "eu-app ReadOnly bob@example.com via Developers",
      "prod-app ReadOnly Developers direct",
      "prod-app ReadOnly alice@example.com via Developers",
      "prod-app ReadOnly bob@example.com via Developers",
    ]);
  });

  it("filters by account, permission set, and combines filters", () => {
    expect(new Set(run({ accountId: ACC.euApp }).map((r) => r.account_id))).toEqual(new Set([ACC.euApp]));
    expect(run({ permissionSetArn: PS.breakGlass }).map(describeRow)).toEqual(["eu-app BreakGlass bob@example.com direct"]);
    expect(run({ userId: "u-alice", accountId: ACC.prodApp }).map(describeRow)).toEqual([
      "prod-app AdministratorAccess alice@example.com via Admins",
      "prod-app ReadOnly alice@example.com via Developers",
    ]);
  });

  it("filters by OU path prefix: the OU and below, never a sibling sharing the prefix", () => {
    expect(inOu("/Production", "/Production")).toBe(true);
    expect(inOu("/Production/EU", "/Production")).toBe(true);
    expect(inOu("/ProductionX", "/Production")).toBe(false);
    expect(inOu("/Production", "/")).toBe(false);
    expect(inOu("/", "/")).toBe(true);
    expect(new Set(run({ ouPath: "/Production" }).map((r) => r.account_name))).toEqual(new Set(["prod-app", "eu-app"]));
    expect(new Set(run({ ouPath: "/" }).map((r) => r.account_name))).toEqual(new Set(["management"]));
  });

  it("searches free text: every word must appear (case-insensitive), including the group a user's access comes through", () => {
    expect(run({ search: "BOB breakglass" }).map(describeRow)).toEqual(["eu-app BreakGlass bob@example.com direct"]);
    expect(run({ search: "via admins" }).map(describeRow)).toEqual(["prod-app AdministratorAccess alice@example.com via Admins"]);
    expect(run({ search: ACC.mgmt }).map((r) => r.account_name)).toEqual(["management"]);
    expect(run({ search: "nobody-like-this" })).toEqual([]);
    expect(isFiltered({ ...NO_FILTER, search: "  " })).toBe(false);
  });
});

describe("administrator-level access", () => {
  it("takes the backend's judgement (grants_admin), also for sets not named AdministratorAccess", () => {
    const admin = adminPermissionSets(snapshot);
    expect(admin.sets.map((s) => s.name)).toEqual(["AdministratorAccess", "BreakGlass"]);
    expect(admin.judged).toBe(true);
  });

  it("falls back to the name and the AdministratorAccess policy for snapshots kept before definitions were read", () => {
    const old = { arn: "x", name: "AdministratorAccess", session_duration: null, description: null };
    expect(isAdminSet(old)).toBe(true);
    expect(isAdminSet({ ...old, name: "Ops", managed_policy_arns: ["arn:aws:iam::aws:policy/AdministratorAccess"] })).toBe(true);
    expect(isAdminSet({ ...old, name: "Ops" })).toBe(false);
    // Judged by the backend: a set named AdministratorAccess that grants nothing is not admin.
    expect(isAdminSet({ ...old, definition_loaded: true, grants_admin: false })).toBe(false);
    expect(adminPermissionSets({ permission_sets: [old] }).judged).toBe(false);
  });

  it("lists the users (direct or via a group) holding them, per account, without group rows", () => {
    const view = run({ adminOnly: true });
    expect(view.map(describeRow)).toEqual([
      "eu-app BreakGlass bob@example.com direct",
      "prod-app AdministratorAccess alice@example.com via Admins",
      "sandbox AdministratorAccess alice@example.com direct",
    ]);
    expect(adminByAccount(view, ctx.adminArns)).toEqual([
      {
        accountId: ACC.euApp,
        accountName: "eu-app",
        ouPath: "/Production/EU",
        users: [{ userId: "u-bob", userName: "bob@example.com", grants: ["BreakGlass (direct)"] }],
      },
      {
        accountId: ACC.prodApp,
        accountName: "prod-app",
        ouPath: "/Production",
        users: [{ userId: "u-alice", userName: "alice@example.com", grants: ["AdministratorAccess (via Admins)"] }],
      },
      {
        accountId: ACC.sandbox,
        accountName: "sandbox",
        ouPath: "/ProductionX",
        users: [{ userId: "u-alice", userName: "alice@example.com", grants: ["AdministratorAccess (direct)"] }],
      },
    ]);
  });
});

describe("totals and summaries", () => {
  it("counts rows, distinct accounts, principals and users with access", () => {
    const t = totals(rows);
    expect(t).toEqual({ rows: 12, accounts: 4, principals: 5, users: 3 });
    expect(describeTotals(t)).toBe("12 rows · 4 accounts · 5 principals · 3 users with access");
    expect(describeTotals(totals(run({ permissionSetArn: PS.breakGlass })))).toBe("1 row · 1 account · 1 principal · 1 user with access");
    expect(totals([])).toEqual({ rows: 0, accounts: 0, principals: 0, users: 0 });
  });

  it("summarises a user's access: accounts, direct, inherited and through which groups", () => {
    expect(userSummary(rows, "u-alice")).toEqual({ accounts: 3, direct: 1, inherited: 3, viaGroups: ["Admins", "Developers"] });
    expect(userSummary(rows, "u-dan")).toEqual({ accounts: 0, direct: 0, inherited: 0, viaGroups: [] });
  });
});

describe("the user picker", () => {
  const options = userOptions(snapshot);

  it("matches user name, display name and email", () => {
    expect(matchUsers(options, "alice").map((o) => o.id)).toEqual(["u-alice"]);
    expect(matchUsers(options, "stone").map((o) => o.id)).toEqual(["u-bob"]);
    expect(matchUsers(options, "example.com").map((o) => o.id)).toEqual(["u-alice", "u-bob", "u-carol", "u-dan"]);
    expect(matchUsers(options, "example.com", 2)).toHaveLength(2);
    expect(options.find((o) => o.id === "u-alice")?.detail).toBe("Alice Martin");
    expect(options.find((o) => o.id === "u-dan")?.detail).toBe("");
  });

  it("recognises an exact user name, case-insensitively", () => {
    expect(exactUser(options, " Alice@Example.com ")?.id).toBe("u-alice");
    expect(exactUser(options, "alice")).toBeNull();
    expect(exactUser(options, "")).toBeNull();
  });

  it("offers the root's own accounts and every OU", () => {
    expect(ouChoices(snapshot).map((o) => o.path)).toEqual(["/", "/Production", "/Production/EU", "/ProductionX", "/Sandbox"]);
  });
});

describe("export", () => {
  it("exports exactly the filtered rows, as the backend sent them", () => {
    const chosen = run({ userId: "u-alice", ouPath: "/Production" });
    expect(chosen).toHaveLength(3);
    // The same objects: nothing is reshaped before it goes to save_report.
    for (const r of chosen) expect(rows).toContain(r);
  });

  it("names the file after what was exported and the date", () => {
    const now = new Date("2025-06-01T12:00:00Z");
    expect(exportFileName(NO_FILTER, {}, "csv", now)).toBe("gatehouse-access-2025-06-01.csv");
    expect(exportFileName({ ...NO_FILTER, userId: "u-alice" }, { user: "alice@example.com" }, "json", now)).toBe(
      "gatehouse-access-alice-example-com-2025-06-01.json",
    );
    expect(exportFileName({ ...NO_FILTER, adminOnly: true, groupId: "g" }, { group: "Platform Admins" }, "csv", now)).toBe(
      "gatehouse-admin-access-platform-admins-2025-06-01.csv",
    );
  });
});
