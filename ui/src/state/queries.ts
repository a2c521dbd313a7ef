import { QueryClient, useQuery } from "@tanstack/react-query";
import { api } from "../backend/api";

/** Query keys. Everything read from AWS through the connection lives under `["aws", …]`. */
export const queryKeys = {
  appInfo: ["appInfo"] as const,
  profiles: ["profiles"] as const,
  regions: ["identityCenterRegions"] as const,
  startupConnection: ["startupConnection"] as const,
  connection: ["connection"] as const,
  storedAccessKeyId: ["storedAccessKeyId"] as const,
  aws: ["aws"] as const,
  /**
   * Setup steps 3–4 (SCIM provisioning). Local settings, so not under `aws`, but part of the
   * view depends on the connection (the endpoint's region warning, the console link, the verify
   * step's store check): `invalidateConnectionData` covers it too.
   */
  provisioning: ["provisioning"] as const,
};

/** After connecting, refreshing or disconnecting: everything that depends on the connection. */
export async function invalidateConnectionData(qc: QueryClient): Promise<void> {
  await Promise.all([
    qc.invalidateQueries({ queryKey: queryKeys.aws }),
    qc.invalidateQueries({ queryKey: queryKeys.provisioning }),
  ]);
}

/**
 * IPC calls are local: retrying a failure rarely helps (the error says what to do), and
 * nothing is polled or refetched behind the admin's back. Data changes through mutations,
 * which invalidate what they touch.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: false,
        staleTime: Infinity,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
      },
      mutations: { retry: false },
    },
  });
}

export function useAppInfo() {
  return useQuery({ queryKey: queryKeys.appInfo, queryFn: api.appInfo });
}

export function useProfiles() {
  return useQuery({ queryKey: queryKeys.profiles, queryFn: api.listProfiles });
}

export function useIdentityCenterRegions() {
  return useQuery({ queryKey: queryKeys.regions, queryFn: api.identityCenterRegions });
}

export function useStoredAccessKeyId() {
  return useQuery({ queryKey: queryKeys.storedAccessKeyId, queryFn: api.storedAccessKeyId });
}

export function useConnectionStatus() {
  return useQuery({ queryKey: queryKeys.connection, queryFn: api.connectionStatus });
}

export function useStartupConnection() {
  return useQuery({ queryKey: queryKeys.startupConnection, queryFn: api.startupConnection });
}
