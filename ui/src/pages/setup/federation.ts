import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type FederationView, type GatehouseError, type ImportSource, type SetupStep, type Slot } from "../../backend/api";
import { queryKeys } from "../../state/queries";

/**
 * The Setup steps 1–2 state. Keyed under `["aws", …]`: the backend cross-checks the documents
 * against the connected Identity Center, so connecting, refreshing or disconnecting (which
 * invalidate that prefix) recompute it.
 */
export const federationKey = [...queryKeys.aws, "federation"] as const;

export function useFederation() {
  return useQuery<FederationView, GatehouseError>({ queryKey: federationKey, queryFn: () => api.federationView() });
}

export function useSetupStep(id: "entra-app" | "saml"): SetupStep | undefined {
  return useFederation().data?.steps.find((s) => s.id === id);
}

/**
 * A change to the federation state. The backend answers with the new view, shown at once;
 * the query is invalidated afterwards either way (a refused change leaves the state as it was,
 * and reading it again costs nothing).
 */
function useFederationMutation<V>(call: (variables: V) => Promise<FederationView>) {
  const qc = useQueryClient();
  return useMutation<FederationView, GatehouseError, V>({
    mutationFn: call,
    onSuccess: (view) => qc.setQueryData(federationKey, view),
    onSettled: () => qc.invalidateQueries({ queryKey: federationKey }),
  });
}

export function useImportMetadata(slot: Slot) {
  return useFederationMutation((source: ImportSource) => api.importMetadata(slot, source));
}

export type ImportMutation = ReturnType<typeof useImportMetadata>;

export function useClearMetadata(slot: Slot) {
  return useFederationMutation(() => api.clearMetadata(slot));
}

export function useSetPortalUrl() {
  return useFederationMutation((url: string | null) => api.setPortalUrl(url));
}

export function useConfirmEntraApp() {
  return useFederationMutation((confirmed: boolean) => api.confirmEntraApp(confirmed));
}

/** Saves an imported document to a file (the backend writes its exact bytes). */
export function useSaveMetadataCopy(slot: Slot) {
  const qc = useQueryClient();
  return useMutation<null, GatehouseError, string>({
    mutationFn: (path) => api.saveMetadataCopy(slot, path),
    onSettled: () => qc.invalidateQueries({ queryKey: federationKey }),
  });
}

/** How the slots are named on screen. */
export const SLOT_NAMES: Record<Slot, { step: string; title: string; document: string }> = {
  idp: { step: "2a", title: "Microsoft Entra ID federation metadata", document: "Entra ID Federation Metadata XML" },
  sp: { step: "2b", title: "AWS SP metadata", document: "IAM Identity Center SP metadata" },
};
