/**
 * The who-has-what table. An organisation's report can hold hundreds of thousands of rows (every
 * group assignment expanded to its members), so above `VIRTUALIZE_ABOVE` rows only those on
 * screen are in the DOM (@tanstack/react-virtual; spacer rows keep a real <table> with its
 * column headers and ARIA row indexes). Rows have a fixed height, and are measured once shown.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import type { ReportRow } from "../../backend/api";
import { formatAccountId } from "../../lib/format";
import { accessText } from "./model";

export const ROW_HEIGHT = 44;
/** Smaller tables are rendered whole (find-in-page and screen readers see every row). */
export const VIRTUALIZE_ABOVE = 200;
const COLUMNS = 4;

export function ReportTable({ rows, adminArns }: { rows: readonly ReportRow[]; adminArns: ReadonlySet<string> }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = rows.length > VIRTUALIZE_ABOVE;
  const virtualizer = useVirtualizer({
    count: virtual ? rows.length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 900, height: 560 },
  });
  const items = virtualizer.getVirtualItems();
  const indexes = virtual ? items.map((i) => i.index) : rows.map((_, i) => i);
  const padTop = virtual && items.length > 0 ? (items[0]?.start ?? 0) : 0;
  const padBottom = virtual && items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;

  return (
    <div
      className={virtual ? "report-scroll report-scroll-virtual" : "report-scroll"}
      ref={scrollRef}
      tabIndex={virtual ? 0 : undefined}
      aria-label={virtual ? "Report rows (scroll to see more)" : undefined}
      role={virtual ? "region" : undefined}
    >
      <table className="report-table" aria-label="Who has what" aria-rowcount={rows.length + 1} data-testid="report-table">
        <colgroup>
          <col className="report-col-account" />
          <col className="report-col-set" />
          <col className="report-col-principal" />
          <col className="report-col-access" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Account</th>
            <th scope="col">Permission set</th>
            <th scope="col">Principal</th>
            <th scope="col">Access</th>
          </tr>
        </thead>
        <tbody>
          {padTop > 0 && (
            <tr aria-hidden="true" className="report-spacer">
              <td colSpan={COLUMNS} style={{ height: padTop }} />
            </tr>
          )}
          {indexes.map((i) => {
            const row = rows[i];
            return row === undefined ? null : (
              <Row
                key={rowKey(row, i)}
                row={row}
                index={i}
                admin={adminArns.has(row.permission_set_arn)}
                // Measured once shown, so the spacers stay exact whatever the theme's metrics.
                measure={virtual ? virtualizer.measureElement : undefined}
              />
            );
          })}
          {padBottom > 0 && (
            <tr aria-hidden="true" className="report-spacer">
              <td colSpan={COLUMNS} style={{ height: padBottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

function rowKey(r: ReportRow, i: number): string {
  return `${r.account_id}|${r.permission_set_arn}|${r.principal_type}|${r.principal_id}|${r.access}|${r.via_group ?? ""}|${i}`;
}

function Row({
  row,
  index,
  admin,
  measure,
}: {
  row: ReportRow;
  index: number;
  admin: boolean;
  measure?: (el: HTMLTableRowElement | null) => void;
}) {
  const via = row.access === "group";
  const ou = row.ou_path === "" ? "not in the organisation" : row.ou_path;
  return (
    <tr
      ref={measure}
      data-index={index}
      className="report-row"
      aria-rowindex={index + 2}
      data-testid="report-row"
      data-account-id={row.account_id}
      data-principal-id={row.principal_id}
      data-access={row.access}
    >
      <td>
        <div className="report-cell-main" title={row.account_name}>
          {row.account_name}
        </div>
        <div className="report-cell-sub muted" title={`${row.account_id} · ${ou}`}>
          <span className="mono">{formatAccountId(row.account_id)}</span> · {ou}
        </div>
      </td>
      <td>
        <div className="report-cell-main" title={row.permission_set_arn}>
          {row.permission_set_name}
        </div>
        {admin && (
          <div className="report-cell-sub">
            <span className="badge badge-admin">administrator</span>
          </div>
        )}
      </td>
      <td>
        <div className="report-cell-main" title={row.principal_name}>
          {row.principal_name}
        </div>
        <div className="report-cell-sub muted">{row.principal_type === "GROUP" ? "group" : "user"}</div>
      </td>
      <td>
        <span className={via ? "report-access report-access-group" : "report-access"}>{accessText(row)}</span>
      </td>
    </tr>
  );
}
