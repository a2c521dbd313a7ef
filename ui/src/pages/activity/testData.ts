/** Audit log entries for the Activity tests: a completed change set, one with failures, an interrupted one. */
import type { ChangeItem, ChangeSet, ChangeSetSummary, ItemStatus } from "../../backend/api";

export const CALLER = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b/alice";
const INSTANCE = "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6";

export function summary(overrides: Partial<ChangeSetSummary> = {}): ChangeSetSummary {
  return {
    id: "cs-1",
    caller_arn: CALLER,
    account_id: "111122223333",
    instance_arn: INSTANCE,
    region: "eu-west-1",
    created_at: "2025-03-01T10:00:00Z",
    updated_at: "2025-03-01T10:01:00Z",
    finished_at: "2025-03-01T10:01:00Z",
    status: "completed",
    counts: { total: 3, creates: 2, deletes: 1, succeeded: 3, failed: 0, unfinished: 0, not_attempted: 0 },
    message: null,
    ...overrides,
  };
}

export function item(index: number, status: ItemStatus, overrides: Partial<ChangeItem> = {}): ChangeItem {
  return {
    index,
    line: {
      op: index % 2 === 0 ? "create" : "delete",
      assignment: {
        account_id: "444455556666",
        permission_set_arn: "arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-ro",
        principal_type: index === 2 ? "GROUP" : "USER",
        principal_id: `p-${index}`,
      },
      account_name: "prod-app",
      permission_set_name: "ReadOnly",
      principal_name: index === 2 ? "Developers" : `user${index}@example.com`,
    },
    status,
    reason: null,
    attempts: 1,
    request_id: status === "succeeded" ? `req-${index}` : null,
    updated_at: "2025-03-01T10:01:00Z",
    ...overrides,
  };
}

/** A change set with one success, one failure (with AWS's reason) and one not attempted. */
export function failedSet(): ChangeSet {
  return {
    summary: summary({
      id: "cs-2",
      status: "completed_with_failures",
      created_at: "2025-03-02T09:00:00Z",
      counts: { total: 3, creates: 2, deletes: 1, succeeded: 1, failed: 1, unfinished: 0, not_attempted: 1 },
    }),
    items: [
      item(0, "succeeded"),
      item(1, "failed", { reason: "ConflictException: the principal is being deleted", attempts: 3 }),
      item(2, "not_attempted", { reason: "Cancelled before it was sent." }),
    ],
  };
}
