import { useMutation, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { api, toGatehouseError, type ConnectionSpec, type ConnectionStatus, type GatehouseError } from "../backend/api";
import { invalidateConnectionData, queryKeys, useConnectionStatus, useStartupConnection } from "./queries";

export type ConnectionState = "connected" | "connecting" | "disconnected" | "error";

export interface ConnectionContextValue {
  state: ConnectionState;
  /** The live connection (kept when a later attempt fails: the backend keeps it too). */
  status: ConnectionStatus | null;
  /** What is being connected to right now (null while starting up without a spec yet). */
  pendingSpec: ConnectionSpec | null;
  /** The latest connection attempt, if it failed. */
  failure: { spec: ConnectionSpec; error: GatehouseError } | null;
  /** What the connect form should start from: the failed attempt, the live one, or the last used. */
  suggestedSpec: ConnectionSpec | null;
  /** Reading the live status or the startup connection failed. */
  loadError: GatehouseError | null;
  /** Connects; `onConnected` runs after a success (if the caller is still shown). */
  connect: (spec: ConnectionSpec, onConnected?: () => void) => void;
  /** Gives up the attempt in progress; the live connection, if any, stays. */
  cancelConnect: () => void;
  /** Forgets a failed attempt (the live connection, if any, stays). */
  dismissFailure: () => void;
  refresh: () => void;
  refreshing: boolean;
  refreshError: GatehouseError | null;
  disconnect: () => void;
  disconnecting: boolean;
  disconnectError: GatehouseError | null;
}

const ConnectionContext = createContext<ConnectionContextValue | null>(null);

export function useConnection(): ConnectionContextValue {
  const value = useContext(ConnectionContext);
  if (value === null) throw new Error("useConnection must be used inside <ConnectionProvider>");
  return value;
}

/**
 * Owns the AWS connection: the live status, connecting (also automatically at startup with
 * the command line's or the last used spec), refreshing and disconnecting.
 */
export function ConnectionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const statusQuery = useConnectionStatus();
  const startupQuery = useStartupConnection();

  // The attempt in progress, to cancel (`cancel_task`).
  const connectTask = useRef<string | null>(null);
  const connectMutation = useMutation<ConnectionStatus, GatehouseError, ConnectionSpec>({
    mutationKey: ["connect"],
    mutationFn: (spec) => {
      const taskId = crypto.randomUUID();
      connectTask.current = taskId;
      return api.connect(taskId, spec).finally(() => {
        if (connectTask.current === taskId) connectTask.current = null;
      });
    },
    onSuccess: async (status) => {
      qc.setQueryData(queryKeys.connection, status);
      // Anything read through the previous connection is stale now.
      await invalidateConnectionData(qc);
    },
  });

  const refreshMutation = useMutation<ConnectionStatus, GatehouseError>({
    mutationFn: () => api.refreshConnection(),
    onSuccess: async (status) => {
      qc.setQueryData(queryKeys.connection, status);
      await invalidateConnectionData(qc);
    },
    onError: async (error) => {
      if (error.kind === "not_connected") await qc.invalidateQueries({ queryKey: queryKeys.connection });
    },
  });

  const { reset: resetConnect, mutate: mutateConnect } = connectMutation;
  const { reset: resetRefresh } = refreshMutation;

  const disconnectMutation = useMutation<null, GatehouseError>({
    mutationFn: () => api.disconnect(),
    onSuccess: async () => {
      resetConnect();
      resetRefresh();
      qc.setQueryData(queryKeys.connection, null);
      await invalidateConnectionData(qc);
    },
  });

  // Startup: connect once with the command line's or the last used spec, unless the
  // backend is already connected (the webview was reloaded).
  const autoStarted = useRef(false);
  const [startupSettled, setStartupSettled] = useState(false);
  const startupSpec = startupQuery.data ?? null;
  const statusSettled = !statusQuery.isPending;
  const startupResolved = !startupQuery.isPending;
  const alreadyConnected = statusQuery.data != null;
  useEffect(() => {
    if (autoStarted.current || !statusSettled || !startupResolved) return;
    autoStarted.current = true;
    // The mutation reports "pending" a tick later; until it settles, startup is not over
    // (so the page never flashes "disconnected" in between).
    if (startupSpec !== null && !alreadyConnected) mutateConnect(startupSpec, { onSettled: () => setStartupSettled(true) });
    else setStartupSettled(true);
  }, [statusSettled, startupResolved, startupSpec, alreadyConnected, mutateConnect]);

  const status = statusQuery.data ?? null;
  // A cancelled attempt is not a failure: the state is what it was before it.
  const failure =
    connectMutation.isError && connectMutation.variables !== undefined && connectMutation.error.kind !== "cancelled"
      ? { spec: connectMutation.variables, error: connectMutation.error }
      : null;
  const connecting = connectMutation.isPending || (!startupSettled && connectMutation.isIdle);
  const state: ConnectionState = connecting
    ? "connecting"
    : failure !== null
      ? "error"
      : status !== null
        ? "connected"
        : "disconnected";
  const pendingSpec = connectMutation.isPending
    ? (connectMutation.variables ?? null)
    : connecting
      ? startupSpec
      : null;
  const loadErrorRaw = statusQuery.error ?? startupQuery.error;
  const loadError = loadErrorRaw ? toGatehouseError(loadErrorRaw) : null;

  // Not memoised: this provider re-renders only when one of these sources changes.
  const value: ConnectionContextValue = {
    state,
    status,
    pendingSpec,
    failure,
    suggestedSpec: failure?.spec ?? status?.spec ?? startupSpec,
    loadError,
    connect: (spec, onConnected) => {
      resetRefresh();
      mutateConnect(spec, onConnected ? { onSuccess: () => onConnected() } : undefined);
    },
    cancelConnect: () => {
      if (connectTask.current !== null) void api.cancelTask(connectTask.current);
    },
    dismissFailure: resetConnect,
    refresh: () => refreshMutation.mutate(),
    refreshing: refreshMutation.isPending,
    refreshError: refreshMutation.error,
    disconnect: () => disconnectMutation.mutate(),
    disconnecting: disconnectMutation.isPending,
    disconnectError: disconnectMutation.error,
  };

  return <ConnectionContext.Provider value={value}>{children}</ConnectionContext.Provider>;
}
