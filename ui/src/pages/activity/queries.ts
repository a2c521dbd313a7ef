/**
 * The audit log's reads. Change sets are kept locally (SQLite), not read from AWS, so the keys
 * are not under `["aws", …]`; they are read again each time the page opens (an apply on the
 * Assignments page adds or updates entries meanwhile).
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type ChangeSet, type ChangeSetSummary, type GatehouseError } from "../../backend/api";

export const activityKeys = {
  all: ["activity"] as const,
  log: (limit: number) => ["activity", "log", limit] as const,
  changeSet: (id: string) => ["activity", "change-set", id] as const,
};

/** Entries read per page of the log ("Show more" reads this many more). */
export const PAGE_SIZE = 100;

export function useActivityLog(limit: number) {
  return useQuery<ChangeSetSummary[], GatehouseError>({
    queryKey: activityKeys.log(limit),
    queryFn: () => api.activityLog(limit),
    placeholderData: keepPreviousData,
    refetchOnMount: "always",
  });
}

export function useChangeSet(id: string) {
  return useQuery<ChangeSet, GatehouseError>({
    queryKey: activityKeys.changeSet(id),
    queryFn: () => api.changeSet(id),
    refetchOnMount: "always",
  });
}
