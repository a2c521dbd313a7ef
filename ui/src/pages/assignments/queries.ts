/**
 * The snapshot the matrix shows: the locally kept one at once (TanStack Query), and a refresh
 * from AWS with progress and Cancel. The refresh outlives the page (reading thousands of
 * accounts takes a while; leaving the page must not throw that away), so its state is kept per
 * QueryClient, outside React, and read with `useSyncExternalStore`.
 */
import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useMemo, useSyncExternalStore } from "react";
import { api, toGatehouseError, type GatehouseError, type Progress, type Snapshot } from "../../backend/api";
import { runTask, type RunningTask } from "../../backend/progress";
import { queryKeys } from "../../state/queries";

/** Under `["aws", …]`: a new connection reads the kept snapshot again (it may be another instance's). */
export const snapshotKeys = {
  cached: [...queryKeys.aws, "snapshot"] as const,
};

export function useCachedSnapshot() {
  return useQuery<Snapshot | null, GatehouseError>({ queryKey: snapshotKeys.cached, queryFn: () => api.cachedSnapshot() });
}

export type RefreshState =
  | { kind: "idle" }
  | { kind: "running"; progress: Progress | null; cancelling: boolean }
  | { kind: "cancelled" }
  | { kind: "failed"; error: GatehouseError };

const IDLE: RefreshState = { kind: "idle" };

/** One refresh at a time per QueryClient; a finished one puts its snapshot in the query cache. */
export class RefreshStore {
  private state: RefreshState = IDLE;
  private task: RunningTask<Snapshot> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly qc: QueryClient) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getState = (): RefreshState => this.state;

  private set(state: RefreshState) {
    this.state = state;
    for (const l of this.listeners) l();
  }

  get running(): boolean {
    return this.task !== null;
  }

  start(): void {
    if (this.task !== null) return;
    this.set({ kind: "running", progress: null, cancelling: false });
    const t = runTask(
      (taskId, channel) => api.refreshSnapshot(taskId, channel),
      (progress) => {
        if (this.task === t && this.state.kind === "running") this.set({ ...this.state, progress });
      },
    );
    this.task = t;
    t.promise.then(
      (snapshot) => {
        if (this.task !== t) return;
        this.task = null;
        this.qc.setQueryData(snapshotKeys.cached, snapshot);
        this.set(IDLE);
      },
      (reason: unknown) => {
        if (this.task !== t) return;
        this.task = null;
        const error = toGatehouseError(reason);
        this.set(error.kind === "cancelled" ? { kind: "cancelled" } : { kind: "failed", error });
      },
    );
  }

  cancel(): void {
    const t = this.task;
    if (t === null || this.state.kind !== "running") return;
    this.set({ ...this.state, cancelling: true });
    t.cancel().then(
      (wasRunning) => {
        // Already finished on the backend side: its result (or error) arrives through the promise.
        if (!wasRunning && this.task === t && this.state.kind === "running") this.set({ ...this.state, cancelling: false });
      },
      (reason: unknown) => {
        if (this.task === t) {
          this.task = null;
          this.set({ kind: "failed", error: toGatehouseError(reason) });
        }
      },
    );
  }

  /** Forgets a failure or a cancel (the message goes away). */
  dismiss(): void {
    if (this.task === null) this.set(IDLE);
  }
}

const stores = new WeakMap<QueryClient, RefreshStore>();

export function refreshStoreFor(qc: QueryClient): RefreshStore {
  let store = stores.get(qc);
  if (store === undefined) {
    store = new RefreshStore(qc);
    stores.set(qc, store);
  }
  return store;
}

/** The refresh's state and controls. */
export function useSnapshotRefresh() {
  const qc = useQueryClient();
  const store = refreshStoreFor(qc);
  const state = useSyncExternalStore(store.subscribe, store.getState);
  return useMemo(
    () => ({
      state,
      start: () => store.start(),
      cancel: () => store.cancel(),
      dismiss: () => store.dismiss(),
      isRunning: () => store.running,
    }),
    [state, store],
  );
}
