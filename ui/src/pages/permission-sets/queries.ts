import { keepPreviousData, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import {
  api,
  toGatehouseError,
  type FieldProblem,
  type GatehouseError,
  type ManagedPolicyInfo,
  type PermissionSetDetails,
  type PermissionSetState,
  type PermissionSetSummary,
  type PermissionSetTemplate,
  type PermissionSetUsage,
  type PolicyValidation,
  type Progress,
} from "../../backend/api";
import { runTask, type ProgressChannel, type RunningTask } from "../../backend/progress";
import { queryKeys } from "../../state/queries";

/** Everything read from AWS lives under `["aws", …]`, so a new connection reads it again. */
export const psKeys = {
  all: [...queryKeys.aws, "permission-sets"] as const,
  list: [...queryKeys.aws, "permission-sets", "list"] as const,
  detail: (arn: string) => [...queryKeys.aws, "permission-sets", "detail", arn] as const,
  usage: (arn: string) => [...queryKeys.aws, "permission-sets", "usage", arn] as const,
  /** Bundled with the app: not connection data. */
  templates: ["permission-set-templates"] as const,
  catalog: ["managed-policy-catalog"] as const,
  validate: (key: string) => ["permission-set-validate", key] as const,
  validatePolicy: (text: string) => ["inline-policy-validate", text] as const,
};

/** After a save, a delete or a provisioning: the list and this set's views are read again. */
export async function invalidateSet(qc: QueryClient, arn: string | null): Promise<void> {
  await Promise.all([
    qc.invalidateQueries({ queryKey: psKeys.list }),
    ...(arn !== null
      ? [qc.invalidateQueries({ queryKey: psKeys.detail(arn) }), qc.invalidateQueries({ queryKey: psKeys.usage(arn) })]
      : []),
  ]);
}

/**
 * The list, read with progress (each set takes several calls). Leaving the page or "Cancel"
 * stops the reading; the last list read stays shown meanwhile.
 */
export function usePermissionSetList() {
  const qc = useQueryClient();
  const [progress, setProgress] = useState<Progress | null>(null);
  const query = useQuery<PermissionSetSummary[], GatehouseError>({
    queryKey: psKeys.list,
    queryFn: async ({ signal }) => {
      setProgress(null);
      const task = runTask((taskId, channel) => api.listPermissionSets(taskId, channel), setProgress);
      const onAbort = () => void task.cancel().catch(() => undefined);
      signal.addEventListener("abort", onAbort);
      try {
        return await task.promise;
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
    },
  });
  const cancel = useCallback(() => void qc.cancelQueries({ queryKey: psKeys.list }), [qc]);
  return { query, progress, cancel };
}

export function usePermissionSet(arn: string) {
  return useQuery<PermissionSetDetails, GatehouseError>({ queryKey: psKeys.detail(arn), queryFn: () => api.getPermissionSet(arn) });
}

export function usePermissionSetUsage(arn: string, enabled = true) {
  return useQuery<PermissionSetUsage, GatehouseError>({
    queryKey: psKeys.usage(arn),
    queryFn: () => api.permissionSetUsage(arn),
    enabled,
  });
}

export function useTemplates() {
  return useQuery<PermissionSetTemplate[], GatehouseError>({ queryKey: psKeys.templates, queryFn: () => api.permissionSetTemplates() });
}

export function useManagedPolicyCatalog() {
  return useQuery<ManagedPolicyInfo[], GatehouseError>({ queryKey: psKeys.catalog, queryFn: () => api.managedPolicyCatalog() });
}

/** `value`, once it has stayed the same for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const id = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(id);
  }, [value, ms]);
  return settled;
}

export const VALIDATE_DELAY_MS = 250;

/**
 * The form checked as the admin types (debounced; pure, no AWS call). `current` is true once
 * the problems are those of exactly this state: only then may it be reviewed.
 */
export function useStateValidation(state: PermissionSetState) {
  const json = JSON.stringify(state);
  const settled = useDebounced(json, VALIDATE_DELAY_MS);
  const query = useQuery<FieldProblem[], GatehouseError>({
    queryKey: psKeys.validate(settled),
    queryFn: () => api.validatePermissionSet(JSON.parse(settled) as PermissionSetState),
    placeholderData: keepPreviousData,
    gcTime: 5_000,
  });
  const current = settled === json && query.isSuccess && !query.isPlaceholderData && !query.isFetching;
  return { problems: query.data ?? [], current, error: query.error, checking: !current && !query.isError };
}

/** The inline policy checked as the admin types (debounced ~250 ms). Empty text is not checked. */
export function useInlinePolicyValidation(text: string) {
  const settled = useDebounced(text, VALIDATE_DELAY_MS);
  const blank = settled.trim() === "";
  const query = useQuery<PolicyValidation, GatehouseError>({
    queryKey: psKeys.validatePolicy(settled),
    queryFn: () => api.validateInlinePolicy(settled),
    placeholderData: keepPreviousData,
    enabled: !blank,
    gcTime: 5_000,
  });
  return {
    /** The validation of `text` (or of an earlier text while the new one is checked). */
    validation: blank ? null : (query.data ?? null),
    /** The text `validation` is about (to place diagnostics only where they belong). */
    checkedText: blank ? "" : query.isPlaceholderData ? null : settled,
    checking: !blank && (settled !== text || query.isFetching),
    error: query.error,
  };
}

export type TaskPhase<T> =
  | { kind: "idle" }
  | { kind: "running"; progress: Progress | null; cancelling: boolean }
  | { kind: "done"; result: T }
  | { kind: "failed"; error: GatehouseError };

/**
 * One long backend task at a time, with progress and Cancel. Writes are not cancelled when the
 * component goes away (AWS may have accepted part of them): `onSettled` still runs.
 */
export function useTask<T>(options: { cancelOnUnmount?: boolean } = {}) {
  const [phase, setPhase] = useState<TaskPhase<T>>({ kind: "idle" });
  const task = useRef<RunningTask<T> | null>(null);
  const mounted = useRef(true);
  const cancelOnUnmount = options.cancelOnUnmount ?? false;

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      const running = task.current;
      if (cancelOnUnmount && running !== null) {
        task.current = null;
        void running.cancel().catch(() => undefined);
      }
    };
  }, [cancelOnUnmount]);

  const start = useCallback(
    (
      call: (taskId: string, channel: ProgressChannel) => Promise<T>,
      handlers: { onDone?: (result: T) => void | Promise<void>; onSettled?: () => void | Promise<void> } = {},
    ) => {
      setPhase({ kind: "running", progress: null, cancelling: false });
      const t = runTask(call, (progress) => {
        if (task.current === t && mounted.current)
          setPhase((p) => (p.kind === "running" ? { ...p, progress } : p));
      });
      task.current = t;
      t.promise
        .then(
          async (result) => {
            try {
              await handlers.onDone?.(result);
            } catch {
              // What follows a task (re-reading from AWS) reports its own errors.
            }
            if (task.current !== t) return;
            task.current = null;
            if (mounted.current) setPhase({ kind: "done", result });
          },
          (reason: unknown) => {
            if (task.current !== t) return;
            task.current = null;
            if (mounted.current) setPhase({ kind: "failed", error: toGatehouseError(reason) });
          },
        )
        .finally(() => void handlers.onSettled?.());
    },
    [],
  );

  const cancel = useCallback(() => {
    const t = task.current;
    if (t === null) return;
    setPhase((p) => (p.kind === "running" ? { ...p, cancelling: true } : p));
    t.cancel().catch((reason: unknown) => {
      if (task.current === t && mounted.current) setPhase({ kind: "failed", error: toGatehouseError(reason) });
    });
  }, []);

  const reset = useCallback(() => {
    if (task.current === null) setPhase({ kind: "idle" });
  }, []);

  return { phase, start, cancel, reset };
}
