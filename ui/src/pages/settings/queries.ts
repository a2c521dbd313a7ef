/**
 * The Settings page's reads: apply speed (local settings) and the least-privilege IAM policy
 * Gatehouse itself needs (bundled with the app). Neither is connection data, so the keys are
 * not under `["aws", …]`. Saving is called directly by the components.
 */
import { useQuery } from "@tanstack/react-query";
import { api, type ApplySettings, type GatehouseError, type GatehousePolicy } from "../../backend/api";

export const settingsKeys = {
  apply: ["settings", "apply"] as const,
  policy: ["gatehouse-policy"] as const,
};

export function useApplySettings() {
  return useQuery<ApplySettings, GatehouseError>({ queryKey: settingsKeys.apply, queryFn: () => api.applySettings() });
}

export function useGatehousePolicy() {
  return useQuery<GatehousePolicy, GatehouseError>({ queryKey: settingsKeys.policy, queryFn: () => api.gatehousePolicy() });
}
