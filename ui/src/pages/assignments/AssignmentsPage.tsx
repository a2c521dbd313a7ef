/**
 * The "Account assignments" page: the matrix of who may use which permission set in which
 * account, from the last snapshot (shown at once, "as of" its time) and refreshed from AWS
 * with progress and Cancel. Changes are staged (kept per instance in localStorage by
 * `state/staging`), listed in the pending panel, and sent only through "Review and apply…".
 *
 * data-testids for end-to-end tests:
 * - `assignments-page`: the page; `assignments-empty`: no snapshot yet; `assignments-needs-connection`
 * - `refresh-snapshot`: the Refresh button; `snapshot-progress` (+ `snapshot-progress-cancel`): a refresh running;
 *   `snapshot-as-of`: when the shown snapshot was taken
 * - `pivot-principal` / `pivot-permission-set` / `pivot-account`: the pivots; `pivot-ps-select`, `pivot-account-select`
 * - `filter-account`, `filter-ou`, `filter-principal`, `filter-principal-kind`, `filter-ps` (+ `filter-ps-<set name>`)
 * - `legend` (+ `legend-<set name>`)
 * - `matrix`: the grid; `ou-row-<ouId>` (its row header; `ou-toggle-<ouId>` collapses), `row-<accountId>`,
 *   `col-<principalId>`, `cell-<accountId>-<principalId>` (`data-chips` = chip count; in the "one permission set"
 *   pivot `data-checked`); `no-match`: no account or principal matches the filters
 * - `account-grid`: the "one account" pivot; `acct-cell-<principalId>-<set name>` (`data-checked`), `ps-col-<set name>`
 * - `cell-menu`: a cell's permission set menu, with `ps-option-<set name>` checkboxes
 * - `selection-bar`, `bulk-assign`, `bulk-remove`, `clear-selection`, `collapse-all`, `expand-all`
 * - `bulk-picker`: the "Assign/Remove permission sets" dialog, with `ps-option-<set name>`, `bulk-summary`,
 *   and the buttons `stage-assign` / `stage-remove`
 * - `pending-panel`, `pending-count`, `pending-item`, `pending-adds`, `pending-removes`, `pending-empty`,
 *   `discard-all` (+ `discard-confirm`), `review-apply`; `apply-flow`: the review/apply dialog
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, type ChangeSet, type GatehouseError, type Snapshot } from "../../backend/api";
import { Callout } from "../../components/Callout";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { absoluteTime, relativeTime } from "../../lib/format";
import { useNow } from "../../lib/useNow";
import { useConnection } from "../../state/connection";
import { useNavigation } from "../../state/navigation";
import { useStaging, type ChangeOp } from "../../state/staging";
import { TaskProgress } from "../permission-sets/parts";
import { AccountView } from "./AccountView";
import { ApplyFlow } from "./ApplyFlow";
import { changeKeys, useApply } from "./applyStore";
import { BulkPicker } from "./BulkPicker";
import { CellMenu } from "./CellMenu";
import { MatrixView, type MatrixMode } from "./MatrixView";
import {
  accountPivot,
  allOuIds,
  buildIndex,
  buildRows,
  filtersAccounts,
  indexStaged,
  NO_FILTER,
  permissionSetFilter,
  lockedAccountId,
  pickAccount,
  pickPermissionSet,
  snapshotNeedsRefresh,
  toggleChange,
  visibleAccounts,
  visiblePrincipals,
  type MatrixFilter,
  type MatrixIndex,
  type Pivot,
  type Principal,
} from "./model";
import { count, Legend } from "./parts";
import { PendingPanel } from "./PendingPanel";
import { useCachedSnapshot, useSnapshotRefresh } from "./queries";
import { NO_SELECTION, selectionTargets, targetCellCount, targetMembership, type Selection } from "./selection";
import { Toolbar } from "./Toolbar";

/** How often a change set running in another process is looked at again (its heartbeat is 2 s). */
const RUNNING_ELSEWHERE_POLL_MS = 3000;

export function AssignmentsPage() {
  const conn = useConnection();
  const nav = useNavigation();
  const staging = useStaging();
  const instanceArn = conn.status?.identity.instance?.instance_arn ?? null;
  const cached = useCachedSnapshot();
  const refresh = useSnapshotRefresh();
  const now = useNow(30_000);
  const snapshot = cached.data ?? null;
  const running = refresh.state.kind === "running";
  const [applyOpen, setApplyOpen] = useState(false);
  const [resumeOpen, setResumeOpen] = useState(false);
  // An apply outlives this page: coming back while it runs (or after it ended) shows it again.
  const apply = useApply();
  // The newest unfinished change set: interrupted (resumable), or running in another process
  // (the CLI, another window, or one that crashed a moment ago) — watched until it ends or its
  // heartbeat goes stale, when it reads as interrupted.
  const unfinished = useQuery<ChangeSet | null, GatehouseError>({
    queryKey: changeKeys.interrupted,
    queryFn: () => api.unfinishedChangeSet(),
    enabled: instanceArn !== null,
    refetchInterval: (q) => (q.state.data?.summary.status === "running" ? RUNNING_ELSEWHERE_POLL_MS : false),
  });
  const unfinishedSet = unfinished.data ?? null;
  const interruptedSet = unfinishedSet?.summary.status === "interrupted" ? unfinishedSet : null;
  const elsewhereSet = unfinishedSet?.summary.status === "running" ? unfinishedSet : null;
  // "Continue in the background" hides a running apply; its result shows when it ends.
  const [applyHidden, setApplyHidden] = useState(false);
  const hidden = applyHidden && apply.state.kind === "running";
  const showApply = (applyOpen || resumeOpen || apply.state.kind !== "idle") && !hidden;

  // On opening (and after connecting to another instance): read AWS again when the kept
  // snapshot is missing, another instance's, or older than a few minutes.
  const autoFor = useRef<string | null>(null);
  const cacheSettled = !cached.isFetching && !cached.isPending;
  // A read already running (started before, perhaps for another instance) is waited for first;
  // a failed one is not retried behind the admin's back.
  const { start } = refresh;
  const failed = refresh.state.kind === "failed";
  useEffect(() => {
    if (instanceArn === null || !(cacheSettled || cached.isError) || running || autoFor.current === instanceArn) return;
    autoFor.current = instanceArn;
    if (!failed && snapshotNeedsRefresh(snapshot, instanceArn, Date.now())) start();
  }, [instanceArn, cacheSettled, cached.isError, snapshot, running, failed, start]);

  const otherInstance = snapshot !== null && instanceArn !== null && snapshot.instance_arn !== instanceArn;
  const canStage = snapshot !== null && staging.instanceArn !== null && staging.instanceArn === snapshot.instance_arn;
  const index = useMemo(() => (snapshot === null ? null : buildIndex(snapshot)), [snapshot]);

  return (
    <section className="page asg-page" aria-labelledby="asg-title" data-testid="assignments-page">
      <div className="page-header">
        <div className="asg-title">
          <h1 id="asg-title">Account assignments</h1>
          {snapshot !== null && <SnapshotMeta snapshot={snapshot} now={now} />}
        </div>
        <div className="page-actions">
          <button
            type="button"
            onClick={refresh.start}
            disabled={running || instanceArn === null}
            title={instanceArn === null ? "Connect to an IAM Identity Center instance to read it" : "Read every account, principal and assignment again"}
            data-testid="refresh-snapshot"
          >
            {running && <Spinner />} Refresh
          </button>
        </div>
      </div>

      {hidden && apply.state.kind === "running" && (
        <div className="task-progress" data-testid="apply-background-progress" role="status" aria-live="polite">
          <progress
            aria-label="Changes finished"
            max={apply.state.view.total > 0 ? apply.state.view.total : undefined}
            value={apply.state.view.total > 0 ? apply.state.view.done : undefined}
          />
          <span className="task-count mono">{apply.state.view.total > 0 ? `${apply.state.view.done}/${apply.state.view.total}` : ""}</span>
          <span className="task-message">Applying in the background: {apply.state.view.message}</span>
          <button type="button" className="small" onClick={() => setApplyHidden(false)} data-testid="apply-show">
            Show
          </button>
        </div>
      )}
      {elsewhereSet !== null && apply.state.kind === "idle" && (
        <Callout tone="info" title="An apply is running in another Gatehouse" testId="running-elsewhere-banner">
          <p>
            Change set <span className="mono">{elsewhereSet.summary.id}</span>, started {absoluteTime(elsewhereSet.summary.created_at)} by{" "}
            <span className="mono">{elsewhereSet.summary.caller_arn}</span>, is being applied by another process (the command line or another window):{" "}
            {(elsewhereSet.summary.counts.total - elsewhereSet.summary.counts.unfinished).toLocaleString()} of{" "}
            {elsewhereSet.summary.counts.total.toLocaleString()} changes finished. Changes to the same assignments can be applied once it ends; if that
            process stopped, this turns into a resume offer within seconds.
          </p>
        </Callout>
      )}
      {interruptedSet !== null && apply.state.kind === "idle" && (
        <Callout
          tone="attention"
          title="An apply was interrupted"
          testId="interrupted-banner"
          actions={
            <button type="button" className="primary" onClick={() => setResumeOpen(true)} data-testid="interrupted-open">
              Review and resume…
            </button>
          }
        >
          <p>
            Change set <span className="mono">{interruptedSet.summary.id}</span>, started {absoluteTime(interruptedSet.summary.created_at)}:{" "}
            {interruptedSet.summary.counts.succeeded.toLocaleString()} of {interruptedSet.summary.counts.total.toLocaleString()} changes were done when
            Gatehouse stopped. Resuming checks AWS first and sends only what is missing.
          </p>
        </Callout>
      )}
      {running && (
        <TaskProgress
          progress={refresh.state.kind === "running" ? refresh.state.progress : null}
          cancelling={refresh.state.kind === "running" && refresh.state.cancelling}
          onCancel={refresh.cancel}
          label="Organisation read"
          startMessage="Reading accounts, principals and assignments…"
          testId="snapshot-progress"
        />
      )}
      {refresh.state.kind === "failed" && (
        <ErrorCallout error={refresh.state.error} title="Could not read the organisation's access" onRetry={refresh.start} retryLabel="Refresh again">
          {snapshot !== null && <p className="muted">The matrix shows the snapshot as of {absoluteTime(snapshot.taken_at)}.</p>}
        </ErrorCallout>
      )}
      {refresh.state.kind === "cancelled" && (
        <p className="muted" role="status" data-testid="snapshot-cancelled">
          Reading cancelled{snapshot !== null ? `; the matrix shows the snapshot as of ${absoluteTime(snapshot.taken_at)}` : ""}.{" "}
          <button type="button" className="link-button" onClick={refresh.dismiss}>
            Dismiss
          </button>
        </p>
      )}
      {cached.isError && <ErrorCallout error={cached.error} title="Could not read the kept snapshot" onRetry={() => void cached.refetch()} />}

      {instanceArn === null && conn.state !== "connecting" && (
        <Callout
          tone="info"
          title={snapshot !== null ? "Not connected: this is the last snapshot kept on this computer" : "Assignments need a connection to AWS"}
          testId="assignments-needs-connection"
          actions={
            <button type="button" className="primary" onClick={nav.openConnect}>
              {conn.status === null ? "Connect…" : "Change connection…"}
            </button>
          }
        >
          <p>
            {conn.status !== null
              ? `There is no IAM Identity Center instance in ${conn.status.identity.region}. `
              : ""}
            Connect to the instance to refresh the matrix and to stage changes.
          </p>
        </Callout>
      )}
      {otherInstance && (
        <Callout tone="attention" title="This snapshot is of another instance" testId="assignments-other-instance">
          <p>
            It was taken from <span className="mono">{snapshot.instance_arn}</span>. Refresh to read the connected instance; changes can
            be staged once the matrix shows it.
          </p>
        </Callout>
      )}

      <div className="asg-body">
        <div className="asg-main">
          {index !== null ? (
            <Workspace key={index.snapshot.instance_arn} index={index} canStage={canStage} />
          ) : cached.isPending ? (
            <p className="muted">
              <Spinner /> Opening the last snapshot…
            </p>
          ) : running ? (
            <p className="muted" data-testid="assignments-first-read">
              Reading the organisation for the first time. With many accounts this takes a few minutes; the matrix is kept on this
              computer afterwards and opens at once.
            </p>
          ) : (
            <Callout
              tone="info"
              title="No snapshot yet"
              testId="assignments-empty"
              actions={
                <button type="button" className="primary" onClick={refresh.start} disabled={instanceArn === null}>
                  Read from AWS
                </button>
              }
            >
              <p>
                Gatehouse reads every account, OU, group, user, permission set and assignment once, keeps it on this computer, and shows
                it as a matrix. Refresh reads it again.
              </p>
            </Callout>
          )}
        </div>
        <PendingPanel
          index={index}
          changes={staging.changes}
          canApply={staging.instanceArn !== null && !otherInstance}
          onUnstage={(c) => staging.unstage([c])}
          onClear={staging.clear}
          onReview={() => setApplyOpen(true)}
          persistError={staging.persistError}
          lockedAccountId={lockedAccountId(conn.status?.identity ?? null, snapshot)}
        />
      </div>
      {showApply && (
        <ApplyFlow
          changes={staging.changes}
          resume={resumeOpen ? interruptedSet : null}
          onHide={() => setApplyHidden(true)}
          onClose={() => {
            setApplyOpen(false);
            setResumeOpen(false);
          }}
          onApplied={() => {
            // The backend folded what succeeded into the kept snapshot (read again by the
            // apply store); a full refresh stays the admin's choice.
            setApplyOpen(false);
            setResumeOpen(false);
          }}
        />
      )}
    </section>
  );
}

function SnapshotMeta({ snapshot, now }: { snapshot: Snapshot; now: number }) {
  return (
    <p className="asg-meta muted">
      <span data-testid="snapshot-as-of" title={snapshot.taken_at}>
        As of {absoluteTime(snapshot.taken_at)} ({relativeTime(snapshot.taken_at, now)})
      </span>
      {" · "}
      {count(snapshot.accounts.length, "account")} · {count(snapshot.groups.length, "group")} · {count(snapshot.users.length, "user")} ·{" "}
      {count(snapshot.permission_sets.length, "permission set")} · {count(snapshot.assignments.length, "assignment")}
    </p>
  );
}

type CellTarget = { accountId: string; principal: Principal; anchor: DOMRect };

/** Everything below the toolbar for one snapshot: filters, pivots, selection, the grids, menus. */
function Workspace({ index, canStage }: { index: MatrixIndex; canStage: boolean }) {
  const staging = useStaging();
  const [filter, setFilterState] = useState<MatrixFilter>(NO_FILTER);
  const [pivot, setPivotState] = useState<Pivot>("principal");
  const [pivotPsWanted, setPivotPs] = useState<string | null>(null);
  const [pivotAccountWanted, setPivotAccount] = useState<string | null>(null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [menu, setMenu] = useState<CellTarget | null>(null);
  const [bulk, setBulk] = useState<ChangeOp | null>(null);
  const focusCell = useRef<(() => void) | null>(null);

  const visible = useMemo(() => visibleAccounts(index, filter), [index, filter]);
  const rows = useMemo(() => buildRows(index, visible, collapsed, filtersAccounts(filter)), [index, visible, collapsed, filter]);
  const columns = useMemo(() => visiblePrincipals(index, filter), [index, filter]);
  const stagedIdx = useMemo(() => indexStaged(staging.changes), [staging.changes]);
  const only = useMemo(() => permissionSetFilter(filter), [filter]);
  const targets = useMemo(() => selectionTargets(index, rows, columns, visible, selection), [index, rows, columns, visible, selection]);
  const membership = useMemo(() => targetMembership(targets), [targets]);
  const pivotPs = pickPermissionSet(index, pivotPsWanted);
  const pivotPsInfo = pivotPs !== null ? (index.psByArn.get(pivotPs) ?? null) : null;
  const mode = useMemo<MatrixMode>(
    () => (pivot === "permission-set" && pivotPsInfo !== null ? { kind: "checkbox", ps: pivotPsInfo } : { kind: "chips", only }),
    [pivot, pivotPsInfo, only],
  );
  const pivotAccountId = pickAccount(index, pivotAccountWanted, visible);
  const pivotAccount = pivotAccountId !== null ? (index.accounts.get(pivotAccountId) ?? null) : null;

  // Rectangles are row/column positions: they do not survive a change of rows or columns.
  const dropRect = () => setSelection((s) => (s.kind === "rect" ? NO_SELECTION : s));
  const setFilter = (f: MatrixFilter) => {
    setFilterState(f);
    dropRect();
  };
  const setPivot = (p: Pivot) => {
    setPivotState(p);
    setMenu(null);
    if (p === "account") setSelection(NO_SELECTION);
  };
  const toggleCollapse = (ouId: string, collapse?: boolean) => {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (collapse ?? !prev.has(ouId)) next.add(ouId);
      else next.delete(ouId);
      return next;
    });
    dropRect();
  };
  const toggle = (accountId: string, principal: Principal, psArn: string) => {
    if (canStage) staging.stage([toggleChange(index, stagedIdx, accountId, principal, psArn)]);
  };
  const closeMenu = () => {
    setMenu(null);
    focusCell.current?.();
  };

  const cells = targetCellCount(targets);
  const menuAccount = menu !== null ? index.accounts.get(menu.accountId) : undefined;

  return (
    <>
      <Toolbar
        index={index}
        filter={filter}
        onFilter={setFilter}
        pivot={pivot}
        onPivot={setPivot}
        pivotPs={pivotPs}
        onPivotPs={setPivotPs}
        pivotAccount={pivotAccountId}
        onPivotAccount={setPivotAccount}
        visible={visible}
      />
      {pivot === "principal" && (
        <Legend
          sets={index.permissionSets}
          chosen={filter.permissionSetArns}
          onToggle={(arn) =>
            setFilter({
              ...filter,
              permissionSetArns: filter.permissionSetArns.includes(arn)
                ? filter.permissionSetArns.filter((a) => a !== arn)
                : [...filter.permissionSetArns, arn],
            })
          }
        />
      )}
      {!canStage && (
        <p className="muted" data-testid="staging-unavailable">
          Read only: changes can be staged when connected to the instance this snapshot is of.
        </p>
      )}

      {pivot !== "account" && (
        <div className="asg-selection" data-testid="selection-bar">
          <span className="asg-selection-text" role="status">
            {selection.kind === "none"
              ? "Select: drag or shift-click cells, or click row and column headers."
              : cells > 0
                ? `${count(targets.accountIds.length, "account")} × ${count(targets.principals.length, "principal")} selected`
                : targets.accountIds.length > 0
                  ? `${count(targets.accountIds.length, "account")} selected: now click a principal column header.`
                  : "Now click an OU or account row."}
          </span>
          <button type="button" className="small" disabled={cells === 0 || !canStage} onClick={() => setBulk("create")} data-testid="bulk-assign">
            Assign permission sets…
          </button>
          <button type="button" className="small" disabled={cells === 0 || !canStage} onClick={() => setBulk("delete")} data-testid="bulk-remove">
            Remove…
          </button>
          <button type="button" className="small" disabled={selection.kind === "none"} onClick={() => setSelection(NO_SELECTION)} data-testid="clear-selection" aria-label="Clear selection">
            Clear
          </button>
          <span className="asg-selection-spacer" />
          <button type="button" className="small" onClick={() => setCollapsed(new Set(allOuIds(index)))} data-testid="collapse-all">
            Collapse all
          </button>
          <button type="button" className="small" onClick={() => setCollapsed(new Set())} data-testid="expand-all">
            Expand all
          </button>
        </div>
      )}

      {index.snapshot.accounts.length === 0 ? (
        <p className="muted" data-testid="no-accounts">
          The snapshot has no account: Gatehouse could not list the organisation&rsquo;s accounts.
        </p>
      ) : pivot === "account" ? (
        pivotAccount === null ? null : (
          <AccountGrid index={index} filter={filter} account={pivotAccount} stagedIdx={stagedIdx} canStage={canStage} onToggle={toggle} onClear={() => setFilter(NO_FILTER)} />
        )
      ) : rows.length === 0 || columns.length === 0 ? (
        <NoMatch what={rows.length === 0 ? "account" : "principal"} onClear={() => setFilter(NO_FILTER)} />
      ) : pivot === "permission-set" && pivotPsInfo === null ? (
        <p className="muted">This instance has no permission set.</p>
      ) : (
        <MatrixView
          index={index}
          rows={rows}
          columns={columns}
          staged={stagedIdx}
          mode={mode}
          selection={selection}
          onSelectionChange={setSelection}
          membership={membership}
          onToggleCollapse={toggleCollapse}
          onOpenCell={(accountId, principal, anchor) => setMenu({ accountId, principal, anchor })}
          onToggle={toggle}
          canStage={canStage}
          focusRef={focusCell}
        />
      )}

      {menu !== null && menuAccount !== undefined && (
        <CellMenu
          index={index}
          staged={stagedIdx}
          account={menuAccount}
          principal={menu.principal}
          anchor={menu.anchor}
          canStage={canStage}
          onToggle={(arn) => toggle(menu.accountId, menu.principal, arn)}
          onClose={closeMenu}
        />
      )}
      {bulk !== null && (
        <BulkPicker
          op={bulk}
          index={index}
          staged={stagedIdx}
          targets={targets}
          initial={pivot === "permission-set" && pivotPs !== null ? [pivotPs] : filter.permissionSetArns}
          onStage={(changes) => {
            staging.stage(changes);
            setBulk(null);
          }}
          onClose={() => setBulk(null)}
        />
      )}
    </>
  );
}

function AccountGrid({
  index,
  filter,
  account,
  stagedIdx,
  canStage,
  onToggle,
  onClear,
}: {
  index: MatrixIndex;
  filter: MatrixFilter;
  account: NonNullable<ReturnType<MatrixIndex["accounts"]["get"]>>;
  stagedIdx: ReturnType<typeof indexStaged>;
  canStage: boolean;
  onToggle: (accountId: string, principal: Principal, psArn: string) => void;
  onClear: () => void;
}) {
  const { rows, columns } = useMemo(() => accountPivot(index, filter), [index, filter]);
  if (rows.length === 0 || columns.length === 0) return <NoMatch what={rows.length === 0 ? "principal" : "permission set"} onClear={onClear} />;
  return <AccountView index={index} account={account} principals={rows} sets={columns} staged={stagedIdx} canStage={canStage} onToggle={onToggle} />;
}

function NoMatch({ what, onClear }: { what: string; onClear: () => void }) {
  return (
    <div className="asg-no-match" data-testid="no-match">
      <p className="muted">No {what} matches the filters.</p>
      <button type="button" className="small" onClick={onClear}>
        Clear filters
      </button>
    </div>
  );
}
