/**
 * Staged account assignment changes: what the admin picked in the matrix and has not applied.
 * One list per Identity Center instance, kept in localStorage (keyed by the instance ARN) so
 * that a closed window or a reload loses nothing. Nothing here talks to AWS: the matrix stages,
 * the review/apply flow sends, and other pages (Reports export) read `useStaging().changes`.
 *
 * The list algebra is pure and exported (`stageInto`, `unstageFrom`, …) so it is tested without
 * React: staging the opposite of a staged change cancels it (a delete of a staged create just
 * removes the create), staging a change twice keeps one.
 */
import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";
import type { Assignment, ChangeOp, StagedChange } from "../backend/api";
import { useConnection } from "./connection";

export type { ChangeOp, StagedChange };

/** One assignment's identity: account, principal and permission set (principal ids are unique across types). */
export function assignmentKey(a: Assignment): string {
  return `${a.account_id}|${a.principal_id}|${a.permission_set_arn}`;
}

/** One staged change's identity: its op and assignment. */
export function changeKey(c: StagedChange): string {
  return `${c.op}|${assignmentKey(c.assignment)}`;
}

function opposite(op: ChangeOp): ChangeOp {
  return op === "create" ? "delete" : "create";
}

/**
 * `current` with `incoming` staged, in order: a change whose opposite is staged cancels it
 * (both disappear); a change already staged is kept once; anything else is appended.
 * The result is a new array; `current` is not changed.
 */
export function stageInto(current: readonly StagedChange[], incoming: readonly StagedChange[]): StagedChange[] {
  const byAssignment = new Map<string, StagedChange>();
  for (const c of current) byAssignment.set(assignmentKey(c.assignment), c);
  for (const c of incoming) {
    const key = assignmentKey(c.assignment);
    const existing = byAssignment.get(key);
    if (existing === undefined) byAssignment.set(key, { op: c.op, assignment: { ...c.assignment } });
    else if (existing.op === opposite(c.op)) byAssignment.delete(key);
    // The same op again: already staged.
  }
  return [...byAssignment.values()];
}

/** `current` without the given changes (same op and assignment); others stay in order. */
export function unstageFrom(current: readonly StagedChange[], outgoing: readonly StagedChange[]): StagedChange[] {
  if (outgoing.length === 0) return [...current];
  const drop = new Set(outgoing.map(changeKey));
  return current.filter((c) => !drop.has(changeKey(c)));
}

/** The localStorage key of an instance's staged changes. */
export function stagingStorageKey(instanceArn: string): string {
  return `gatehouse.staged-changes.${instanceArn}`;
}

function isAssignment(v: unknown): v is Assignment {
  if (typeof v !== "object" || v === null) return false;
  const a = v as Record<string, unknown>;
  return (
    typeof a.account_id === "string" &&
    typeof a.permission_set_arn === "string" &&
    typeof a.principal_id === "string" &&
    (a.principal_type === "GROUP" || a.principal_type === "USER")
  );
}

function isStagedChange(v: unknown): v is StagedChange {
  if (typeof v !== "object" || v === null) return false;
  const c = v as Record<string, unknown>;
  return (c.op === "create" || c.op === "delete") && isAssignment(c.assignment);
}

/**
 * What was stored for `instanceArn`. Anything unreadable (another version's format, a hand
 * edit) is skipped rather than failing the page; the list is normalised with `stageInto`.
 */
export function loadStaged(storage: Storage | null, instanceArn: string): StagedChange[] {
  if (storage === null) return [];
  let raw: string | null;
  try {
    raw = storage.getItem(stagingStorageKey(instanceArn));
  } catch {
    return [];
  }
  if (raw === null) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    const list: unknown = typeof parsed === "object" && parsed !== null && "changes" in parsed ? parsed.changes : parsed;
    if (!Array.isArray(list)) return [];
    return stageInto(
      [],
      list.filter(isStagedChange).map((c) => ({
        op: c.op,
        assignment: {
          account_id: c.assignment.account_id,
          permission_set_arn: c.assignment.permission_set_arn,
          principal_type: c.assignment.principal_type,
          principal_id: c.assignment.principal_id,
        },
      })),
    );
  } catch {
    return [];
  }
}

/** Stores the list (an empty list removes the key). Throws when the storage refuses (quota). */
export function saveStaged(storage: Storage | null, instanceArn: string, changes: readonly StagedChange[]): void {
  if (storage === null) return;
  const key = stagingStorageKey(instanceArn);
  if (changes.length === 0) storage.removeItem(key);
  else storage.setItem(key, JSON.stringify({ version: 1, changes }));
}

export interface StagingValue {
  /** The staged changes of the connected instance, in the order they were staged. */
  changes: StagedChange[];
  /** Stages changes (a change whose opposite is staged cancels it instead). */
  stage: (changes: readonly StagedChange[]) => void;
  /** Removes exactly these changes from the list. */
  unstage: (changes: readonly StagedChange[]) => void;
  clear: () => void;
  /** The instance the list belongs to; null when not connected to one (nothing can be staged then). */
  instanceArn: string | null;
  /** Set when the list could not be saved (e.g. the storage is full): it lives only in this window then. */
  persistError: string | null;
}

const StagingContext = createContext<StagingValue | null>(null);

export function useStaging(): StagingValue {
  const value = useContext(StagingContext);
  if (value === null) throw new Error("useStaging must be used inside <StagingProvider>");
  return value;
}

function defaultStorage(): Storage | null {
  try {
    return typeof window !== "undefined" ? window.localStorage : null;
  } catch {
    return null;
  }
}

/** The staged changes of the connected instance (inside `ConnectionProvider`). */
export function StagingProvider({ children }: { children: ReactNode }) {
  const conn = useConnection();
  const instanceArn = conn.status?.identity.instance?.instance_arn ?? null;
  return <StagingStore instanceArn={instanceArn}>{children}</StagingStore>;
}

/** One instance's list: changed synchronously (two stages in one event both count), saved on each change. */
class InstanceList {
  private changes: StagedChange[];
  private persistError: string | null = null;
  private state: { changes: StagedChange[]; persistError: string | null };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly storage: Storage | null,
    private readonly instanceArn: string | null,
  ) {
    this.changes = instanceArn === null ? [] : loadStaged(storage, instanceArn);
    this.state = { changes: this.changes, persistError: null };
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getState = () => this.state;

  update(change: (list: readonly StagedChange[]) => StagedChange[]) {
    if (this.instanceArn === null) return;
    this.changes = change(this.changes);
    try {
      saveStaged(this.storage, this.instanceArn, this.changes);
      this.persistError = null;
    } catch (e) {
      this.persistError = e instanceof Error ? e.message : String(e);
    }
    this.publish();
  }

  /** Reads the storage again (another window changed it). */
  reload() {
    if (this.instanceArn === null) return;
    this.changes = loadStaged(this.storage, this.instanceArn);
    this.publish();
  }

  private publish() {
    this.state = { changes: this.changes, persistError: this.persistError };
    for (const l of this.listeners) l();
  }
}

/**
 * The store itself, for a given instance (tests use it directly with their own storage).
 * Another window of the app changing the same list is picked up through the `storage` event.
 */
export function StagingStore({
  instanceArn,
  storage,
  children,
}: {
  instanceArn: string | null;
  /** Defaults to `window.localStorage`. */
  storage?: Storage | null;
  children: ReactNode;
}) {
  const [fallbackStorage] = useState(defaultStorage);
  const store = storage === undefined ? fallbackStorage : storage;
  // A new list object per instance: one instance's list is never shown or saved under another's key.
  const list = useMemo(() => new InstanceList(store, instanceArn), [store, instanceArn]);
  const state = useSyncExternalStore(list.subscribe, list.getState);

  useEffect(() => {
    if (instanceArn === null || typeof window === "undefined") return;
    const key = stagingStorageKey(instanceArn);
    const onStorage = (e: StorageEvent) => {
      if (e.key === key) list.reload();
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, [instanceArn, list]);

  const value = useMemo<StagingValue>(
    () => ({
      changes: state.changes,
      stage: (changes) => list.update((l) => stageInto(l, changes)),
      unstage: (changes) => list.update((l) => unstageFrom(l, changes)),
      clear: () => list.update(() => []),
      instanceArn,
      persistError: state.persistError,
    }),
    [state, list, instanceArn],
  );
  return <StagingContext.Provider value={value}>{children}</StagingContext.Provider>;
}
