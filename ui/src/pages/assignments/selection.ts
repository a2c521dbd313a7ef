/**
 * What the admin selected in the matrix and what it stands for. A selection is either a
 * rectangle of cells (shift-click, drag, shift+arrows) or headers (OU rows, account rows and
 * principal columns clicked). Both expand to accounts × principals; an OU stands for every
 * shown account in it and its sub-OUs (AWS has no OU targets). Bulk "Assign…" / "Remove…"
 * turns that, with the chosen permission sets, into staged changes. Pure, unit-tested.
 */
import type { Assignment } from "../../backend/api";
import type { ChangeOp, StagedChange } from "../../state/staging";
import {
  accountsInOu,
  cellKey,
  makeAssignment,
  stageIntent,
  type MatrixIndex,
  type MatrixRow,
  type Principal,
  type StagedIndex,
} from "./model";

export interface CellPos {
  row: number;
  col: number;
}

export type Selection =
  | { kind: "none" }
  | { kind: "rect"; anchor: CellPos; focus: CellPos }
  | { kind: "headers"; ouIds: string[]; accountIds: string[]; principalIds: string[] };

export const NO_SELECTION: Selection = { kind: "none" };

/** A rectangle from the current anchor (or `from`, when there is no rectangle yet) to `to`. */
export function extendRect(sel: Selection, from: CellPos, to: CellPos): Selection {
  const anchor = sel.kind === "rect" ? sel.anchor : from;
  return { kind: "rect", anchor, focus: to };
}

/** Adds or removes one header; any rectangle is dropped (the two kinds do not mix). */
export function toggleHeader(sel: Selection, kind: "ou" | "account" | "principal", id: string): Selection {
  const base = sel.kind === "headers" ? sel : { kind: "headers" as const, ouIds: [], accountIds: [], principalIds: [] };
  const flip = (list: string[]) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  const next = {
    kind: "headers" as const,
    ouIds: kind === "ou" ? flip(base.ouIds) : base.ouIds,
    accountIds: kind === "account" ? flip(base.accountIds) : base.accountIds,
    principalIds: kind === "principal" ? flip(base.principalIds) : base.principalIds,
  };
  return next.ouIds.length + next.accountIds.length + next.principalIds.length === 0 ? NO_SELECTION : next;
}

export function isHeaderSelected(sel: Selection, kind: "ou" | "account" | "principal", id: string): boolean {
  if (sel.kind !== "headers") return false;
  return (kind === "ou" ? sel.ouIds : kind === "account" ? sel.accountIds : sel.principalIds).includes(id);
}

/** The rows and columns a rectangle spans, clamped to the grid. */
export function rectBounds(sel: Selection, rowCount: number, colCount: number) {
  if (sel.kind !== "rect" || rowCount === 0 || colCount === 0) return null;
  const clampR = (r: number) => Math.max(0, Math.min(rowCount - 1, r));
  const clampC = (c: number) => Math.max(0, Math.min(colCount - 1, c));
  return {
    r0: clampR(Math.min(sel.anchor.row, sel.focus.row)),
    r1: clampR(Math.max(sel.anchor.row, sel.focus.row)),
    c0: clampC(Math.min(sel.anchor.col, sel.focus.col)),
    c1: clampC(Math.max(sel.anchor.col, sel.focus.col)),
  };
}

export interface SelectionTargets {
  /** Account ids, in row order, each once. */
  accountIds: string[];
  principals: Principal[];
}

export const NO_TARGETS: SelectionTargets = { accountIds: [], principals: [] };

/**
 * The accounts and principals a selection stands for. OU rows (in a rectangle or clicked)
 * expand to their shown accounts, sub-OUs included, collapsed or not. A header selection
 * needs both sides: no principal column picked means no target yet.
 */
export function selectionTargets(
  index: MatrixIndex,
  rows: readonly MatrixRow[],
  columns: readonly Principal[],
  visible: ReadonlySet<string>,
  sel: Selection,
): SelectionTargets {
  const accountIds: string[] = [];
  const seen = new Set<string>();
  const add = (id: string) => {
    if (!seen.has(id)) {
      seen.add(id);
      accountIds.push(id);
    }
  };
  if (sel.kind === "rect") {
    const b = rectBounds(sel, rows.length, columns.length);
    if (b === null) return NO_TARGETS;
    for (let r = b.r0; r <= b.r1; r++) {
      const row = rows[r];
      if (row === undefined) continue;
      if (row.kind === "account") add(row.account.id);
      else for (const id of accountsInOu(index, row.ouId, visible)) add(id);
    }
    return { accountIds, principals: columns.slice(b.c0, b.c1 + 1) };
  }
  if (sel.kind === "headers") {
    for (const ouId of sel.ouIds) for (const id of accountsInOu(index, ouId, visible)) add(id);
    for (const id of sel.accountIds) if (index.accounts.has(id)) add(id);
    const principals = sel.principalIds.map((id) => index.principalById.get(id)).filter((p): p is Principal => p !== undefined);
    if (accountIds.length === 0 || principals.length === 0) return { accountIds, principals: [] };
    return { accountIds, principals };
  }
  return NO_TARGETS;
}

/** Number of cells the targets span. */
export function targetCellCount(t: SelectionTargets): number {
  return t.accountIds.length * t.principals.length;
}

/** For highlighting: is this cell in the targets? (Sets built once per selection.) */
export function targetMembership(t: SelectionTargets): { accounts: ReadonlySet<string>; principals: ReadonlySet<string> } {
  return { accounts: new Set(t.accountIds), principals: new Set(t.principals.map((p) => p.id)) };
}

/** Every (account, principal, set) the targets and chosen sets span. */
export function targetAssignments(t: SelectionTargets, psArns: readonly string[]): Assignment[] {
  const out: Assignment[] = [];
  for (const accountId of t.accountIds) for (const p of t.principals) for (const arn of psArns) out.push(makeAssignment(accountId, p, arn));
  return out;
}

/** The most assignments one bulk action may span (a larger apply would run for hours). */
export const MAX_BULK_ASSIGNMENTS = 20_000;

/**
 * The changes a bulk "Assign" (create) or "Remove" (delete) stages: every target cell × chosen
 * set not already in that state (see `stageIntent`). Null when the span is over the limit.
 */
export function bulkChanges(
  index: MatrixIndex,
  staged: StagedIndex,
  t: SelectionTargets,
  psArns: readonly string[],
  op: ChangeOp,
): StagedChange[] | null {
  if (targetCellCount(t) * psArns.length > MAX_BULK_ASSIGNMENTS) return null;
  return stageIntent(index, staged, targetAssignments(t, psArns), op);
}

/**
 * How many target cells have each set (assigned and not staged for removal, or staged to add),
 * for the picker. Null when the selection is too large to count quickly.
 */
export function checkedCounts(index: MatrixIndex, staged: StagedIndex, t: SelectionTargets): Map<string, number> | null {
  if (targetCellCount(t) > 250_000) return null;
  const counts = new Map<string, number>();
  const bump = (arn: string) => counts.set(arn, (counts.get(arn) ?? 0) + 1);
  for (const accountId of t.accountIds) {
    for (const p of t.principals) {
      const key = cellKey(accountId, p.id);
      const pending = staged.get(key);
      for (const arn of index.direct.get(key) ?? []) if (pending?.get(arn) !== "delete") bump(arn);
      if (pending !== undefined) for (const [arn, op] of pending) if (op === "create" && index.direct.get(key)?.includes(arn) !== true) bump(arn);
    }
  }
  return counts;
}
