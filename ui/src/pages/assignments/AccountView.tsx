/**
 * The "One account" pivot: for one account, principals (rows) × permission sets (columns) as
 * checkboxes. A click, Enter or Space stages the flip; a user's access through a group is
 * marked "via" (with the group in the accessible name).
 */
import { useState } from "react";
import type { SnapshotAccount } from "../../backend/api";
import { accountLabel, assignmentState, type MatrixIndex, type PermissionSetInfo, type Principal, type StagedIndex } from "./model";
import { SetSwatch } from "./parts";
import type { CellPos } from "./selection";
import { VirtualGrid, type NavProps } from "./VirtualGrid";

const ROW_HEIGHT = 30;
const COL_WIDTH = 132;
const HEADER_HEIGHT = 54;
const ROW_HEADER_WIDTH = 300;

export function AccountView({
  index,
  account,
  principals,
  sets,
  staged,
  canStage,
  onToggle,
}: {
  index: MatrixIndex;
  account: SnapshotAccount;
  principals: readonly Principal[];
  sets: readonly PermissionSetInfo[];
  staged: StagedIndex;
  canStage: boolean;
  onToggle: (accountId: string, principal: Principal, psArn: string) => void;
}) {
  const [active, setActive] = useState<CellPos>({ row: 0, col: 0 });

  const toggle = (pos: CellPos) => {
    const p = principals[pos.row];
    const ps = sets[pos.col];
    if (p !== undefined && ps !== undefined && canStage) onToggle(account.id, p, ps.arn);
  };

  const renderCell = (r: number, c: number, nav: NavProps) => {
    const p = principals[r];
    const ps = sets[c];
    if (p === undefined || ps === undefined) return null;
    const s = assignmentState(index, staged, account.id, p, ps.arn);
    const state = s.staged === "create" ? "pending add" : s.staged === "delete" ? "pending removal" : s.checked ? "assigned" : "not assigned";
    const via = s.via.length > 0 ? `, also via group ${s.via.join(", ")}` : "";
    const label = `${accountLabel(account)} × ${p.name}: ${ps.name} ${state}${via}`;
    return (
      <div
        {...nav}
        role="gridcell"
        className="mx-cell mx-check"
        data-testid={`acct-cell-${p.id}-${ps.name}`}
        data-checked={s.checked}
        aria-label={label}
        title={label}
        onClick={() => toggle({ row: r, col: c })}
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
  };

  return (
    <VirtualGrid
      label={`Account assignments in ${accountLabel(account)}`}
      testId="account-grid"
      className="mx mx-checkbox-mode"
      rowCount={principals.length}
      colCount={sets.length}
      rowHeight={ROW_HEIGHT}
      colWidth={COL_WIDTH}
      headerHeight={HEADER_HEIGHT}
      rowHeaderWidth={ROW_HEADER_WIDTH}
      active={active}
      onActiveChange={setActive}
      rowKey={(r) => principals[r]?.id ?? `r${r}`}
      colKey={(c) => sets[c]?.arn ?? `c${c}`}
      renderCorner={(nav) => (
        <div {...nav} role="columnheader" className="mx-corner" aria-label="Principal">
          <span>Principal</span>
          <span className="muted">in {account.name}</span>
        </div>
      )}
      renderColumnHeader={(c, nav) => {
        const ps = sets[c];
        if (ps === undefined) return null;
        return (
          <div {...nav} role="columnheader" className="mx-colhead" aria-label={ps.name} title={ps.description ?? ps.name} data-testid={`ps-col-${ps.name}`}>
            <SetSwatch ps={ps} />
            <span className="mx-col-name">{ps.name}</span>
          </div>
        );
      }}
      renderRowHeader={(r, nav) => {
        const p = principals[r];
        if (p === undefined) return null;
        return (
          <div
            {...nav}
            role="rowheader"
            className="mx-rowhead mx-principal"
            aria-label={`${p.name} (${p.type === "GROUP" ? "group" : "user"})`}
            data-testid={`principal-row-${p.id}`}
            title={p.detail}
          >
            <span className={`mx-kind-badge ${p.type === "GROUP" ? "is-group" : "is-user"}`} aria-hidden="true">
              {p.type === "GROUP" ? "G" : "U"}
            </span>
            <span className="mx-acct-name">{p.name}</span>
            {p.detail !== "" && <span className="mx-acct-id">{p.detail}</span>}
          </div>
        );
      }}
      renderCell={renderCell}
      onActivate={(pos) => {
        if (pos.row >= 0 && pos.col >= 0) toggle(pos);
      }}
    />
  );
}
