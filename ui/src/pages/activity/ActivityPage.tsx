/**
 * The Activity page: the audit log of account assignment change sets applied from Gatehouse,
 * newest first — when, who (the caller's ARN), what, and how it ended. An entry opens its items,
 * each with its outcome and AWS's reason for failures, filterable by status and copyable as text.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import type { ChangeSetSummary } from "../../backend/api";
import { Callout } from "../../components/Callout";
import { CopyButton } from "../../components/CopyButton";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { absoluteTime, formatAccountId, instanceIdFromArn, relativeTime } from "../../lib/format";
import { useNow } from "../../lib/useNow";
import { useNavigation } from "../../state/navigation";
import { ASSIGNMENTS_PAGE } from "../assignments";
import {
  changeSetText,
  countByGroup,
  countsText,
  describeCaller,
  filterItems,
  ITEM_GROUPS,
  ITEM_STATUS,
  itemSentence,
  newestFirst,
  opText,
  OUTCOMES,
  whatText,
  type ItemFilter,
  type Tone,
} from "./model";
import { activityKeys, PAGE_SIZE, useActivityLog, useChangeSet } from "./queries";

export function ActivityPage() {
  const [open, setOpen] = useState<string | null>(null);
  // Focus returns to the entry that was opened.
  const [returnTo, setReturnTo] = useState<string | null>(null);
  return open === null ? (
    <ActivityList
      focusId={returnTo}
      onOpen={(id) => {
        setReturnTo(id);
        setOpen(id);
      }}
    />
  ) : (
    <ChangeSetDetail id={open} onBack={() => setOpen(null)} />
  );
}

function Badge({ tone, children, title }: { tone: Tone; children: string; title?: string }) {
  return (
    <span className={`badge activity-badge activity-tone-${tone}`} title={title}>
      {children}
    </span>
  );
}

function ActivityList({ onOpen, focusId }: { onOpen: (id: string) => void; focusId: string | null }) {
  const id = useId();
  const qc = useQueryClient();
  const [limit, setLimit] = useState(PAGE_SIZE);
  const query = useActivityLog(limit);
  const now = useNow();
  const entries = newestFirst(query.data ?? []);
  const fetching = query.isFetching;
  const listRef = useRef<HTMLTableSectionElement>(null);

  useEffect(() => {
    if (focusId === null || query.data === undefined) return;
    listRef.current?.querySelector<HTMLButtonElement>(`button[data-entry-id="${CSS.escape(focusId)}"]`)?.focus();
  }, [focusId, query.data]);

  return (
    <section className="page activity-page" aria-labelledby={`${id}-title`} data-testid="activity-page">
      <div className="page-header">
        <h1 id={`${id}-title`}>Activity</h1>
        <div className="page-actions">
          <button type="button" onClick={() => void qc.invalidateQueries({ queryKey: activityKeys.all })} disabled={fetching} data-testid="activity-reload">
            {fetching && <Spinner />} Read again
          </button>
        </div>
      </div>
      <p className="page-intro">
        Every set of account assignment changes applied from Gatehouse on this computer: who applied it, when, and what AWS
        answered for each change. Kept locally; nothing here is read from AWS.
      </p>
      {query.isError && <ErrorCallout error={query.error} title="Could not read the activity log" onRetry={() => void query.refetch()} />}
      {query.isPending && (
        <p className="muted" role="status">
          <Spinner /> Reading the activity log…
        </p>
      )}
      {query.data !== undefined && entries.length === 0 && (
        <Callout tone="info" title="No activity yet" testId="activity-empty">
          <p>
            Changes you apply on the Account assignments page are recorded here, item by item, with AWS&rsquo;s answer for each.
          </p>
        </Callout>
      )}
      {entries.length > 0 && (
        <table className="activity-table" aria-label="Applied change sets, newest first" data-testid="activity-log">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Outcome</th>
              <th scope="col">Items</th>
            </tr>
          </thead>
          <tbody ref={listRef}>
            {entries.map((e) => (
              <Entry key={e.id} entry={e} now={now} onOpen={onOpen} />
            ))}
          </tbody>
        </table>
      )}
      {query.data !== undefined && query.data.length >= limit && (
        <div>
          <button type="button" onClick={() => setLimit((l) => l + PAGE_SIZE)} disabled={fetching} data-testid="activity-more">
            {fetching && <Spinner />} Show older entries
          </button>
        </div>
      )}
    </section>
  );
}

function Entry({ entry, now, onOpen }: { entry: ChangeSetSummary; now: number; onOpen: (id: string) => void }) {
  const caller = describeCaller(entry.caller_arn);
  const outcome = OUTCOMES[entry.status];
  return (
    <tr className="activity-entry" data-testid="activity-entry" data-status={entry.status} onClick={() => onOpen(entry.id)}>
      <td>
        <button
          type="button"
          className="link-button activity-open"
          data-entry-id={entry.id}
          onClick={(e) => {
            e.stopPropagation();
            onOpen(entry.id);
          }}
          aria-label={`Open the change set of ${absoluteTime(entry.created_at)}`}
        >
          {relativeTime(entry.created_at, now)}
        </button>
        <div className="muted activity-sub">
          <time dateTime={entry.created_at}>{absoluteTime(entry.created_at)}</time>
        </div>
      </td>
      <td>
        <div title={entry.caller_arn}>{caller.name}</div>
        <div className="muted activity-sub activity-arn" title={entry.caller_arn}>
          {caller.detail ?? entry.caller_arn}
        </div>
      </td>
      <td>
        <div>{whatText(entry.counts)}</div>
        <div className="muted activity-sub">
          <span className="mono">{formatAccountId(entry.account_id)}</span> · {entry.region}
        </div>
      </td>
      <td>
        <Badge tone={outcome.tone} title={outcome.hint}>
          {outcome.label}
        </Badge>
      </td>
      <td className="activity-counts">{countsText(entry.counts)}</td>
    </tr>
  );
}

function ChangeSetDetail({ id, onBack }: { id: string; onBack: () => void }) {
  const titleId = useId();
  const nav = useNavigation();
  const query = useChangeSet(id);
  const [filter, setFilter] = useState<ItemFilter>("all");
  const headingRef = useRef<HTMLHeadingElement>(null);
  const cs = query.data;

  useEffect(() => headingRef.current?.focus(), []);

  const s = cs?.summary;
  const caller = s !== undefined ? describeCaller(s.caller_arn) : null;
  const groups = cs !== undefined ? countByGroup(cs.items) : null;
  const items = cs !== undefined ? filterItems(cs.items, filter) : [];

  return (
    <section className="page activity-page" aria-labelledby={titleId} data-testid="activity-page">
      <div className="activity-breadcrumb">
        <button type="button" className="link-button" onClick={onBack} data-testid="activity-back">
          ← Activity
        </button>
      </div>
      <div className="page-header">
        <h1 id={titleId} ref={headingRef} tabIndex={-1}>
          {s !== undefined ? `Change set of ${absoluteTime(s.created_at)}` : "Change set"}
        </h1>
        {cs !== undefined && (
          <div className="page-actions activity-copy">
            <span className="muted">Copy details as text</span>
            <CopyButton value={changeSetText(cs)} label="Copy details as text" />
          </div>
        )}
      </div>
      {query.isPending && (
        <p className="muted" role="status">
          <Spinner /> Reading the change set…
        </p>
      )}
      {query.isError && <ErrorCallout error={query.error} title="Could not read the change set" onRetry={() => void query.refetch()} />}
      {s !== undefined && caller !== null && (
        <>
          <dl className="fields activity-fields" data-testid="activity-summary">
            <div className="field">
              <dt>Outcome</dt>
              <dd>
                <Badge tone={OUTCOMES[s.status].tone}>{OUTCOMES[s.status].label}</Badge>
                <span className="muted">{OUTCOMES[s.status].hint}</span>
              </dd>
            </div>
            <div className="field">
              <dt>What</dt>
              <dd>
                {whatText(s.counts)} · {countsText(s.counts)}
              </dd>
            </div>
            <div className="field">
              <dt>Applied by</dt>
              <dd>
                <span>
                  {caller.name}
                  {caller.detail !== null && <span className="muted"> — {caller.detail}</span>}
                  <br />
                  <span className="mono activity-arn-full">{s.caller_arn}</span>
                </span>
                <CopyButton value={s.caller_arn} label="Copy caller ARN" />
              </dd>
            </div>
            <div className="field">
              <dt>Account, region</dt>
              <dd>
                <span className="mono">{formatAccountId(s.account_id)}</span>, {s.region} · instance{" "}
                <span className="mono" title={s.instance_arn}>
                  {instanceIdFromArn(s.instance_arn)}
                </span>
              </dd>
            </div>
            <div className="field">
              <dt>Started</dt>
              <dd>
                <time dateTime={s.created_at}>{absoluteTime(s.created_at)}</time>
              </dd>
            </div>
            <div className="field">
              <dt>Finished</dt>
              <dd>{s.finished_at !== null ? <time dateTime={s.finished_at}>{absoluteTime(s.finished_at)}</time> : <span className="muted">not finished</span>}</dd>
            </div>
          </dl>
          {s.message !== null && (
            <Callout tone={s.status === "completed" ? "info" : "attention"} title="Why it stopped">
              <p>{s.message}</p>
            </Callout>
          )}
          {s.status === "interrupted" && (
            <Callout
              tone="attention"
              title="This change set did not finish"
              actions={
                <button type="button" onClick={() => nav.navigate(ASSIGNMENTS_PAGE)}>
                  Open Account assignments
                </button>
              }
            >
              <p>Resume it (AWS is checked first, so nothing is created twice) or discard it from the Account assignments page.</p>
            </Callout>
          )}
        </>
      )}
      {cs !== undefined && groups !== null && (
        <>
          <div className="activity-filter" role="group" aria-label="Show items by status">
            <button type="button" className="small" aria-pressed={filter === "all"} onClick={() => setFilter("all")} data-testid="activity-filter-all">
              All ({cs.items.length})
            </button>
            {ITEM_GROUPS.map((g) => (
              <button
                key={g.id}
                type="button"
                className="small"
                aria-pressed={filter === g.id}
                onClick={() => setFilter(g.id)}
                disabled={groups[g.id] === 0 && filter !== g.id}
                data-testid={`activity-filter-${g.id}`}
              >
                {g.label} ({groups[g.id]})
              </button>
            ))}
          </div>
          {items.length === 0 ? (
            <p className="muted" data-testid="activity-items-empty">
              {cs.items.length === 0 ? "This change set has no items." : "No item has this status."}
            </p>
          ) : (
            <table className="activity-table activity-items" aria-label="Changes and their outcome">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">Change</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => {
                  const st = ITEM_STATUS[item.status];
                  const l = item.line;
                  return (
                    <tr key={item.index} className="activity-item" data-testid="activity-item" data-status={item.status} aria-label={itemSentence(item)}>
                      <td className="num muted">{item.index + 1}</td>
                      <td>
                        <div>
                          <span className={`activity-op activity-op-${l.op}`}>{opText(l.op)}</span> <b>{l.permission_set_name}</b>{" "}
                          {l.op === "create" ? "to" : "from"} {l.principal_name}{" "}
                          <span className="muted">({l.assignment.principal_type === "GROUP" ? "group" : "user"})</span>
                        </div>
                        <div className="muted activity-sub">
                          in {l.account_name} <span className="mono">{formatAccountId(l.assignment.account_id)}</span>
                        </div>
                      </td>
                      <td>
                        <Badge tone={st.tone}>{st.label}</Badge>
                        {item.attempts > 1 && <span className="muted activity-attempts"> sent {item.attempts} times</span>}
                        {item.reason !== null && (
                          <div className={item.status === "failed" ? "activity-reason text-error" : "activity-reason muted"} data-testid="activity-item-reason">
                            {item.reason}
                          </div>
                        )}
                        {item.request_id !== null && (
                          <div className="muted activity-sub">
                            request <span className="mono">{item.request_id}</span>
                          </div>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
