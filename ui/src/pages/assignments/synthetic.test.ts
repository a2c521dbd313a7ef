/** The synthetic snapshot: deterministic, the sizes asked for, and cheap to index at 3,000 × 500. */
import { describe, expect, it } from "vitest";
import { buildIndex, buildRows, cellChips, indexStaged, NO_FILTER, visibleAccounts } from "./model";
import { syntheticSnapshot } from "./synthetic";

describe("syntheticSnapshot", () => {
  it("is deterministic", () => {
    expect(syntheticSnapshot(50, 20, 5, 300)).toEqual(syntheticSnapshot(50, 20, 5, 300));
  });

  it("has the sizes asked for, with distinct assignments to known ids", () => {
    const s = syntheticSnapshot(120, 30, 6, 900);
    expect(s.accounts).toHaveLength(120);
    expect(s.groups.length + s.users.length).toBe(30);
    expect(s.groups.length).toBeGreaterThan(0);
    expect(s.permission_sets).toHaveLength(6);
    expect(s.assignments).toHaveLength(900);
    const keys = new Set(s.assignments.map((a) => `${a.account_id}|${a.principal_id}|${a.permission_set_arn}`));
    expect(keys.size).toBe(900);
    const accounts = new Set(s.accounts.map((a) => a.id));
    const principals = new Set([...s.groups.map((g) => g.id), ...s.users.map((u) => u.id)]);
    const sets = new Set(s.permission_sets.map((p) => p.arn));
    expect(s.assignments.every((a) => accounts.has(a.account_id) && principals.has(a.principal_id) && sets.has(a.permission_set_arn))).toBe(true);
    expect(new Set(s.accounts.map((a) => a.id)).size).toBe(120);
    expect(s.accounts.every((a) => /^\d{12}$/.test(a.id))).toBe(true);
  });

  it("caps assignments at what fits and handles empty sizes", () => {
    expect(syntheticSnapshot(2, 2, 2, 100).assignments).toHaveLength(8);
    const empty = syntheticSnapshot(0, 0, 0, 10);
    expect(empty.accounts).toEqual([]);
    expect(empty.assignments).toEqual([]);
  });

  it("builds an OU tree every account row hangs from", () => {
    const s = syntheticSnapshot(400, 10, 3, 50);
    const idx = buildIndex(s);
    const rows = buildRows(idx, visibleAccounts(idx, NO_FILTER), new Set(), false);
    expect(rows.filter((r) => r.kind === "account")).toHaveLength(400);
    expect(rows.filter((r) => r.kind === "ou")).toHaveLength(s.ous.length);
    expect(Math.max(...rows.map((r) => r.depth))).toBeGreaterThan(0);
  });

  it("indexes 3,000 accounts × 500 principals quickly, and a screen of cells is lookups", () => {
    const s = syntheticSnapshot(3000, 500, 30, 60_000);
    const t0 = performance.now();
    const idx = buildIndex(s);
    const rows = buildRows(idx, visibleAccounts(idx, NO_FILTER), new Set(), false);
    const built = performance.now() - t0;
    expect(rows.length).toBeGreaterThan(3000);
    const staged = indexStaged([]);
    const t1 = performance.now();
    let chips = 0;
    // A screen is ~40 rows × ~15 columns; do 20 screens' worth.
    for (let r = 0; r < 800; r++) {
      const row = rows[r];
      if (row?.kind !== "account") continue;
      for (let c = 0; c < 15; c++) chips += cellChips(idx, staged, row.account.id, idx.principals[idx.principals.length - 1 - c]!).length;
    }
    const looked = performance.now() - t1;
    expect(chips).toBeGreaterThanOrEqual(0);
    // Generous bounds (CI machines are slow); in practice ~100 ms and a few ms.
    expect(built).toBeLessThan(5000);
    expect(looked).toBeLessThan(2000);
  });
});
