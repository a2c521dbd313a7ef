/**
 * The running apply (or retry, or resume), kept outside React per QueryClient like the
 * snapshot refresh: applying thousands of changes takes minutes, and leaving the page or
 * closing the dialog must neither stop it nor lose its outcome. The dialog reads it with
 * `useSyncExternalStore`; when it settles, the snapshot, the audit log and the interrupted
 * change set are read again.
 */
import type { QueryClient } from "@tanstack/react-query";
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useSyncExternalStore } from "react";
import type { api } from "../../backend/api";
import { toGatehouseError, type ApplyEvent, type ChangePlan, type ChangeSet, type GatehouseError } from "../../backend/api";
import { runStreamingTask, type RunningTask } from "../../backend/progress";
import { queryKeys } from "../../state/queries";
import { EMPTY_RUN, foldEvent, type RunView } from "./applyModel";

export type ApplyMode = "apply" | "retry" | "resume";

export type ApplyState =
  | { kind: "idle" }
  | { kind: "running"; mode: ApplyMode; view: RunView; cancelling: boolean; plan: ChangePlan | null }
  | { kind: "done"; mode: ApplyMode; result: ChangeSet; plan: ChangePlan | null }
  | { kind: "failed"; mode: ApplyMode; error: GatehouseError; view: RunView; plan: ChangePlan | null };

/** Query keys apply makes stale. */
export const changeKeys = {
  interrupted: [...queryKeys.aws, "interrupted-change-set"] as const,
  activity: ["activity"] as const,
};

const IDLE: ApplyState = { kind: "idle" };

/** The channel apply's commands stream their events on. */
export type ApplyChannel = Parameters<typeof api.applyAssignmentChanges>[2];

export class ApplyStore {
  private state: ApplyState = IDLE;
  private task: RunningTask<ChangeSet> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly qc: QueryClient) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getState = (): ApplyState => this.state;

  private set(state: ApplyState) {
    this.state = state;
    for (const l of this.listeners) l();
  }

  get running(): boolean {
    return this.task !== null;
  }

  /** Starts `mode` (one at a time); `plan` is the reviewed plan, when there was one. */
  start(mode: ApplyMode, plan: ChangePlan | null, run: (taskId: string, channel: ApplyChannel) => Promise<ChangeSet>): void {
    if (this.task !== null) return;
    this.set({ kind: "running", mode, view: EMPTY_RUN, cancelling: false, plan });
    const t = runStreamingTask<ChangeSet, ApplyEvent>(run, (event) => {
      if (this.task === t && this.state.kind === "running") this.set({ ...this.state, view: foldEvent(this.state.view, event) });
    });
    this.task = t;
    t.promise.then(
      (result) => {
        if (this.task !== t) return;
        this.task = null;
        this.set({ kind: "done", mode, result, plan });
        this.settled();
      },
      (reason: unknown) => {
        if (this.task !== t) return;
        this.task = null;
        const view = this.state.kind === "running" ? this.state.view : EMPTY_RUN;
        this.set({ kind: "failed", mode, error: toGatehouseError(reason), view, plan });
        this.settled();
      },
    );
  }

  cancel(): void {
    if (this.task === null || this.state.kind !== "running") return;
    this.set({ ...this.state, cancelling: true });
    const t = this.task;
    void t.cancel().then((accepted) => {
      // The backend no longer knew the task (it was ending): let the admin try again.
      if (!accepted && this.task === t && this.state.kind === "running") this.set({ ...this.state, cancelling: false });
    });
  }

  /** Forgets a finished run (the dialog closed). */
  reset(): void {
    if (this.task === null) this.set(IDLE);
  }

  private settled() {
    void this.qc.invalidateQueries({ queryKey: [...queryKeys.aws, "snapshot"] });
    void this.qc.invalidateQueries({ queryKey: changeKeys.interrupted });
    void this.qc.invalidateQueries({ queryKey: changeKeys.activity });
  }
}

const stores = new WeakMap<QueryClient, ApplyStore>();

export function applyStoreFor(qc: QueryClient): ApplyStore {
  let s = stores.get(qc);
  if (s === undefined) {
    s = new ApplyStore(qc);
    stores.set(qc, s);
  }
  return s;
}

/** The apply store of this app's QueryClient and its current state. */
export function useApply(): { store: ApplyStore; state: ApplyState } {
  const qc = useQueryClient();
  const store = useMemo(() => applyStoreFor(qc), [qc]);
  const state = useSyncExternalStore(store.subscribe, store.getState);
  return { store, state };
}
