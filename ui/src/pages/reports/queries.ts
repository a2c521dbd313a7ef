/**
 * The Reports page's backend calls: who-has-what rows (read again whenever a new snapshot is
 * taken) and the export as code for the preview. The snapshot itself and its refresh are the
 * Assignments page's (`../assignments/queries`), so a refresh started on either page shows on
 * both. Saving (`api.saveReport`, `api.saveCodeExport`) is called directly by the components.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type CodeExport, type ExportFormat, type GatehouseError, type ReportRow, type StagedChange } from "../../backend/api";
import { snapshotKeys } from "../assignments/queries";

/** Under the snapshot's key: invalidating the snapshot reads these again too. */
export const reportKeys = {
  rows: (takenAt: string) => [...snapshotKeys.cached, "who-has-what", takenAt] as const,
  codeExport: (format: ExportFormat, takenAt: string, pendingKey: string) =>
    [...snapshotKeys.cached, "export-code", format, takenAt, pendingKey] as const,
};

/** Who has what in the snapshot taken at `takenAt` (null: no snapshot, nothing read). */
export function useWhoHasWhat(takenAt: string | null) {
  return useQuery<ReportRow[], GatehouseError>({
    queryKey: reportKeys.rows(takenAt ?? ""),
    queryFn: () => api.whoHasWhat(),
    enabled: takenAt !== null,
    // After a refresh, the previous snapshot's rows stay shown until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

/** The export as code of the snapshot (with `pending` applied), for the preview. */
export function useCodeExport(format: ExportFormat, takenAt: string, pending: readonly StagedChange[]) {
  const pendingKey = JSON.stringify(pending);
  return useQuery<CodeExport, GatehouseError>({
    queryKey: reportKeys.codeExport(format, takenAt, pendingKey),
    queryFn: () => api.exportCode(format, JSON.parse(pendingKey) as StagedChange[]),
    // Large text: not kept once the panel is closed.
    gcTime: 10_000,
  });
}
