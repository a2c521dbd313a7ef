/**
 * The matrix: accounts (grouped by OU) × principals (groups, then users), on the virtual grid.
 * Two pivots use it: "By principal" (a cell shows one chip per permission set) and "One
 * permission set" (a cell is that set's checkbox). Cells are selected by shift-click, drag or
 * Shift+arrows; OU rows, account rows and columns by clicking their headers (Space on the
 * keyboard); Enter or a click opens a cell's menu (or toggles its checkbox).
 */
import { useRef, useState, type PointerEvent as ReactPointerEvent, type RefObject } from "react";
import {
  accountLabel,
  assignmentState,
  cellChips,
  cellLabel,
  type Chip,
  type MatrixIndex,
  type MatrixRow,
  type PermissionSetInfo,
  type Principal,
  type StagedIndex,
} from "./model";
import { formatAccountId } from "../../lib/format";
import { PsChip } from "./parts";
import { extendRect, isHeaderSelected, rectBounds, toggleHeader, type CellPos, type Selection } from "./selection";
import { VirtualGrid, type NavProps } from "./VirtualGrid";

export const ROW_HEIGHT = 30;
export const COL_WIDTH = 124;
export const HEADER_HEIGHT = 54;
export const ROW_HEADER_WIDTH = 280;
/** Chips drawn in a cell before "+N". */
const MAX_CHIPS = 3;
/** Cells whose chips are kept for scrolling back (a few screens' worth). */
const CHIP_CACHE_LIMIT = 5_000;

/**
 * Chips and names of cells already drawn, by account and then principal (a lookup builds no
 * key: scrolling back and forth, and a selection drawn again, only look them up). Bounded:
 * scrolling through 1.5 million cells must not keep them all.
 */
class CellCache<V> {
  private readonly byAccount = new Map<string, Map<string, V>>();
  private size = 0;

  get(accountId: string, principalId: string): V | undefined {
    return this.byAccount.get(accountId)?.get(principalId);
  }

  set(accountId: string, principalId: string, value: V) {
    if (this.size >= CHIP_CACHE_LIMIT) {
      this.byAccount.clear();
      this.size = 0;
    }
    let row = this.byAccount.get(accountId);
    if (row === undefined) {
      row = new Map();
      this.byAccount.set(accountId, row);
    }
    row.set(principalId, value);
    this.size++;
  }
}

/** A value made again whenever one of `deps` changes (a memo that is filled as it is used). */
function useRenewed<T>(deps: readonly unknown[], make: () => T): T {
  const ref = useRef<{ deps: readonly unknown[]; value: T } | null>(null);
  const held = ref.current;
  if (held === null || held.deps.length !== deps.length || held.deps.some((d, i) => d !== deps[i])) {
    const fresh = { deps, value: make() };
    ref.current = fresh;
    return fresh.value;
  }
  return held.value;
}

const RANK: Record<Chip["state"], number> = { added: 0, removed: 0, assigned: 1, inherited: 2 };
function chipRank(chip: Chip): number {
  return RANK[chip.state] * 10_000 + chip.ps.order;
}

export type MatrixMode = { kind: "chips"; only: ReadonlySet<string> | null } | { kind: "checkbox"; ps: PermissionSetInfo };

export interface MatrixViewProps {
  index: MatrixIndex;
  rows: readonly MatrixRow[];
  columns: readonly Principal[];
  staged: StagedIndex;
  mode: MatrixMode;
  selection: Selection;
  onSelectionChange: (sel: Selection) => void;
  /** The selection's accounts and principals (for highlighting). */
  membership: { accounts: ReadonlySet<string>; principals: ReadonlySet<string> };
  onToggleCollapse: (ouId: string, collapse?: boolean) => void;
  /** Chips mode: open the menu of a cell, anchored at `anchor`. */
  onOpenCell: (accountId: string, principal: Principal, anchor: DOMRect) => void;
  /** Checkbox mode: flip the set for a cell. */
  onToggle: (accountId: string, principal: Principal, psArn: string) => void;
  canStage: boolean;
  /** Set to a function focusing the active cell (to return focus after a menu). */
  focusRef?: RefObject<(() => void) | null>;
}

export function MatrixView(props: MatrixViewProps) {
  const { index, rows, columns, staged, mode, selection, onSelectionChange, membership } = props;
  const [active, setActive] = useState<CellPos>({ row: 0, col: 0 });
  const drag = useRef<{ anchor: CellPos; moved: boolean } | null>(null);
  const bounds = rectBounds(selection, rows.length, columns.length);
  // Chips and names of cells already drawn: scrolling back and forth only looks them up.
  const chipCache = useRenewed([index, staged, mode], () => new CellCache<{ chips: Chip[]; label: string }>());

  const activate = (pos: CellPos, el: HTMLElement) => {
    const row = rows[pos.row];
    const principal = columns[pos.col];
    if (row?.kind !== "account" || principal === undefined) return;
    if (mode.kind === "chips") props.onOpenCell(row.account.id, principal, el.getBoundingClientRect());
    else if (props.canStage) props.onToggle(row.account.id, principal, mode.ps.arn);
  };

  const onActivate = (pos: CellPos, key: "Enter" | " ", el: HTMLElement) => {
    if (pos.row === -1) {
      const p = columns[pos.col];
      if (p !== undefined) onSelectionChange(toggleHeader(selection, "principal", p.id));
      return;
    }
    const row = rows[pos.row];
    if (row === undefined) return;
    if (row.kind === "ou") {
      if (key === "Enter") props.onToggleCollapse(row.ouId);
      else onSelectionChange(toggleHeader(selection, "ou", row.ouId));
      return;
    }
    if (pos.col === -1) {
      onSelectionChange(toggleHeader(selection, "account", row.account.id));
      return;
    }
    activate(pos, el);
  };

  const cellPointerDown = (pos: CellPos, e: ReactPointerEvent) => {
    if (e.button !== 0) return;
    if (e.shiftKey) {
      onSelectionChange(extendRect(selection, active, pos));
      drag.current = { anchor: selection.kind === "rect" ? selection.anchor : active, moved: true };
    } else {
      drag.current = { anchor: pos, moved: false };
    }
  };
  const cellPointerEnter = (pos: CellPos, e: ReactPointerEvent) => {
    const d = drag.current;
    if (d === null || (e.buttons & 1) === 0) return;
    d.moved = d.moved || d.anchor.row !== pos.row || d.anchor.col !== pos.col;
    if (d.moved) onSelectionChange({ kind: "rect", anchor: d.anchor, focus: pos });
  };
  const cellClick = (pos: CellPos, el: HTMLElement) => {
    const d = drag.current;
    drag.current = null;
    if (d?.moved === true) return;
    if (selection.kind === "rect") onSelectionChange({ kind: "none" });
    activate(pos, el);
  };

  const renderCell = (r: number, c: number, nav: NavProps) => {
    const row = rows[r];
    const principal = columns[c];
    if (row?.kind !== "account" || principal === undefined) return null;
    const account = row.account;
    const selected = membership.accounts.has(account.id) && membership.principals.has(principal.id);
    // No handlers on the cell: its pointer events are handled on the grid (`onCellPointerDown` and the others below).
    const testId = `cell-${account.id}-${principal.id}`;
    if (mode.kind === "checkbox") {
      const s = assignmentState(index, staged, account.id, principal, mode.ps.arn);
      const state = s.staged === "create" ? "pending add" : s.staged === "delete" ? "pending removal" : s.checked ? "assigned" : "not assigned";
      const via = s.via.length > 0 ? `, also via group ${s.via.join(", ")}` : "";
      const label = `${accountLabel(account)} × ${principal.name}: ${mode.ps.name} ${state}${via}`;
      return (
        <div
          {...nav}
          role="gridcell"
          data-testid={testId}
          aria-selected={selected}
          className={selected ? "mx-cell mx-check is-selected" : "mx-cell mx-check"}
          aria-label={label}
          title={label}
          data-checked={s.checked}
        >
          <span className={`mx-box${s.checked ? " is-checked" : ""}${s.staged !== null ? ` is-${s.staged}` : ""}`} aria-hidden="true">
            {s.checked ? "✓" : ""}
          </span>
          {s.via.length > 0 && (
            <span className="mx-via" aria-hidden="true">
              via
            </span>
          )}
        </div>
      );
    }
    let cached = chipCache.get(account.id, principal.id);
    if (cached === undefined) {
      const computed = cellChips(index, staged, account.id, principal, mode.only);
      cached = { chips: computed, label: cellLabel(account, principal, computed) };
      chipCache.set(account.id, principal.id, cached);
    }
    const { chips, label } = cached;
    // When not all fit, staged changes are drawn first (they are what the admin is working on).
    const shown = chips.length > MAX_CHIPS ? [...chips].sort((a, b) => chipRank(a) - chipRank(b)).slice(0, MAX_CHIPS - 1) : chips;
    return (
      <div
        {...nav}
        role="gridcell"
        data-testid={testId}
        aria-selected={selected}
        className={selected ? "mx-cell is-selected" : "mx-cell"}
        aria-label={label}
        title={label}
        data-chips={chips.length}
      >
        {shown.length > 0 &&
          shown.map((chip) => (
            <PsChip key={chip.ps.arn} chip={chip} />
          ))}
        {shown.length < chips.length && (
          <span className="mx-more" aria-hidden="true">
            +{chips.length - shown.length}
          </span>
        )}
      </div>
    );
  };

  const renderRowHeader = (r: number, nav: NavProps) => {
    const row = rows[r];
    if (row === undefined) return null;
    const indent = { paddingLeft: 8 + row.depth * 14 };
    if (row.kind === "ou") {
      const selected = isHeaderSelected(selection, "ou", row.ouId) || (bounds !== null && r >= bounds.r0 && r <= bounds.r1);
      const label = `${row.name} (OU, ${row.count === 1 ? "1 account" : `${row.count} accounts`}), ${row.collapsed ? "collapsed" : "expanded"}`;
      return (
        <div
          {...nav}
          style={{ ...nav.style, ...indent }}
          role="rowheader"
          className={`mx-rowhead mx-ou${selected ? " is-selected" : ""}`}
          data-testid={`ou-row-${row.ouId}`}
          aria-label={label}
          aria-selected={selected}
          title={`${row.path} — click to select this OU's accounts, the arrow to ${row.collapsed ? "expand" : "collapse"}`}
          onClick={() => onSelectionChange(toggleHeader(selection, "ou", row.ouId))}
        >
          <button
            type="button"
            className="mx-twisty"
            tabIndex={-1}
            aria-hidden="true"
            data-testid={`ou-toggle-${row.ouId}`}
            onClick={(e) => {
              e.stopPropagation();
              props.onToggleCollapse(row.ouId);
            }}
          >
            {row.collapsed ? "▸" : "▾"}
          </button>
          <span className="mx-ou-name">{row.name}</span>
          <span className="mx-ou-count">{row.count === 1 ? "1 account" : `${row.count.toLocaleString()} accounts`}</span>
        </div>
      );
    }
    const account = row.account;
    const selected = isHeaderSelected(selection, "account", account.id);
    return (
      <div
        {...nav}
        style={{ ...nav.style, ...indent }}
        role="rowheader"
        className={`mx-rowhead mx-account${selected ? " is-selected" : ""}`}
        data-testid={`row-${account.id}`}
        aria-label={accountLabel(account)}
        aria-selected={selected}
        title={`${account.name} ${account.id}${account.status !== null && account.status !== "ACTIVE" ? ` (${account.status})` : ""}`}
        onClick={() => onSelectionChange(toggleHeader(selection, "account", account.id))}
      >
        <span className="mx-acct-name">{account.name}</span>
        <span className="mx-acct-id mono">{formatAccountId(account.id)}</span>
      </div>
    );
  };

  const renderColumnHeader = (c: number, nav: NavProps) => {
    const p = columns[c];
    if (p === undefined) return null;
    const selected = isHeaderSelected(selection, "principal", p.id) || (bounds !== null && c >= bounds.c0 && c <= bounds.c1);
    return (
      <div
        {...nav}
        role="columnheader"
        className={`mx-colhead${p.type === "GROUP" ? " is-group" : " is-user"}${selected ? " is-selected" : ""}`}
        data-testid={`col-${p.id}`}
        aria-label={`${p.name} (${p.type === "GROUP" ? "group" : "user"})`}
        aria-selected={selected}
        title={`${p.type === "GROUP" ? "Group" : "User"} ${p.name}${p.detail !== "" ? ` — ${p.detail}` : ""}. Click to select the column.`}
        onClick={() => onSelectionChange(toggleHeader(selection, "principal", p.id))}
      >
        <span className="mx-col-kind" aria-hidden="true">
          {p.type === "GROUP" ? "Group" : "User"}
        </span>
        <span className="mx-col-name">{p.name}</span>
        {p.detail !== "" && <span className="mx-col-detail">{p.detail}</span>}
      </div>
    );
  };

  return (
    <VirtualGrid
      label={mode.kind === "chips" ? "Account assignments by principal" : `Account assignments of ${mode.ps.name}`}
      testId="matrix"
      className={`mx${mode.kind === "checkbox" ? " mx-checkbox-mode" : ""}`}
      rowCount={rows.length}
      colCount={columns.length}
      rowHeight={ROW_HEIGHT}
      colWidth={COL_WIDTH}
      headerHeight={HEADER_HEIGHT}
      rowHeaderWidth={ROW_HEADER_WIDTH}
      active={active}
      onActiveChange={setActive}
      rowKey={(r) => {
        const row = rows[r];
        return row === undefined ? `r${r}` : row.kind === "ou" ? `ou:${row.ouId}` : `a:${row.account.id}`;
      }}
      colKey={(c) => columns[c]?.id ?? `c${c}`}
      isFullRow={(r) => rows[r]?.kind === "ou"}
      rowProps={(r) => {
        const row = rows[r];
        return row?.kind === "ou" ? { className: "mx-ou-row", "aria-expanded": !row.collapsed } : { className: "mx-account-row" };
      }}
      renderCorner={(nav) => (
        <div {...nav} role="columnheader" className="mx-corner" aria-label="Account">
          <span>Account</span>
          <span className="muted">
            {columns.length.toLocaleString()} principal{columns.length === 1 ? "" : "s"}
          </span>
        </div>
      )}
      renderColumnHeader={renderColumnHeader}
      renderRowHeader={renderRowHeader}
      renderCell={renderCell}
      onActivate={onActivate}
      onExtend={(from, to) => onSelectionChange(extendRect(selection, from, to))}
      onExpand={(r, expand) => {
        const row = rows[r];
        if (row?.kind === "ou") props.onToggleCollapse(row.ouId, !expand);
      }}
      onEscape={() => onSelectionChange({ kind: "none" })}
      onCellPointerDown={cellPointerDown}
      onCellPointerEnter={cellPointerEnter}
      onCellClick={cellClick}
      focusRef={props.focusRef}
    />
  );
}
