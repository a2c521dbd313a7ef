/**
 * The pending changes: what is staged, adds then removes, each with account, principal and
 * permission set by name and removable on its own; "Discard all" (asks once more) and
 * "Review and apply…". Long lists are virtualised (a bulk stage can add thousands).
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState, type CSSProperties } from "react";
import { formatAccountId } from "../../lib/format";
import type { StagedChange } from "../../state/staging";
import { describeChanges, type MatrixIndex, type PendingItem } from "./model";

type Entry = { kind: "head"; label: string; testId: string } | { kind: "item"; item: PendingItem };

/** Above this many entries the list is virtualised. */
const PLAIN_LIMIT = 200;
const ENTRY_HEIGHT = 44;

export function PendingPanel({
  index,
  changes,
  canApply,
  onUnstage,
  onClear,
  onReview,
  persistError,
  lockedAccountId = null,
}: {
  index: MatrixIndex | null;
  changes: readonly StagedChange[];
  canApply: boolean;
  /** The management account, when this connection cannot change access there (`lockedAccountId`). */
  lockedAccountId?: string | null;
  onUnstage: (change: StagedChange) => void;
  onClear: () => void;
  onReview: () => void;
  persistError: string | null;
}) {
  const { adds, removes } = useMemo(() => describeChanges(index, changes), [index, changes]);
  const locked = useMemo(
    () => (lockedAccountId === null ? 0 : changes.filter((c) => c.assignment.account_id === lockedAccountId).length),
    [changes, lockedAccountId],
  );
  const lockedName = lockedAccountId === null ? "" : (index?.accounts.get(lockedAccountId)?.name ?? lockedAccountId);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const entries = useMemo<Entry[]>(
    () => [
      ...(adds.length > 0 ? [{ kind: "head" as const, label: `Add (${adds.length.toLocaleString()})`, testId: "pending-adds" }] : []),
      ...adds.map((item) => ({ kind: "item" as const, item })),
      ...(removes.length > 0 ? [{ kind: "head" as const, label: `Remove (${removes.length.toLocaleString()})`, testId: "pending-removes" }] : []),
      ...removes.map((item) => ({ kind: "item" as const, item })),
    ],
    [adds, removes],
  );

  return (
    <aside className="asg-pending panel" aria-labelledby="asg-pending-title" data-testid="pending-panel">
      <div className="asg-pending-head">
        <h2 id="asg-pending-title">Pending changes</h2>
        <span className="badge" data-testid="pending-count" aria-label={`${changes.length} pending changes`}>
          {changes.length.toLocaleString()}
        </span>
      </div>
      {changes.length === 0 ? (
        <p className="muted" data-testid="pending-empty">
          Nothing staged. Click a cell to pick permission sets, or select cells (shift-click, drag) or an OU and a column, then
          “Assign permission sets…”. Nothing is sent to AWS before you review and apply.
        </p>
      ) : (
        <>
          <p className="muted asg-pending-sub">
            {adds.length.toLocaleString()} to add, {removes.length.toLocaleString()} to remove. Kept on this computer until applied or
            discarded.
          </p>
          {entries.length <= PLAIN_LIMIT ? (
            <ul className="asg-pending-list" aria-label="Staged changes">
              {entries.map((e) => (
                <EntryView key={entryKey(e)} entry={e} onUnstage={onUnstage} />
              ))}
            </ul>
          ) : (
            <VirtualEntries entries={entries} onUnstage={onUnstage} />
          )}
        </>
      )}
      {locked > 0 && lockedAccountId !== null && (
        <p className="text-attention" role="note" data-testid="pending-management">
          {locked === 1 ? "1 staged change is" : `${locked.toLocaleString()} staged changes are`} in the management account ({lockedName},{" "}
          <span className="mono">{formatAccountId(lockedAccountId)}</span>). IAM Identity Center does not let a delegated administrator
          change access there: {locked === 1 ? "it stays" : "they stay"} staged and {locked === 1 ? "is" : "are"} not sent. Make{" "}
          {locked === 1 ? "it" : "them"} while signed in to the management account.
        </p>
      )}
      {persistError !== null && (
        <p className="text-attention" role="alert">
          The staged changes could not be saved on this computer ({persistError}); they are kept in this window only.
        </p>
      )}
      <div className="asg-pending-actions">
        {confirmDiscard ? (
          <>
            <button
              type="button"
              className="danger"
              data-testid="discard-confirm"
              onClick={() => {
                onClear();
                setConfirmDiscard(false);
              }}
            >
              Discard {changes.length.toLocaleString()}
            </button>
            <button type="button" onClick={() => setConfirmDiscard(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" disabled={changes.length === 0} onClick={() => setConfirmDiscard(true)} data-testid="discard-all">
            Discard all
          </button>
        )}
        <button type="button" className="primary" disabled={changes.length === 0 || !canApply} onClick={onReview} data-testid="review-apply">
          Review and apply…
        </button>
      </div>
    </aside>
  );
}

function entryKey(e: Entry): string {
  if (e.kind === "head") return e.testId;
  const a = e.item.change.assignment;
  return `${e.item.change.op}|${a.account_id}|${a.principal_id}|${a.permission_set_arn}`;
}

function EntryView({ entry, onUnstage, style }: { entry: Entry; onUnstage: (c: StagedChange) => void; style?: CSSProperties }) {
  if (entry.kind === "head") {
    return (
      <li className="asg-pending-group" data-testid={entry.testId} style={style}>
        {entry.label}
      </li>
    );
  }
  const { item } = entry;
  const add = item.change.op === "create";
  const what = `${add ? "add" : "remove"} ${item.permissionSetName} for ${item.principalName} in ${item.accountName}`;
  return (
    <li className={`asg-pending-item ${add ? "is-add" : "is-remove"}`} style={style} data-testid="pending-item">
      <span className="asg-pending-mark" aria-hidden="true">
        {add ? "+" : "−"}
      </span>
      <span className="asg-pending-text">
        <span className="asg-pending-ps">{item.permissionSetName}</span>
        <span className="asg-pending-where">
          {item.principalType === "GROUP" ? "group " : ""}
          {item.principalName} · {item.accountName}
        </span>
      </span>
      <button type="button" className="icon-button" aria-label={`Unstage: ${what}`} title="Unstage" onClick={() => onUnstage(item.change)}>
        ×
      </button>
    </li>
  );
}

function VirtualEntries({ entries, onUnstage }: { entries: readonly Entry[]; onUnstage: (c: StagedChange) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: entries.length,
    getScrollElement: () => ref.current,
    estimateSize: () => ENTRY_HEIGHT,
    overscan: 8,
    initialRect: { width: 300, height: 600 },
    getItemKey: (i) => {
      const e = entries[i];
      return e === undefined ? i : entryKey(e);
    },
  });
  return (
    <div ref={ref} className="asg-pending-scroll">
      <ul className="asg-pending-list is-virtual" aria-label="Staged changes" style={{ height: v.getTotalSize() }}>
        {v.getVirtualItems().map((vi) => {
          const e = entries[vi.index];
          if (e === undefined) return null;
          return (
            <EntryView
              key={vi.key}
              entry={e}
              onUnstage={onUnstage}
              style={{ position: "absolute", top: vi.start, left: 0, right: 0, height: vi.size }}
            />
          );
        })}
      </ul>
    </div>
  );
}
