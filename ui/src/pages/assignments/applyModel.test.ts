import { describe, expect, it } from "vitest";
import type { ApplyEvent, ChangeItem, ChangeLine, ChangePlan, ChangeSet } from "../../backend/api";
import type { StagedChange } from "../../state/staging";
import {
  canApply,
  describeDrift,
  describeLine,
  EMPTY_RUN,
  failuresSoFar,
  foldEvent,
  formatSeconds,
  planHeadline,
  resultGroups,
  retryable,
  setOutcome,
  settledChanges,
} from "./applyModel";

const a = (account: string, principal: string, ps = "arn:ps-ro") => ({
  account_id: account,
  permission_set_arn: ps,
  principal_type: "GROUP" as const,
  principal_id: principal,
});

const line = (op: "create" | "delete", account: string, principal: string): ChangeLine => ({
  op,
  assignment: a(account, principal),
  account_name: `acct-${account}`,
  permission_set_name: "ReadOnly",
  principal_name: principal.toUpperCase(),
});

function plan(over: Partial<ChangePlan> = {}): ChangePlan {
  return {
    snapshot_taken_at: "2026-11-23T10:00:00Z",
    checked_at: "2026-11-23T10:05:00Z",
    send: [line("delete", "1", "g1"), line("create", "2", "g2"), line("create", "3", "g2")],
    skipped: [],
    blocked: [],
    drift: [],
    creates: 2,
    deletes: 1,
    settings: { max_outstanding: 15, requests_per_second: 20 },
    estimated_requests: 6,
    estimated_seconds: 0.3,
    requests_sent: 3,
    ...over,
  };
}

function item(index: number, l: ChangeLine, status: ChangeItem["status"], reason: string | null = null): ChangeItem {
  return { index, line: l, status, reason, attempts: 1, request_id: null, updated_at: "2026-11-23T10:06:00Z" };
}

function set(items: ChangeItem[]): ChangeSet {
  const counts = {
    total: items.length,
    creates: items.filter((i) => i.line.op === "create").length,
    deletes: items.filter((i) => i.line.op === "delete").length,
    succeeded: items.filter((i) => i.status === "succeeded" || i.status === "already_done").length,
    failed: items.filter((i) => i.status === "failed").length,
    unfinished: items.filter((i) => ["pending", "sending", "in_progress"].includes(i.status)).length,
    not_attempted: items.filter((i) => i.status === "not_attempted").length,
  };
  return {
    summary: {
      id: "cs-1",
      caller_arn: "arn:aws:iam::111:user/admin",
      account_id: "111",
      instance_arn: "arn:aws:sso:::instance/ssoins-1",
      region: "eu-west-1",
      created_at: "2026-11-23T10:06:00Z",
      updated_at: "2026-11-23T10:07:00Z",
      finished_at: "2026-11-23T10:07:00Z",
      status: counts.failed > 0 ? "completed_with_failures" : "completed",
      counts,
      message: null,
    },
    items,
  };
}

describe("plan words", () => {
  it("says what will be sent, how fast", () => {
    expect(planHeadline(plan())).toBe(
      "2 to assign, 1 to remove — about 1 s at up to 20 requests per second, at most 15 in progress at once.",
    );
    expect(planHeadline(plan({ send: [], creates: 0, deletes: 0 }))).toMatch(/^Nothing to send/);
    expect(formatSeconds(75)).toBe("75 s");
    expect(formatSeconds(600)).toBe("10 min");
  });

  it("describes lines and drift with names and account ids", () => {
    expect(describeLine(line("create", "2", "g2"))).toBe("Assign G2 → ReadOnly in acct-2 (2)");
    expect(
      describeDrift({
        kind: "removed_elsewhere",
        account_name: "prod",
        permission_set_name: "Admin",
        principal_name: "Ops",
        assignment: a("9", "g9"),
      }),
    ).toBe("Removed elsewhere: Ops → Admin in prod (9)");
  });

  it("needs drift acknowledged and something to send", () => {
    const drifted = plan({
      drift: [{ kind: "added_elsewhere", account_name: "x", permission_set_name: "y", principal_name: "z", assignment: a("1", "z") }],
    });
    expect(canApply(plan(), false)).toBe(true);
    expect(canApply(drifted, false)).toBe(false);
    expect(canApply(drifted, true)).toBe(true);
    expect(canApply(plan({ send: [] }), true)).toBe(false);
  });
});

describe("apply events", () => {
  const ev = (over: Partial<ApplyEvent>): ApplyEvent => ({
    change_set_id: "cs-1",
    done: 0,
    total: 3,
    succeeded: 0,
    failed: 0,
    in_flight: 0,
    message: "",
    item: null,
    ...over,
  });

  it("folds counts and keeps each item's latest status", () => {
    let v = foldEvent(EMPTY_RUN, ev({ in_flight: 1, message: "Sending: x", item: { index: 1, status: "sending", reason: null } }));
    v = foldEvent(v, ev({ done: 1, failed: 1, message: "Failed: x", item: { index: 1, status: "failed", reason: "Account is suspended." } }));
    v = foldEvent(v, ev({ done: 2, failed: 1, succeeded: 1, message: "Done: y", item: { index: 0, status: "succeeded", reason: null } }));
    expect(v.changeSetId).toBe("cs-1");
    expect([v.done, v.total, v.succeeded, v.failed]).toEqual([2, 3, 1, 1]);
    expect(v.items.get(1)?.status).toBe("failed");
    expect(failuresSoFar(v)).toEqual([{ index: 1, message: "Failed: x", reason: "Account is suspended." }]);
    expect(EMPTY_RUN.items.size).toBe(0);
  });
});

describe("results", () => {
  const l0 = line("delete", "1", "g1");
  const l1 = line("create", "2", "g2");
  const l2 = line("create", "3", "g2");
  const result = set([item(0, l0, "succeeded"), item(1, l1, "failed", "Account is suspended."), item(2, l2, "already_done")]);

  it("groups failures first and counts what can be retried", () => {
    const groups = resultGroups(result);
    expect(groups.map((g) => g.title)).toEqual(["Failed", "Already in AWS, not sent", "Done"]);
    expect(groups[1]?.items.map((i) => i.index)).toEqual([2]);
    expect(groups[0]?.items[0]?.reason).toBe("Account is suspended.");
    expect(setOutcome(result)).toBe("2 of 3 done, 1 failed.");
    expect(retryable(result)).toBe(1);
  });

  it("settles what AWS holds and what was skipped; failed and blocked stay staged", () => {
    const staged: StagedChange[] = [
      { op: "delete", assignment: l0.assignment },
      { op: "create", assignment: l1.assignment },
      { op: "create", assignment: l2.assignment },
      { op: "create", assignment: a("4", "g4") },
      { op: "create", assignment: a("5", "g5") },
    ];
    const p = plan({
      skipped: [{ line: line("create", "4", "g4"), reason: "Already assigned in AWS." }],
      blocked: [{ line: line("create", "5", "g5"), reason: "delegated administrator" }],
    });
    const settled = settledChanges(staged, result, p);
    expect(settled.map((c) => c.assignment.account_id)).toEqual(["1", "3", "4"]);
    // An op mismatch is not settled.
    expect(settledChanges([{ op: "create", assignment: l0.assignment }], result, null)).toEqual([]);
  });
});
