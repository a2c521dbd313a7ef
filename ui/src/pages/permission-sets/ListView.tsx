import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { PermissionSetDetails, PermissionSetSummary, SnapshotPermissionSet } from "../../backend/api";
import { useCachedSnapshot } from "../assignments/queries";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { formatHours, matchesSearch, plural, policyNames } from "./model";
import { TaskProgress } from "./parts";
import { psKeys, usePermissionSetList } from "./queries";

/** Every permission set, searchable; a row opens the set. */
export function ListView({ onOpen, onNew }: { onOpen: (arn: string) => void; onNew: () => void }) {
  const id = useId();
  const qc = useQueryClient();
  const { query, progress, cancel } = usePermissionSetList();
  const [search, setSearch] = useState("");
  const sets = query.data ?? [];
  // Sets opened in this session are known in full: their policies are searchable too.
  const known = (arn: string) => qc.getQueryData<PermissionSetDetails>(psKeys.detail(arn));
  // The last access snapshot holds each set's definition (inline policy, boundary).
  const snapshot = useCachedSnapshot().data ?? null;
  const definitions = new Map<string, SnapshotPermissionSet>(
    (snapshot?.permission_sets ?? []).filter((p) => p.definition_loaded === true).map((p) => [p.arn, p]),
  );
  const shown = sets.filter((s) => {
    const details = known(s.arn);
    return matchesSearch(s, search, details !== undefined ? policyNames(details.state) : []);
  });
  const loading = query.fetchStatus === "fetching";
  const cancelled = query.status === "pending" && query.fetchStatus === "idle";

  return (
    <section className="page ps-page" aria-labelledby={`${id}-title`} data-testid="ps-list-page">
      <div className="page-header">
        <h1 id={`${id}-title`}>Permission sets</h1>
        <div className="page-actions">
          <button type="button" onClick={() => void query.refetch()} disabled={loading} data-testid="ps-reload">
            {loading && <Spinner />} Read again
          </button>
          <button type="button" className="primary" onClick={onNew} data-testid="ps-new">
            New permission set
          </button>
        </div>
      </div>
      <p className="page-intro">
        A permission set is the role IAM Identity Center (formerly AWS SSO) creates in each account it is assigned to. Changes
        reach the accounts when the set is provisioned.
      </p>
      <div className="ps-toolbar">
        <label htmlFor={`${id}-search`} className="visually-hidden">
          Search permission sets
        </label>
        <input
          id={`${id}-search`}
          type="search"
          data-testid="ps-search"
          placeholder="Search by name, description or policy"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
        {query.data !== undefined && (
          <span className="muted" role="status" data-testid="ps-count">
            {search.trim() === "" ? plural(sets.length, "permission set") : `${shown.length} of ${plural(sets.length, "permission set")}`}
          </span>
        )}
      </div>
      {loading && (
        <TaskProgress
          progress={progress}
          cancelling={false}
          onCancel={cancel}
          label="Permission sets read"
          startMessage="Listing permission sets…"
          testId="ps-list-progress"
        />
      )}
      {cancelled && (
        <p className="muted" role="status">
          Reading cancelled.{" "}
          <button type="button" className="link-button" onClick={() => void query.refetch()}>
            Read the permission sets
          </button>
        </p>
      )}
      {query.isError &&
        (query.error.kind === "cancelled" ? (
          <p className="muted" role="status">
            Reading cancelled.
          </p>
        ) : (
          <ErrorCallout error={query.error} title="Could not read the permission sets" onRetry={() => void query.refetch()} retrying={loading} />
        ))}
      {query.data !== undefined && sets.length === 0 && (
        <p className="muted" data-testid="ps-empty">
          This instance has no permission set yet. Create one from a job-function template.
        </p>
      )}
      {sets.length > 0 && (
        <table className="ps-table ps-list" data-testid="ps-list" aria-label="Permission sets">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col" className="num">
                Session
              </th>
              <th scope="col" className="num">
                <abbr title="AWS managed / customer managed / inline / permissions boundary">Policies</abbr>
              </th>
              <th scope="col" className="num">
                Accounts
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <Row key={s.arn} summary={s} details={known(s.arn)} definition={definitions.get(s.arn)} onOpen={onOpen} />
            ))}
          </tbody>
        </table>
      )}
      {sets.length > 0 && shown.length === 0 && (
        <p className="muted" data-testid="ps-no-match">
          No permission set matches “{search.trim()}”.
        </p>
      )}
    </section>
  );
}

function Row({
  summary,
  details,
  definition,
  onOpen,
}: {
  summary: PermissionSetSummary;
  details: PermissionSetDetails | undefined;
  /** The set as the last access snapshot read it, when it did. */
  definition: SnapshotPermissionSet | undefined;
  onOpen: (arn: string) => void;
}) {
  // The list does not say whether a set has an inline policy or a boundary; a set opened in
  // this session does, and so does the last access snapshot.
  const inline =
    details !== undefined
      ? details.state.inline_policy !== null && details.state.inline_policy.trim() !== ""
      : definition !== undefined
        ? (definition.inline_policy ?? "").trim() !== ""
        : null;
  const boundary = details !== undefined ? details.state.permissions_boundary !== null : definition !== undefined ? (definition.permissions_boundary ?? null) !== null : null;
  const unknown = "Not in the list: open the set (or refresh the account assignments) to see";
  return (
    <tr data-testid={`ps-row-${summary.name}`} className="ps-row" onClick={() => onOpen(summary.arn)}>
      <th scope="row">
        <button type="button" className="link-button ps-row-name" onClick={(e) => {
            e.stopPropagation();
            onOpen(summary.arn);
          }}>
          {summary.name}
        </button>
      </th>
      <td className="ps-desc">{summary.description ?? <span className="muted">—</span>}</td>
      <td className="num" title={summary.session_duration ?? undefined}>
        {formatHours(summary.session_hours)}
      </td>
      <td className="num ps-counts">
        <span title="AWS managed policies">{summary.managed_policy_count}</span>
        {" / "}
        <span title="Customer managed policies">{summary.customer_managed_policy_count}</span>
        {" / "}
        <span title={inline === null ? unknown : "Inline policy"}>{inline === null ? "?" : inline ? 1 : 0}</span>
        {" / "}
        <span title={boundary === null ? unknown : "Permissions boundary"}>{boundary === null ? "?" : boundary ? 1 : 0}</span>
      </td>
      <td className="num">{summary.provisioned_account_count}</td>
    </tr>
  );
}
