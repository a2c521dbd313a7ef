import { useEffect, useRef, useState } from "react";
import { api, toGatehouseError, type ConnectionStatus, type GatehouseError, type Progress, type RegionInstance } from "../backend/api";
import { runTask, type RunningTask } from "../backend/progress";
import { instanceIdFromArn } from "../lib/format";
import { useConnection } from "../state/connection";
import { Callout } from "./Callout";
import { ConsoleLink } from "./ConsoleLink";
import { ErrorCallout } from "./ErrorCallout";

type Phase =
  | { kind: "idle" }
  | { kind: "running"; progress: Progress | null; cancelling: boolean }
  | { kind: "done"; results: RegionInstance[] }
  | { kind: "failed"; error: GatehouseError };

/**
 * "No instance in this region": asks every Identity Center region (streaming progress,
 * cancellable) and offers to switch to where an instance was found.
 */
export function FindInstanceRegions({ status }: { status: ConnectionStatus }) {
  const conn = useConnection();
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const task = useRef<RunningTask<RegionInstance[]> | null>(null);
  const runs = useRef(0);

  // Leaving the page stops the search.
  useEffect(
    () => () => {
      const running = task.current;
      task.current = null;
      if (running !== null) void running.cancel().catch(() => undefined);
    },
    [],
  );

  const start = () => {
    const run = ++runs.current;
    setPhase({ kind: "running", progress: null, cancelling: false });
    const t = runTask(
      (taskId, channel) => api.findInstanceRegions(taskId, channel),
      (progress) => {
        if (runs.current === run) setPhase((p) => (p.kind === "running" ? { ...p, progress } : p));
      },
    );
    task.current = t;
    t.promise.then(
      (results) => {
        if (task.current !== t) return;
        task.current = null;
        setPhase({ kind: "done", results });
      },
      (reason: unknown) => {
        if (task.current !== t) return;
        task.current = null;
        setPhase({ kind: "failed", error: toGatehouseError(reason) });
      },
    );
  };

  const cancel = () => {
    const t = task.current;
    if (t === null) return;
    setPhase((p) => (p.kind === "running" ? { ...p, cancelling: true } : p));
    t.cancel().catch((reason: unknown) => {
      if (task.current === t) setPhase({ kind: "failed", error: toGatehouseError(reason) });
    });
  };

  const region = status.identity.region;
  const switchTo = (target: string) => conn.connect({ ...status.spec, region: target });

  return (
    <Callout
      tone="attention"
      title={`No IAM Identity Center instance in ${region}`}
      testId="no-instance"
      actions={
        phase.kind === "idle" || phase.kind === "done" || (phase.kind === "failed" && phase.error.kind === "cancelled") ? (
          <>
            <button type="button" data-testid="find-regions" onClick={start} className={phase.kind === "idle" ? "primary" : undefined}>
              {phase.kind === "idle" ? "Search all regions" : "Search all regions again"}
            </button>
            <ConsoleLink region={region} />
          </>
        ) : undefined
      }
    >
      <p>
        This account sees no Identity Center instance in {region}. An organisation has its instance in one region:
        search every region to find it, or connect to the region you know it is in.
      </p>

      {phase.kind === "running" && (
        <div className="task-progress" data-testid="find-regions-progress" role="status" aria-live="polite">
          <progress
            aria-label="Regions searched"
            max={phase.progress !== null && phase.progress.total > 0 ? phase.progress.total : undefined}
            value={phase.progress !== null && phase.progress.total > 0 ? phase.progress.done : undefined}
          />
          <span className="task-count mono">
            {phase.progress !== null && phase.progress.total > 0 ? `${phase.progress.done}/${phase.progress.total}` : ""}
          </span>
          <span className="task-message">
            {phase.cancelling ? "Cancelling…" : (phase.progress?.message ?? "Starting the search…")}
          </span>
          <button type="button" className="small" data-testid="find-regions-cancel" onClick={cancel} disabled={phase.cancelling}>
            Cancel
          </button>
        </div>
      )}

      {phase.kind === "failed" &&
        (phase.error.kind === "cancelled" ? (
          <p className="muted" role="status">
            Search cancelled.
          </p>
        ) : (
          <ErrorCallout error={phase.error} title="The search across regions failed" onRetry={start} retryLabel="Search again" />
        ))}

      {phase.kind === "done" && phase.results.length > 0 && (
        <div className="region-results">
          <p role="status">
            Found {phase.results.length === 1 ? "an instance" : `${phase.results.length} instances`}:
          </p>
          <ul className="result-list">
            {phase.results.map((r) => (
              <li key={r.instance_arn} className="result-row" data-testid={`region-result-${r.region}`}>
                <span className="result-region mono">{r.region}</span>
                <span className="mono muted" title={r.instance_arn}>
                  {instanceIdFromArn(r.instance_arn)}
                </span>
                <span className="mono muted">store {r.identity_store_id}</span>
                <button
                  type="button"
                  className="primary small"
                  data-testid={`switch-region-${r.region}`}
                  onClick={() => switchTo(r.region)}
                  disabled={conn.state === "connecting"}
                >
                  Switch to {r.region}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      {phase.kind === "done" && phase.results.length === 0 && (
        <div className="none-found" data-testid="find-regions-none" role="status">
          <p>
            <strong>No instance was found in any region.</strong> IAM Identity Center may not be enabled yet in this
            organisation.
          </p>
          {status.identity.role === "member" || status.identity.role === "account_instance" ? (
            <p>
              This is not the organisation&apos;s management account. Connect with the management account, or with
              the account registered as delegated administrator for Identity Center.
            </p>
          ) : (
            <ol>
              <li>Sign in to the management account in the AWS console.</li>
              <li>Open IAM Identity Center in the region where it should live (it lives in one region only).</li>
              <li>Choose Enable, then come back and connect to that region.</li>
            </ol>
          )}
        </div>
      )}
    </Callout>
  );
}
