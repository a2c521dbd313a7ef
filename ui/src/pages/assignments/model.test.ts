/** The matrix model: indexes, OU rows, columns, chips, inherited access, filters, pivots, staging intents. */
import { describe, expect, it } from "vitest";
import { stageInto, type StagedChange } from "../../state/staging";
import {
  accountLabel,
  accountMatches,
  accountPivot,
  accountsInOu,
  allOuIds,
  assignmentState,
  buildIndex,
  buildRows,
  cellChips,
  cellKey,
  cellLabel,
  describeChanges,
  filtersAccounts,
  indexStaged,
  inheritedAccess,
  makeAssignment,
  NO_FILTER,
  ouSubtree,
  PALETTE_SIZE,
  permissionSetFilter,
  pickAccount,
  pickPermissionSet,
  shortLabel,
  snapshotNeedsRefresh,
  SNAPSHOT_STALE_MS,
  stageIntent,
  toggleChange,
  uniqueShortLabels,
  visibleAccounts,
  visiblePermissionSets,
  visiblePrincipals,
  type MatrixIndex,
  type MatrixRow,
  type Principal,
} from "./model";
import { ACC, fixtureSnapshot, INSTANCE_ARN, PS } from "./testData";

const index = buildIndex(fixtureSnapshot());
const principal = (id: string): Principal => {
  const p = index.principalById.get(id);
  if (p === undefined) throw new Error(`no principal ${id}`);
  return p;
};
const everyAccount = () => visibleAccounts(index, NO_FILTER);

/** Rows as short strings: "ou:Production(3)", "  prod-app". */
function describeRows(rows: readonly MatrixRow[]): string[] {
  return rows.map((r) =>
    r.kind === "ou"
      ? `${"  ".repeat(r.depth)}ou:${r.name}(${r.count})${r.collapsed ? "+" : ""}`
      : `${"  ".repeat(r.depth)}${r.account.name}`,
  );
}

const chipsOf = (idx: MatrixIndex, staged: StagedChange[], account: string, p: string, only: ReadonlySet<string> | null = null) =>
  cellChips(idx, indexStaged(staged), account, principal(p), only).map((c) => `${c.state}:${c.ps.short}${c.via.length > 0 ? `<${c.via.join("+")}` : ""}`);

describe("short labels and colours", () => {
  it("abbreviates permission set names", () => {
    expect(shortLabel("AdministratorAccess")).toBe("Adm");
    expect(shortLabel("ReadOnlyAccess")).toBe("RO");
    expect(shortLabel("PowerUserAccess")).toBe("PU");
    expect(shortLabel("SecurityAudit")).toBe("SA");
    expect(shortLabel("Billing")).toBe("Bil");
    expect(shortLabel("AWSAdministratorAccess")).toBe("AA");
    expect(shortLabel("data-engineer")).toBe("DE");
    expect(shortLabel("Access")).toBe("Acc");
    expect(shortLabel("Team2Admin")).toBe("T2A");
  });

  it("makes labels unique", () => {
    expect(uniqueShortLabels(["ReadOnlyAccess", "RestrictedOps", "ReadOnly", "Billing"])).toEqual(["RO", "RO2", "RO3", "Bil"]);
  });

  it("orders sets by name and gives colours by that order", () => {
    expect(index.permissionSets.map((p) => [p.name, p.order, p.colour, p.short])).toEqual([
      ["AdministratorAccess", 0, 0, "Adm"],
      ["PowerUserAccess", 1, 1, "PU"],
      ["ReadOnlyAccess", 2, 2, "RO"],
      ["SecurityAudit", 3, 3, "SA"],
    ]);
  });

  it("keeps colours stable whatever order the snapshot lists sets in, and cycles the palette", () => {
    const snap = fixtureSnapshot();
    const reversed = buildIndex({ ...snap, permission_sets: [...snap.permission_sets].reverse() });
    expect(reversed.psByArn.get(PS.ro)?.colour).toBe(index.psByArn.get(PS.ro)?.colour);
    const many = buildIndex({
      ...snap,
      permission_sets: Array.from({ length: PALETTE_SIZE + 2 }, (_, i) => ({
        arn: `arn:ps-${String(i).padStart(2, "0")}`,
        name: `Set${String(i).padStart(2, "0")}`,
        session_duration: null,
        description: null,
      })),
    });
    expect(many.permissionSets.map((p) => p.colour).slice(PALETTE_SIZE - 1)).toEqual([PALETTE_SIZE - 1, 0, 1]);
  });
});

describe("columns", () => {
  it("lists groups then users, each by name", () => {
    expect(index.principals.map((p) => `${p.type}:${p.name}`)).toEqual([
      "GROUP:Admins",
      "GROUP:Auditors",
      "GROUP:Developers",
      "USER:alice@example.com",
      "USER:bob@example.com",
    ]);
    expect(principal("g-dev").detail).toBe("2 members");
    expect(principal("u-alice").detail).toBe("Alice Liddell");
    expect(principal("u-bob").detail).toBe("Bob");
  });

  it("sorts groups even when the snapshot does not", () => {
    const snap = fixtureSnapshot();
    const idx = buildIndex({ ...snap, groups: [...snap.groups].reverse(), users: [...snap.users].reverse() });
    expect(idx.principals.map((p) => p.id)).toEqual(index.principals.map((p) => p.id));
  });

  it("filters by name, display name, email and kind", () => {
    const names = (f: Partial<typeof NO_FILTER>) => visiblePrincipals(index, { ...NO_FILTER, ...f }).map((p) => p.name);
    expect(names({ principal: "dev" })).toEqual(["Developers"]);
    expect(names({ principal: "LIDDELL" })).toEqual(["alice@example.com"]);
    expect(names({ principal: "corp.example" })).toEqual(["bob@example.com"]);
    expect(names({ principalKind: "GROUP" })).toEqual(["Admins", "Auditors", "Developers"]);
    expect(names({ principalKind: "USER", principal: "a" })).toEqual(["alice@example.com", "bob@example.com"]);
    expect(names({ principal: "nobody" })).toEqual([]);
  });
});

describe("OU rows", () => {
  it("puts root accounts first, then OUs by name with their accounts and sub-OUs, indented", () => {
    const rows = buildRows(index, everyAccount(), new Set(), false);
    expect(describeRows(rows)).toEqual([
      "management",
      "ou:Empty(0)",
      "ou:Production(3)",
      "  prod-app",
      "  prod-data",
      "  ou:EU(1)",
      "    eu-app",
      "ou:Sandbox(1)",
      "  sandbox-1",
    ]);
  });

  it("collapses an OU with everything below it and keeps its count", () => {
    expect(describeRows(buildRows(index, everyAccount(), new Set(["ou-prod"]), false))).toEqual([
      "management",
      "ou:Empty(0)",
      "ou:Production(3)+",
      "ou:Sandbox(1)",
      "  sandbox-1",
    ]);
    expect(describeRows(buildRows(index, everyAccount(), new Set(["ou-eu"]), false))).toContain("  ou:EU(1)+");
    expect(describeRows(buildRows(index, everyAccount(), new Set(allOuIds(index)), false))).toEqual([
      "management",
      "ou:Empty(0)+",
      "ou:Production(3)+",
      "ou:Sandbox(1)+",
    ]);
  });

  it("counts only the shown accounts and hides OUs without any while filtering", () => {
    const filter = { ...NO_FILTER, account: "app" };
    expect(filtersAccounts(filter)).toBe(true);
    expect(describeRows(buildRows(index, visibleAccounts(index, filter), new Set(), true))).toEqual([
      "ou:Production(2)",
      "  prod-app",
      "  ou:EU(1)",
      "    eu-app",
    ]);
  });

  it("treats accounts in an unknown OU as root accounts and survives a parent cycle", () => {
    const snap = fixtureSnapshot();
    const idx = buildIndex({
      ...snap,
      ous: [...snap.ous, { id: "ou-a", name: "A", parent_id: "ou-b", path: "/A" }, { id: "ou-b", name: "B", parent_id: "ou-a", path: "/B" }],
      accounts: [...snap.accounts, { id: "555555555555", name: "lost", email: null, status: null, ou_id: "ou-gone", ou_path: "/Gone" }],
    });
    expect(idx.rootAccounts).toContain("555555555555");
    expect(ouSubtree(idx, "ou-a")).toEqual(["ou-a", "ou-b"]);
    // Neither is reachable from the root, so neither is a row; nothing loops.
    expect(describeRows(buildRows(idx, visibleAccounts(idx, NO_FILTER), new Set(), false))[1]).toBe("lost");
  });

  it("expands an OU to its accounts and those of its sub-OUs", () => {
    expect(ouSubtree(index, "ou-prod")).toEqual(["ou-prod", "ou-eu"]);
    expect(accountsInOu(index, "ou-prod")).toEqual([ACC.prodApp, ACC.prodData, ACC.euApp]);
    expect(accountsInOu(index, "ou-prod", new Set([ACC.euApp]))).toEqual([ACC.euApp]);
    expect(accountsInOu(index, "ou-empty")).toEqual([]);
  });
});

describe("account filters", () => {
  it("matches names and ids (dashes ignored)", () => {
    const prodApp = index.accounts.get(ACC.prodApp);
    if (prodApp === undefined) throw new Error("fixture");
    expect(accountMatches(prodApp, "PROD")).toBe(true);
    expect(accountMatches(prodApp, "1111-1111")).toBe(true);
    expect(accountMatches(prodApp, "2222")).toBe(false);
    expect(accountMatches(prodApp, "  ")).toBe(true);
  });

  it("narrows to an OU and below", () => {
    expect([...visibleAccounts(index, { ...NO_FILTER, ouId: "ou-prod" })].sort()).toEqual([ACC.prodApp, ACC.prodData, ACC.euApp].sort());
    expect([...visibleAccounts(index, { ...NO_FILTER, ouId: "ou-prod", account: "data" })]).toEqual([ACC.prodData]);
    expect(visibleAccounts(index, { ...NO_FILTER, account: "nothing" }).size).toBe(0);
  });

  it("narrows the permission sets shown", () => {
    const filter = { ...NO_FILTER, permissionSetArns: [PS.ro, PS.admin] };
    expect(visiblePermissionSets(index, filter).map((p) => p.name)).toEqual(["AdministratorAccess", "ReadOnlyAccess"]);
    expect(visiblePermissionSets(index, NO_FILTER)).toHaveLength(4);
    expect(permissionSetFilter(NO_FILTER)).toBeNull();
    expect([...(permissionSetFilter(filter) ?? [])]).toEqual([PS.ro, PS.admin]);
  });
});

describe("cells", () => {
  it("indexes direct assignments by account|principal in chip order", () => {
    expect(index.direct.get(cellKey(ACC.euApp, "g-dev"))).toEqual([PS.power, PS.ro]);
    expect(index.direct.get(cellKey(ACC.sandbox, "g-dev"))).toBeUndefined();
  });

  it("shows one chip per set, in set order", () => {
    expect(chipsOf(index, [], ACC.euApp, "g-dev")).toEqual(["assigned:PU", "assigned:RO"]);
    expect(chipsOf(index, [], ACC.sandbox, "g-dev")).toEqual([]);
  });

  it("shows a user's access through groups, naming the groups, unless the user holds it directly", () => {
    expect(chipsOf(index, [], ACC.prodApp, "u-alice")).toEqual(["inherited:Adm<Admins", "inherited:RO<Developers"]);
    expect(chipsOf(index, [], ACC.prodData, "u-alice")).toEqual(["inherited:Adm<Admins", "assigned:PU"]);
    expect(chipsOf(index, [], ACC.prodApp, "u-bob")).toEqual(["assigned:RO"]);
    expect([...inheritedAccess(index, ACC.prodApp, "u-bob")]).toEqual([[PS.ro, ["Developers"]]]);
  });

  it("names every group giving the same set", () => {
    const snap = fixtureSnapshot();
    const idx = buildIndex({
      ...snap,
      assignments: [...snap.assignments, makeAssignment(ACC.prodApp, { id: "g-admins", type: "GROUP" }, PS.ro)],
    });
    expect(chipsOf(idx, [], ACC.prodApp, "u-alice")).toEqual(["inherited:Adm<Admins", "inherited:RO<Admins+Developers"]);
  });

  it("draws staged adds and removals", () => {
    const staged: StagedChange[] = [
      { op: "delete", assignment: makeAssignment(ACC.euApp, principal("g-dev"), PS.ro) },
      { op: "create", assignment: makeAssignment(ACC.euApp, principal("g-dev"), PS.admin) },
    ];
    expect(chipsOf(index, staged, ACC.euApp, "g-dev")).toEqual(["added:Adm", "assigned:PU", "removed:RO"]);
  });

  it("keeps only the filtered sets' chips", () => {
    expect(chipsOf(index, [], ACC.prodApp, "u-alice", new Set([PS.ro]))).toEqual(["inherited:RO<Developers"]);
    expect(chipsOf(index, [], ACC.euApp, "g-dev", new Set([PS.audit]))).toEqual([]);
  });

  it("names a cell for screen readers", () => {
    const account = index.accounts.get(ACC.prodApp);
    if (account === undefined) throw new Error("fixture");
    const chips = cellChips(index, new Map(), ACC.prodApp, principal("u-alice"));
    expect(cellLabel(account, principal("g-dev"), cellChips(index, new Map(), ACC.prodApp, principal("g-dev")))).toBe(
      "prod-app (111111111111) × Developers: ReadOnlyAccess",
    );
    expect(cellLabel(account, principal("u-alice"), chips)).toBe(
      "prod-app (111111111111) × alice@example.com: AdministratorAccess (via group Admins), ReadOnlyAccess (via group Developers)",
    );
    expect(cellLabel(account, principal("g-aud"), [])).toBe("prod-app (111111111111) × Auditors: no access");
    expect(accountLabel(account)).toBe("prod-app (111111111111)");
  });
});

describe("staging a toggle", () => {
  const dev = () => principal("g-dev");

  it("stages a removal for an assigned set, and toggling back cancels it", () => {
    let changes: StagedChange[] = [];
    const first = toggleChange(index, indexStaged(changes), ACC.prodApp, dev(), PS.ro);
    expect(first).toEqual({ op: "delete", assignment: makeAssignment(ACC.prodApp, dev(), PS.ro) });
    changes = stageInto(changes, [first]);
    expect(assignmentState(index, indexStaged(changes), ACC.prodApp, dev(), PS.ro)).toEqual({
      assigned: true,
      staged: "delete",
      checked: false,
      via: [],
    });
    const back = toggleChange(index, indexStaged(changes), ACC.prodApp, dev(), PS.ro);
    expect(back.op).toBe("create");
    changes = stageInto(changes, [back]);
    expect(changes).toEqual([]);
  });

  it("stages an add for a missing set; removing the staged add just drops it", () => {
    let changes = stageInto([], [toggleChange(index, new Map(), ACC.prodApp, dev(), PS.admin)]);
    expect(changes).toEqual([{ op: "create", assignment: makeAssignment(ACC.prodApp, dev(), PS.admin) }]);
    expect(assignmentState(index, indexStaged(changes), ACC.prodApp, dev(), PS.admin).checked).toBe(true);
    changes = stageInto(changes, [toggleChange(index, indexStaged(changes), ACC.prodApp, dev(), PS.admin)]);
    expect(changes).toEqual([]);
  });

  it("reports a user's group access next to the checkbox", () => {
    expect(assignmentState(index, new Map(), ACC.prodApp, principal("u-alice"), PS.admin)).toEqual({
      assigned: false,
      staged: null,
      checked: false,
      via: ["Admins"],
    });
  });

  it("skips targets already in the wanted state", () => {
    const targets = [
      makeAssignment(ACC.prodApp, principal("g-admins"), PS.admin), // assigned
      makeAssignment(ACC.prodApp, dev(), PS.admin), // not assigned
    ];
    expect(stageIntent(index, new Map(), targets, "create")).toEqual([{ op: "create", assignment: targets[1] }]);
    expect(stageIntent(index, new Map(), targets, "delete")).toEqual([{ op: "delete", assignment: targets[0] }]);
    // A staged removal is undone by "assign".
    const staged = indexStaged([{ op: "delete", assignment: targets[0]! }]);
    expect(stageIntent(index, staged, targets, "create")).toHaveLength(2);
  });
});

describe("pivots", () => {
  it("one account: principals × the shown permission sets", () => {
    const pivot = accountPivot(index, { ...NO_FILTER, principalKind: "USER", permissionSetArns: [PS.power] });
    expect(pivot.rows.map((p) => p.name)).toEqual(["alice@example.com", "bob@example.com"]);
    expect(pivot.columns.map((p) => p.name)).toEqual(["PowerUserAccess"]);
    const cells = pivot.rows.map((p) => assignmentState(index, new Map(), ACC.prodData, p, PS.power).checked);
    expect(cells).toEqual([true, false]);
  });

  it("one permission set: a checkbox per account × principal", () => {
    const checked = index.principals.map((p) => assignmentState(index, new Map(), ACC.prodApp, p, PS.ro).checked);
    expect(checked).toEqual([false, false, true, false, true]);
  });

  it("keeps the picked set or account while it exists, else falls back", () => {
    expect(pickPermissionSet(index, PS.ro)).toBe(PS.ro);
    expect(pickPermissionSet(index, "arn:gone")).toBe(PS.admin);
    expect(pickPermissionSet(buildIndex(fixtureSnapshot({ permission_sets: [] })), null)).toBeNull();
    expect(pickAccount(index, ACC.sandbox, new Set())).toBe(ACC.sandbox);
    expect(pickAccount(index, null, new Set([ACC.prodData]))).toBe(ACC.prodData);
    expect(pickAccount(index, "999", new Set())).toBe(ACC.euApp);
  });
});

describe("pending changes, described", () => {
  it("names accounts, principals and sets, adds first; unknown ids stay ids", () => {
    const changes: StagedChange[] = [
      { op: "delete", assignment: makeAssignment(ACC.prodApp, principal("g-dev"), PS.ro) },
      { op: "create", assignment: { account_id: "999999999999", principal_type: "USER", principal_id: "u-gone", permission_set_arn: "arn:x/ps-gone" } },
    ];
    const { adds, removes } = describeChanges(index, changes);
    expect(adds.map((i) => [i.accountName, i.principalName, i.permissionSetName])).toEqual([["999999999999", "u-gone", "ps-gone"]]);
    expect(removes.map((i) => [i.accountName, i.principalName, i.permissionSetName])).toEqual([["prod-app", "Developers", "ReadOnlyAccess"]]);
    expect(describeChanges(null, changes).removes[0]?.accountName).toBe(ACC.prodApp);
  });
});

describe("when to refresh on opening", () => {
  const taken = Date.parse("2025-03-01T10:00:00Z");
  it("refreshes a missing, stale or other instance's snapshot", () => {
    const snap = fixtureSnapshot();
    expect(snapshotNeedsRefresh(null, INSTANCE_ARN, taken)).toBe(true);
    expect(snapshotNeedsRefresh(snap, INSTANCE_ARN, taken + 60_000)).toBe(false);
    expect(snapshotNeedsRefresh(snap, INSTANCE_ARN, taken + SNAPSHOT_STALE_MS + 1)).toBe(true);
    expect(snapshotNeedsRefresh(snap, "arn:aws:sso:::instance/other", taken)).toBe(true);
    expect(snapshotNeedsRefresh(snap, null, taken)).toBe(false);
    expect(snapshotNeedsRefresh({ ...snap, taken_at: "garbage" }, INSTANCE_ARN, taken)).toBe(true);
  });
});
