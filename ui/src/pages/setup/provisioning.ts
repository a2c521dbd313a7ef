import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import {
  api,
  toGatehouseError,
  type GatehouseError,
  type Progress,
  type ProvisioningView,
  type ScimTestResult,
  type SetupStep,
  type VerificationReport,
} from "../../backend/api";
import { runTask, type RunningTask } from "../../backend/progress";
import { queryKeys } from "../../state/queries";

/**
 * The Setup steps 3–4 state. Not under `["aws", …]` (it is local settings), but connecting,
 * refreshing and disconnecting invalidate it as well (`invalidateConnectionData`): the
 * endpoint's region warning, the console link and the verify step depend on the connection.
 */
export const provisioningKey = queryKeys.provisioning;

/**
 * The last full verification report of this session (the view only keeps its summary). Set by
 * "Check what arrived", never fetched: a dated snapshot that says which store it read. Kept
 * outside `["provisioning"]` so that invalidating the view does not wipe it.
 */
export const verificationReportKey = ["verificationReport"] as const;

export type ProvisioningStepId = "provisioning" | "verify";

/** `detail` codes of the errors the provisioning commands send. */
export const SCIM_CODES = {
  nonstandardEndpoint: "nonstandard-endpoint",
  noEndpoint: "no-scim-endpoint",
  noToken: "no-scim-token",
  tokenNotInKeychain: "scim-token-not-in-keychain",
} as const;

export function useProvisioning() {
  return useQuery<ProvisioningView, GatehouseError>({ queryKey: provisioningKey, queryFn: () => api.provisioningView() });
}

export function useProvisioningStep(id: ProvisioningStepId): SetupStep | undefined {
  return useProvisioning().data?.steps.find((s) => s.id === id);
}

/** A change answered with the new view: shown at once, then read again either way. */
function useProvisioningMutation<V>(call: (variables: V) => Promise<ProvisioningView>) {
  const qc = useQueryClient();
  return useMutation<ProvisioningView, GatehouseError, V>({
    mutationFn: call,
    onSuccess: (view) => qc.setQueryData(provisioningKey, view),
    onSettled: () => qc.invalidateQueries({ queryKey: provisioningKey }),
  });
}

export function useForgetScimToken() {
  return useProvisioningMutation(() => api.forgetScimToken());
}

export function useConfirmAttributeMapping() {
  return useProvisioningMutation((confirmed: boolean) => api.confirmAttributeMapping(confirmed));
}

export function useSetExpectedGroups() {
  return useProvisioningMutation((groups: string[]) => api.setExpectedGroups(groups));
}

/** "Test connection": the result is shown as the view's `last_test` (the backend keeps it too). */
export function useTestScimConnection() {
  const qc = useQueryClient();
  return useMutation<ScimTestResult, GatehouseError>({
    mutationFn: () => api.testScimConnection(),
    onSuccess: (result) =>
      qc.setQueryData<ProvisioningView>(provisioningKey, (view) => (view === undefined ? view : { ...view, last_test: result })),
    onSettled: () => qc.invalidateQueries({ queryKey: provisioningKey }),
  });
}

export function useVerificationReport() {
  return useQuery<VerificationReport | null>({
    queryKey: verificationReportKey,
    queryFn: () => Promise.resolve(null),
    gcTime: Infinity,
  });
}

/** "Check what arrived": reads the Identity Store (needs a connection). */
/**
 * Reads the Identity Store (a task streaming progress: users and groups as they are listed,
 * then the groups whose members are read). `cancel()` stops it; the error is then kind
 * "cancelled" and the previous report stays.
 */
export function useVerifyIdentityStore() {
  const qc = useQueryClient();
  const [progress, setProgress] = useState<Progress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const running = useRef<RunningTask<VerificationReport> | null>(null);
  const mutation = useMutation<VerificationReport, GatehouseError>({
    mutationFn: () => {
      setProgress(null);
      setCancelling(false);
      const task = runTask((taskId, channel) => api.verifyIdentityStore(taskId, channel), setProgress);
      running.current = task;
      return task.promise.finally(() => {
        if (running.current === task) running.current = null;
      });
    },
    onSuccess: (report) => qc.setQueryData(verificationReportKey, report),
    // The step status and `last_verification` changed.
    onSettled: () => qc.invalidateQueries({ queryKey: provisioningKey }),
  });
  const cancel = () => {
    const task = running.current;
    if (task === null) return;
    setCancelling(true);
    void task.cancel().catch(() => undefined);
  };
  return { ...mutation, progress, cancelling, cancel };
}

/** The endpoint the backend refused as non-standard, waiting for "Use it anyway". */
export interface NonstandardPrompt {
  endpoint: string;
  tokenCreatedOn: string | null;
  /** The backend's reason. */
  message: string;
  /** A token was entered with it (held, not shown, until the admin decides). */
  withToken: boolean;
}

/**
 * Saving the SCIM endpoint and access token. Deliberately not a TanStack mutation (a mutation
 * keeps its variables, the token, in the cache): the caller takes the token out of its state
 * before calling `save`, and it goes only to the backend, which writes it to the OS keychain.
 *
 * One exception, so the admin need not paste it again: when the backend refuses a non-standard
 * endpoint (nothing is saved), the token is held in a ref — never in state, never rendered —
 * until "Use it anyway", the next save, `discardHeldToken` or unmount.
 */
export function useScimSettingsSave() {
  const qc = useQueryClient();
  const heldToken = useRef<string | null>(null);
  const [holdingToken, setHoldingToken] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<GatehouseError | null>(null);
  const [nonstandard, setNonstandard] = useState<NonstandardPrompt | null>(null);

  const hold = (token: string | null) => {
    heldToken.current = token;
    setHoldingToken(token !== null);
  };

  /** Saves; resolves to the new view, or null when refused (the error or prompt says why). */
  const save = async (
    endpoint: string,
    token: string | null,
    tokenCreatedOn: string | null,
    acceptNonstandard: boolean,
  ): Promise<ProvisioningView | null> => {
    setError(null);
    setNonstandard(null);
    setSaving(true);
    try {
      const view = await api.saveScimSettings(endpoint, token, tokenCreatedOn, acceptNonstandard);
      hold(null);
      qc.setQueryData(provisioningKey, view);
      void qc.invalidateQueries({ queryKey: provisioningKey });
      return view;
    } catch (reason) {
      const e = toGatehouseError(reason);
      if (!acceptNonstandard && e.kind === "validation" && e.detail === SCIM_CODES.nonstandardEndpoint) {
        hold(token);
        setNonstandard({ endpoint, tokenCreatedOn, message: e.message, withToken: token !== null });
      } else {
        hold(null);
        setError(e);
      }
      return null;
    } finally {
      setSaving(false);
    }
  };

  return {
    saving,
    error,
    nonstandard,
    /** A token entered before a non-standard refusal is waiting (not shown) for the next save. */
    holdingToken,
    /** Saves with the token just typed, or else the held one. */
    save: (endpoint: string, typedToken: string | null, tokenCreatedOn: string | null) =>
      save(endpoint, typedToken ?? heldToken.current, tokenCreatedOn, false),
    /** "Use it anyway": the refused endpoint again, with the same token and date. */
    acceptNonstandard: () =>
      nonstandard === null ? Promise.resolve(null) : save(nonstandard.endpoint, heldToken.current, nonstandard.tokenCreatedOn, true),
    dismissNonstandard: () => setNonstandard(null),
    discardHeldToken: () => {
      hold(null);
      setNonstandard(null);
    },
    clearError: () => setError(null),
  };
}

export type ScimSettingsSave = ReturnType<typeof useScimSettingsSave>;
