/**
 * The Reports page: who has what across the organisation, from the last snapshot of the access
 * state. Filters by user (with the access inherited through groups), group, account, OU,
 * permission set and free text; a one-click view of the users with administrator-level access;
 * exports of the filtered rows (CSV, JSON) and of the whole state as code.
 */
import { useDeferredValue, useId, useMemo, useState } from "react";
import { api, type ReportFormat, type ReportRow, type Snapshot } from "../../backend/api";
import { pickSavePath } from "../../backend/dialog";
import { Callout } from "../../components/Callout";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { absoluteTime, formatAccountId, relativeTime } from "../../lib/format";
import { useNow } from "../../lib/useNow";
import { useConnection } from "../../state/connection";
import { useNavigation } from "../../state/navigation";
import { ASSIGNMENTS_PAGE } from "../assignments";
import { useCachedSnapshot, useSnapshotRefresh } from "../assignments/queries";
import { TaskProgress } from "../permission-sets/parts";
import { ExportCodePanel } from "./ExportCodePanel";
import {
  adminByAccount,
  adminPermissionSets,
  describeTotals,
  exportFileName,
  filterRows,
  indexRows,
  isFiltered,
  NO_FILTER,
  ouChoices,
  plural,
  reportContext,
  totals,
  userOptions,
  userSummary,
  type ReportContext,
  type ReportFilter,
} from "./model";
import { useWhoHasWhat } from "./queries";
import { ReportTable } from "./ReportTable";
import { UserPicker } from "./UserPicker";

export function ReportsPage() {
  const id = useId();
  const snapshotQuery = useCachedSnapshot();
  const snapshot = snapshotQuery.data ?? null;

  return (
    <section className="page report-page" aria-labelledby={`${id}-title`} data-testid="reports-page">
      <div className="page-header">
        <h1 id={`${id}-title`}>Reports</h1>
      </div>
      <p className="page-intro">
        Who has what across the organisation: every account assignment of IAM Identity Center (formerly AWS SSO), with
        assignments to groups expanded to their members, read from the last snapshot of the access state.
      </p>
      <SnapshotBar snapshot={snapshot} loading={snapshotQuery.isPending} />
      {snapshotQuery.isError && (
        <ErrorCallout error={snapshotQuery.error} title="Could not read the kept snapshot" onRetry={() => void snapshotQuery.refetch()} />
      )}
      {/* Not keyed by the snapshot: the filters stay when a refresh brings a new one. */}
      {snapshot !== null && <Report snapshot={snapshot} />}
    </section>
  );
}

/** When the snapshot was taken, and reading it again (or for the first time) with progress. */
function SnapshotBar({ snapshot, loading }: { snapshot: Snapshot | null; loading: boolean }) {
  const conn = useConnection();
  const nav = useNavigation();
  const refresh = useSnapshotRefresh();
  const now = useNow();
  const state = refresh.state;
  const canRefresh = conn.status?.identity.instance != null;
  const running = state.kind === "running";

  const refreshButton = canRefresh ? (
    <button type="button" className={snapshot === null ? "primary" : undefined} onClick={refresh.start} disabled={running} data-testid="report-refresh">
      {running && <Spinner />} {snapshot === null ? "Read the access state" : "Refresh"}
    </button>
  ) : (
    <button type="button" className={snapshot === null ? "primary" : undefined} onClick={nav.openConnect} disabled={conn.state === "connecting"}>
      Connect…
    </button>
  );

  return (
    <>
      {loading ? (
        <p className="muted" role="status">
          <Spinner /> Reading the kept snapshot…
        </p>
      ) : snapshot === null ? (
        !running && (
          <Callout
            tone="info"
            title="No snapshot of the access state yet"
            testId="report-no-snapshot"
            actions={
              <>
                {refreshButton}
                <button type="button" className="link-button" onClick={() => nav.navigate(ASSIGNMENTS_PAGE)}>
                  Open Assignments
                </button>
              </>
            }
          >
            <p>
              Reports are made from a snapshot of the organisation&rsquo;s accounts, permission sets, users, groups and account
              assignments. Reading it sends many requests to AWS (paced to stay within its quotas) and is kept locally, so
              reports open at once afterwards.
              {!canRefresh && " Connect to your IAM Identity Center instance first."}
            </p>
          </Callout>
        )
      ) : (
        <div className="report-snapshot-bar" data-testid="report-snapshot">
          <span>
            Snapshot taken <time dateTime={snapshot.taken_at} title={absoluteTime(snapshot.taken_at)}>{relativeTime(snapshot.taken_at, now)}</time>{" "}
            <span className="muted">
              ({absoluteTime(snapshot.taken_at)}) · {plural(snapshot.accounts.length, "account")} ·{" "}
              {plural(snapshot.permission_sets.length, "permission set")} · {plural(snapshot.groups.length, "group")} ·{" "}
              {plural(snapshot.users.length, "user")}
            </span>
          </span>
          {refreshButton}
        </div>
      )}
      {state.kind === "running" && (
        <TaskProgress
          progress={state.progress}
          cancelling={state.cancelling}
          onCancel={refresh.cancel}
          label="Access state read"
          startMessage="Reading the access state from AWS…"
          testId="report-refresh-progress"
        />
      )}
      {state.kind === "cancelled" && (
        <p className="muted" role="status">
          Reading cancelled{snapshot !== null ? "; the report shows the previous snapshot" : ""}.{" "}
          <button type="button" className="link-button" onClick={refresh.dismiss}>
            Dismiss
          </button>
        </p>
      )}
      {state.kind === "failed" && (
        <ErrorCallout error={state.error} title="Could not read the access state" onRetry={refresh.start} retryLabel="Read again" />
      )}
    </>
  );
}

type ExportState =
  | { kind: "idle" }
  | { kind: "saving"; format: ReportFormat }
  | { kind: "saved"; format: ReportFormat; path: string; rows: number }
  | { kind: "failed"; error: unknown };

function Report({ snapshot }: { snapshot: Snapshot }) {
  const id = useId();
  const rowsQuery = useWhoHasWhat(snapshot.taken_at);
  const ctx = useMemo(() => reportContext(snapshot), [snapshot]);
  const admin = useMemo(() => adminPermissionSets(snapshot), [snapshot]);
  const users = useMemo(() => userOptions(snapshot), [snapshot]);
  const ous = useMemo(() => ouChoices(snapshot), [snapshot]);
  const indexed = useMemo(() => indexRows(rowsQuery.data ?? []), [rowsQuery.data]);
  const [filter, setFilter] = useState<ReportFilter>(NO_FILTER);
  const deferred = useDeferredValue(filter);
  const rows = useMemo(() => filterRows(indexed, deferred, ctx), [indexed, deferred, ctx]);
  const total = useMemo(() => totals(rows), [rows]);
  const [exporting, setExporting] = useState<ExportState>({ kind: "idle" });
  const [codeOpen, setCodeOpen] = useState(false);

  const set = <K extends keyof ReportFilter>(key: K, value: ReportFilter[K]) => {
    setFilter((f) => ({ ...f, [key]: value }));
    setExporting({ kind: "idle" });
  };
  const userName = filter.userId !== null ? (users.find((u) => u.id === filter.userId)?.userName ?? null) : null;
  const groupName = filter.groupId !== null ? (ctx.groupNames.get(filter.groupId) ?? null) : null;

  const exportRows = async (format: ReportFormat) => {
    const chosen: ReportRow[] = rows;
    setExporting({ kind: "saving", format });
    try {
      const path = await pickSavePath({
        title: `Save the report as ${format.toUpperCase()}`,
        defaultPath: exportFileName(filter, { user: userName, group: groupName }, format, new Date()),
        filters: [format === "csv" ? { name: "CSV", extensions: ["csv"] } : { name: "JSON", extensions: ["json"] }],
      });
      if (path === null) {
        setExporting({ kind: "idle" });
        return;
      }
      await api.saveReport(path, format, chosen);
      setExporting({ kind: "saved", format, path, rows: chosen.length });
    } catch (error) {
      setExporting({ kind: "failed", error });
    }
  };

  return (
    <>
      <form className="panel report-filters" role="search" aria-label="Filter the report" onSubmit={(e) => e.preventDefault()}>
        <div className="report-filter-grid">
          <UserPicker options={users} value={filter.userId} onChange={(v) => set("userId", v)} />
          <div className="report-filter">
            <label htmlFor={`${id}-group`}>Group</label>
            <select id={`${id}-group`} value={filter.groupId ?? ""} onChange={(e) => set("groupId", e.target.value || null)} data-testid="report-filter-group">
              <option value="">All groups</option>
              {snapshot.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.display_name}
                </option>
              ))}
            </select>
          </div>
          <div className="report-filter">
            <label htmlFor={`${id}-account`}>Account</label>
            <select id={`${id}-account`} value={filter.accountId ?? ""} onChange={(e) => set("accountId", e.target.value || null)} data-testid="report-filter-account">
              <option value="">All accounts</option>
              {snapshot.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({formatAccountId(a.id)})
                </option>
              ))}
            </select>
          </div>
          <div className="report-filter">
            <label htmlFor={`${id}-ou`}>OU</label>
            <select id={`${id}-ou`} value={filter.ouPath ?? ""} onChange={(e) => set("ouPath", e.target.value || null)} data-testid="report-filter-ou">
              <option value="">All OUs</option>
              {ous.map((o) => (
                <option key={o.path} value={o.path}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
          <div className="report-filter">
            <label htmlFor={`${id}-ps`}>Permission set</label>
            <select
              id={`${id}-ps`}
              value={filter.permissionSetArn ?? ""}
              onChange={(e) => set("permissionSetArn", e.target.value || null)}
              data-testid="report-filter-permission-set"
            >
              <option value="">All permission sets</option>
              {snapshot.permission_sets.map((ps) => (
                <option key={ps.arn} value={ps.arn}>
                  {ps.name}
                  {ctx.adminArns.has(ps.arn) ? " (administrator)" : ""}
                </option>
              ))}
            </select>
          </div>
          <div className="report-filter">
            <label htmlFor={`${id}-search`}>Search</label>
            <input
              id={`${id}-search`}
              type="search"
              placeholder="Account, OU, set, principal…"
              value={filter.search}
              onChange={(e) => set("search", e.target.value)}
              data-testid="report-search"
              autoComplete="off"
              spellCheck={false}
            />
          </div>
        </div>
        <div className="report-filter-actions">
          <button
            type="button"
            aria-pressed={filter.adminOnly}
            className={filter.adminOnly ? "report-admin-toggle pressed" : "report-admin-toggle"}
            onClick={() => set("adminOnly", !filter.adminOnly)}
            data-testid="admin-access-view"
          >
            Users with administrator-level access
          </button>
          <button type="button" className="link-button" onClick={() => setFilter(NO_FILTER)} disabled={!isFiltered(filter)} data-testid="report-clear-filters">
            Clear filters
          </button>
        </div>
      </form>

      {filter.userId !== null && rowsQuery.data !== undefined && (
        <UserSummaryLine rows={rowsQuery.data} userId={filter.userId} userName={userName ?? filter.userId} />
      )}
      {filter.adminOnly && <AdminSummary rows={rows} ctx={ctx} admin={admin} />}

      <div className="report-toolbar">
        <span className="report-total" role="status" data-testid="report-total" data-rows={total.rows}>
          {rowsQuery.data === undefined ? "\u00a0" : describeTotals(total)}
        </span>
        <div className="page-actions">
          <button type="button" onClick={() => void exportRows("csv")} disabled={rowsQuery.data === undefined || exporting.kind === "saving"} data-testid="export-csv">
            {exporting.kind === "saving" && exporting.format === "csv" && <Spinner />} Export CSV…
          </button>
          <button type="button" onClick={() => void exportRows("json")} disabled={rowsQuery.data === undefined || exporting.kind === "saving"} data-testid="export-json">
            {exporting.kind === "saving" && exporting.format === "json" && <Spinner />} Export JSON…
          </button>
          <button type="button" onClick={() => setCodeOpen(true)} aria-expanded={codeOpen} data-testid="export-code">
            Export as code…
          </button>
        </div>
      </div>
      {exporting.kind === "saved" && (
        <p role="status" className="report-saved" data-testid="report-export-saved">
          Saved {plural(exporting.rows, "row")} as {exporting.format.toUpperCase()} to <span className="mono">{exporting.path}</span>.
        </p>
      )}
      {exporting.kind === "failed" && <ErrorCallout error={exporting.error} title="Could not save the report" />}
      {codeOpen && <ExportCodePanel takenAt={snapshot.taken_at} onClose={() => setCodeOpen(false)} />}

      {rowsQuery.isPending && (
        <p className="muted" role="status">
          <Spinner /> Building the report…
        </p>
      )}
      {rowsQuery.isError && <ErrorCallout error={rowsQuery.error} title="Could not build the report" onRetry={() => void rowsQuery.refetch()} />}
      {rowsQuery.data !== undefined &&
        (rows.length > 0 ? (
          <ReportTable rows={rows} adminArns={ctx.adminArns} />
        ) : (
          <p className="muted" data-testid="report-empty">
            {indexed.length === 0
              ? "Nobody has access yet: this snapshot has no account assignment."
              : filter.adminOnly && !isFiltered({ ...filter, adminOnly: false })
                ? "No user holds an administrator-level permission set."
                : "No access matches these filters."}
          </p>
        ))}
    </>
  );
}

function UserSummaryLine({ rows, userId, userName }: { rows: readonly ReportRow[]; userId: string; userName: string }) {
  const s = useMemo(() => userSummary(rows, userId), [rows, userId]);
  return (
    <p className="report-user-summary" data-testid="report-user-summary">
      {s.accounts === 0 ? (
        <>
          <b>{userName}</b> has no access in this snapshot (neither assigned directly nor through a group).
        </>
      ) : (
        <>
          <b>{userName}</b> has access to {plural(s.accounts, "account")}:{" "}
          {[
            s.direct > 0 ? `${plural(s.direct, "assignment")} directly` : null,
            s.inherited > 0
              ? `${plural(s.inherited, "assignment")} through ${s.viaGroups.length === 1 ? "the group" : "the groups"} ${s.viaGroups.join(", ")}`
              : null,
          ]
            .filter((p) => p !== null)
            .join(", ")}
          .
        </>
      )}
    </p>
  );
}

function AdminSummary({
  rows,
  ctx,
  admin,
}: {
  rows: readonly ReportRow[];
  ctx: ReportContext;
  admin: ReturnType<typeof adminPermissionSets>;
}) {
  const accounts = useMemo(() => adminByAccount(rows, ctx.adminArns), [rows, ctx]);
  const users = new Set(accounts.flatMap((a) => a.users.map((u) => u.userId)));
  return (
    <Callout
      tone={admin.sets.length === 0 ? "info" : "attention"}
      title="Administrator-level access"
      testId="admin-access-summary"
    >
      {admin.sets.length === 0 ? (
        <p>No permission set in this snapshot grants administrator-level access.</p>
      ) : (
        <>
          <p>
            {plural(users.size, "user")} {users.size === 1 ? "holds" : "hold"} an administrator-level permission set (
            {admin.sets.map((s) => s.name).join(", ")}) in {plural(accounts.length, "account")}, directly or through a group.
          </p>
          {!admin.judged && (
            <p className="muted">
              This snapshot was taken before Gatehouse read permission set policies: sets are judged by name and the
              AdministratorAccess policy only. Refresh for a complete answer (an inline policy allowing every action counts too).
            </p>
          )}
          {accounts.length > 0 && (
            <details className="report-admin-accounts">
              <summary>By account</summary>
              <ul>
                {accounts.map((a) => (
                  <li key={a.accountId}>
                    <b>{a.accountName}</b> <span className="mono muted">{formatAccountId(a.accountId)}</span>:{" "}
                    {a.users.map((u, i) => (
                      <span key={u.userId}>
                        {i > 0 && "; "}
                        {u.userName} <span className="muted">({u.grants.join(", ")})</span>
                      </span>
                    ))}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </Callout>
  );
}
