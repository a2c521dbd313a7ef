/** Selections (rectangles, OU/account rows + columns) and what they stage. */
import { describe, expect, it } from "vitest";
import { stageInto, type StagedChange } from "../../state/staging";
import { buildIndex, buildRows, indexStaged, makeAssignment, NO_FILTER, visibleAccounts, visiblePrincipals, type MatrixFilter } from "./model";
import {
  bulkChanges,
  checkedCounts,
  extendRect,
  isHeaderSelected,
  MAX_BULK_ASSIGNMENTS,
  NO_SELECTION,
  rectBounds,
  selectionTargets,
  targetAssignments,
  targetCellCount,
  targetMembership,
  toggleHeader,
  type Selection,
} from "./selection";
import { syntheticSnapshot } from "./synthetic";
import { ACC, fixtureSnapshot, PS } from "./testData";

const index = buildIndex(fixtureSnapshot());

/** The grid as the page builds it. Rows (nothing collapsed): 0 management, 1 Empty, 2 Production, 3 prod-app,
 * 4 prod-data, 5 EU, 6 eu-app, 7 Sandbox, 8 sandbox-1. Columns: 0 Admins, 1 Auditors, 2 Developers, 3 alice, 4 bob. */
function grid(filter: MatrixFilter = NO_FILTER, collapsed: string[] = []) {
  const visible = visibleAccounts(index, filter);
  const rows = buildRows(index, visible, new Set(collapsed), filter !== NO_FILTER);
  const columns = visiblePrincipals(index, filter);
  return { visible, rows, columns, targets: (sel: Selection) => selectionTargets(index, rows, columns, visible, sel) };
}

const names = (t: ReturnType<ReturnType<typeof grid>["targets"]>) => ({
  accounts: t.accountIds.map((id) => index.accounts.get(id)?.name),
  principals: t.principals.map((p) => p.name),
});

describe("rectangles", () => {
  it("span the rows and columns between anchor and focus, either way round", () => {
    const g = grid();
    const sel: Selection = { kind: "rect", anchor: { row: 3, col: 0 }, focus: { row: 4, col: 2 } };
    expect(names(g.targets(sel))).toEqual({ accounts: ["prod-app", "prod-data"], principals: ["Admins", "Auditors", "Developers"] });
    const reversed: Selection = { kind: "rect", anchor: { row: 4, col: 2 }, focus: { row: 3, col: 0 } };
    expect(g.targets(reversed)).toEqual(g.targets(sel));
    expect(rectBounds(sel, g.rows.length, g.columns.length)).toEqual({ r0: 3, r1: 4, c0: 0, c1: 2 });
  });

  it("expand an OU row inside them to its accounts and its sub-OUs' accounts", () => {
    const g = grid();
    const sel: Selection = { kind: "rect", anchor: { row: 2, col: 3 }, focus: { row: 2, col: 3 } };
    expect(names(g.targets(sel))).toEqual({ accounts: ["prod-app", "prod-data", "eu-app"], principals: ["alice@example.com"] });
    // Rows under the OU in the same rectangle are not counted twice.
    const tall: Selection = { kind: "rect", anchor: { row: 2, col: 0 }, focus: { row: 6, col: 0 } };
    expect(names(g.targets(tall)).accounts).toEqual(["prod-app", "prod-data", "eu-app"]);
  });

  it("expand a collapsed OU just the same", () => {
    const g = grid(NO_FILTER, ["ou-prod"]);
    const sel: Selection = { kind: "rect", anchor: { row: 2, col: 0 }, focus: { row: 2, col: 0 } };
    expect(names(g.targets(sel)).accounts).toEqual(["prod-app", "prod-data", "eu-app"]);
  });

  it("expand an OU only to the accounts the filter shows", () => {
    const g = grid({ ...NO_FILTER, account: "app" });
    // Rows: 0 Production, 1 prod-app, 2 EU, 3 eu-app.
    const sel: Selection = { kind: "rect", anchor: { row: 0, col: 0 }, focus: { row: 0, col: 0 } };
    expect(names(g.targets(sel)).accounts).toEqual(["prod-app", "eu-app"]);
  });

  it("extend from the current anchor, or start at the given cell", () => {
    const first = extendRect(NO_SELECTION, { row: 3, col: 0 }, { row: 4, col: 0 });
    expect(first).toEqual({ kind: "rect", anchor: { row: 3, col: 0 }, focus: { row: 4, col: 0 } });
    expect(extendRect(first, { row: 4, col: 0 }, { row: 4, col: 2 })).toEqual({ kind: "rect", anchor: { row: 3, col: 0 }, focus: { row: 4, col: 2 } });
  });

  it("are clamped to the grid and empty on an empty grid", () => {
    const g = grid();
    const sel: Selection = { kind: "rect", anchor: { row: -5, col: -1 }, focus: { row: 99, col: 99 } };
    expect(targetCellCount(g.targets(sel))).toBe(5 * 5);
    expect(selectionTargets(index, [], g.columns, g.visible, sel)).toEqual({ accountIds: [], principals: [] });
  });
});

describe("header selections", () => {
  it("toggle OUs, accounts and principals; empty again is no selection", () => {
    let sel = toggleHeader(NO_SELECTION, "ou", "ou-prod");
    sel = toggleHeader(sel, "principal", "g-dev");
    expect(isHeaderSelected(sel, "ou", "ou-prod")).toBe(true);
    expect(isHeaderSelected(sel, "principal", "g-dev")).toBe(true);
    expect(isHeaderSelected(sel, "account", ACC.mgmt)).toBe(false);
    sel = toggleHeader(toggleHeader(sel, "ou", "ou-prod"), "principal", "g-dev");
    expect(sel).toEqual(NO_SELECTION);
  });

  it("replace a rectangle", () => {
    const rect: Selection = { kind: "rect", anchor: { row: 0, col: 0 }, focus: { row: 1, col: 1 } };
    expect(toggleHeader(rect, "account", ACC.mgmt)).toEqual({ kind: "headers", ouIds: [], accountIds: [ACC.mgmt], principalIds: [] });
  });

  it("an OU row + a column stand for every account below the OU × that principal", () => {
    const g = grid();
    const sel = toggleHeader(toggleHeader(NO_SELECTION, "ou", "ou-prod"), "principal", "g-dev");
    expect(names(g.targets(sel))).toEqual({ accounts: ["prod-app", "prod-data", "eu-app"], principals: ["Developers"] });
  });

  it("OUs and accounts combine without duplicates", () => {
    const g = grid();
    let sel = toggleHeader(NO_SELECTION, "account", ACC.prodApp);
    sel = toggleHeader(sel, "ou", "ou-prod");
    sel = toggleHeader(sel, "account", ACC.mgmt);
    sel = toggleHeader(sel, "principal", "u-bob");
    sel = toggleHeader(sel, "principal", "g-admins");
    expect(names(g.targets(sel))).toEqual({
      accounts: ["prod-app", "prod-data", "eu-app", "management"],
      principals: ["bob@example.com", "Admins"],
    });
  });

  it("need both rows and a column", () => {
    const g = grid();
    const rowsOnly = g.targets(toggleHeader(NO_SELECTION, "ou", "ou-sand"));
    expect(rowsOnly.accountIds).toEqual([ACC.sandbox]);
    expect(targetCellCount(rowsOnly)).toBe(0);
    expect(targetCellCount(g.targets(toggleHeader(NO_SELECTION, "principal", "g-dev")))).toBe(0);
  });

  it("highlight by membership", () => {
    const g = grid();
    const m = targetMembership(g.targets(toggleHeader(toggleHeader(NO_SELECTION, "ou", "ou-eu"), "principal", "u-alice")));
    expect([...m.accounts]).toEqual([ACC.euApp]);
    expect([...m.principals]).toEqual(["u-alice"]);
  });
});

describe("bulk staging", () => {
  const g = grid();
  const prodTimesDev = g.targets(toggleHeader(toggleHeader(NO_SELECTION, "ou", "ou-prod"), "principal", "g-dev"));

  it("assigns only where the set is missing", () => {
    // Developers already hold ReadOnly in prod-app and eu-app.
    const changes = bulkChanges(index, new Map(), prodTimesDev, [PS.ro], "create");
    expect(changes).toEqual([{ op: "create", assignment: makeAssignment(ACC.prodData, { id: "g-dev", type: "GROUP" }, PS.ro) }]);
  });

  it("removes only where the set is held", () => {
    const changes = bulkChanges(index, new Map(), prodTimesDev, [PS.ro, PS.audit], "delete");
    expect(changes?.map((c) => `${c.op} ${c.assignment.account_id} ${c.assignment.permission_set_arn}`)).toEqual([
      `delete ${ACC.prodApp} ${PS.ro}`,
      `delete ${ACC.euApp} ${PS.ro}`,
    ]);
  });

  it("for a whole rectangle, per set", () => {
    const rect = g.targets({ kind: "rect", anchor: { row: 3, col: 0 }, focus: { row: 4, col: 1 } }); // prod-app, prod-data × Admins, Auditors
    expect(targetAssignments(rect, [PS.admin, PS.ro])).toHaveLength(8);
    const changes = bulkChanges(index, new Map(), rect, [PS.admin, PS.ro], "create") ?? [];
    // Admins hold AdministratorAccess in both already: 2 of 8 skipped.
    expect(changes).toHaveLength(6);
    expect(changes.every((c) => c.op === "create")).toBe(true);
  });

  it("cancels staged changes instead of stacking them", () => {
    let staged: StagedChange[] = stageInto([], bulkChanges(index, new Map(), prodTimesDev, [PS.ro], "delete") ?? []);
    expect(staged).toHaveLength(2);
    // "Assign" over the same cells: undoes the two removals and adds prod-data.
    const again = bulkChanges(index, indexStaged(staged), prodTimesDev, [PS.ro], "create") ?? [];
    expect(again).toHaveLength(3);
    staged = stageInto(staged, again);
    expect(staged).toEqual([{ op: "create", assignment: makeAssignment(ACC.prodData, { id: "g-dev", type: "GROUP" }, PS.ro) }]);
    // Removing over a staged add just drops it.
    staged = stageInto(staged, bulkChanges(index, indexStaged(staged), prodTimesDev, [PS.ro], "delete") ?? []);
    expect(staged.filter((c) => c.op === "create")).toEqual([]);
  });

  it("refuses spans over the limit", () => {
    const big = buildIndex(syntheticSnapshot(300, 100, 2, 10));
    const visible = visibleAccounts(big, NO_FILTER);
    const rows = buildRows(big, visible, new Set(), false);
    const t = selectionTargets(big, rows, big.principals, visible, { kind: "rect", anchor: { row: 0, col: 0 }, focus: { row: rows.length, col: 99 } });
    expect(targetCellCount(t)).toBe(300 * 100);
    expect(targetCellCount(t) * 1).toBeGreaterThan(MAX_BULK_ASSIGNMENTS);
    expect(bulkChanges(big, new Map(), t, [big.permissionSets[0]!.arn], "create")).toBeNull();
  });

  it("counts, per set, the cells that have it (staged adds in, staged removals out)", () => {
    const staged = indexStaged([
      { op: "delete", assignment: makeAssignment(ACC.prodApp, { id: "g-dev", type: "GROUP" }, PS.ro) },
      { op: "create", assignment: makeAssignment(ACC.prodData, { id: "g-dev", type: "GROUP" }, PS.admin) },
    ]);
    const counts = checkedCounts(index, staged, prodTimesDev);
    expect(Object.fromEntries(counts ?? [])).toEqual({ [PS.ro]: 1, [PS.power]: 1, [PS.admin]: 1 });
  });
});
