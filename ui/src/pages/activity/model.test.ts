/** The audit log's formatting: callers, what and counts, outcome labels, the status filter, the text copy. */
import { describe, expect, it } from "vitest";
import {
  changeSetText,
  countByGroup,
  countsText,
  describeCaller,
  filterItems,
  itemSentence,
  newestFirst,
  OUTCOMES,
  whatText,
} from "./model";
import { CALLER, failedSet, item, summary } from "./testData";

describe("who applied it", () => {
  it("names an IAM Identity Center session by user and permission set", () => {
    expect(describeCaller(CALLER)).toEqual({ name: "alice", detail: "AdministratorAccess (IAM Identity Center)" });
  });

  it("names other roles, IAM users, federated users and the root user", () => {
    expect(describeCaller("arn:aws:sts::111122223333:assumed-role/OrgAdmin/ci-session")).toEqual({ name: "ci-session", detail: "role OrgAdmin" });
    expect(describeCaller("arn:aws:iam::111122223333:user/ops/bob")).toEqual({ name: "bob", detail: "IAM user" });
    expect(describeCaller("arn:aws:sts::111122223333:federated-user/carol")).toEqual({ name: "carol", detail: "federated user" });
    expect(describeCaller("arn:aws:iam::111122223333:root")).toEqual({ name: "root user", detail: "account 111122223333" });
    expect(describeCaller("arn:aws-us-gov:sts::111122223333:assumed-role/R/s")).toEqual({ name: "s", detail: "role R" });
    expect(describeCaller("not an arn")).toEqual({ name: "not an arn", detail: null });
  });
});

describe("what and how it ended", () => {
  it("says what a change set did", () => {
    expect(whatText({ creates: 3, deletes: 1 })).toBe("3 assignments, 1 removal");
    expect(whatText({ creates: 2, deletes: 0 })).toBe("2 assignments");
    expect(whatText({ creates: 0, deletes: 4 })).toBe("4 removals");
    expect(whatText({ creates: 1, deletes: 0 })).toBe("1 assignment");
    expect(whatText({ creates: 0, deletes: 0 })).toBe("nothing");
  });

  it("counts outcomes, leaving zeros out", () => {
    expect(countsText(summary().counts)).toBe("3 succeeded");
    expect(countsText(failedSet().summary.counts)).toBe("1 succeeded · 1 failed · 1 not attempted");
    expect(countsText({ total: 2, creates: 2, deletes: 0, succeeded: 0, failed: 0, unfinished: 2, not_attempted: 0 })).toBe("2 unfinished");
    expect(countsText({ total: 0, creates: 0, deletes: 0, succeeded: 0, failed: 0, unfinished: 0, not_attempted: 0 })).toBe("no items");
  });

  it("has a label and tone for every status", () => {
    expect(OUTCOMES.completed_with_failures).toMatchObject({ label: "Completed with failures", tone: "error" });
    expect(OUTCOMES.interrupted.tone).toBe("attention");
    expect(Object.keys(OUTCOMES).sort()).toEqual(["cancelled", "completed", "completed_with_failures", "discarded", "interrupted", "running"]);
  });

  it("sorts newest first, keeping the order of equal times", () => {
    const a = summary({ id: "a", created_at: "2025-03-01T10:00:00Z" });
    const b = summary({ id: "b", created_at: "2025-03-03T10:00:00Z" });
    const c = summary({ id: "c", created_at: "2025-03-01T10:00:00Z" });
    expect(newestFirst([a, b, c]).map((e) => e.id)).toEqual(["b", "a", "c"]);
  });
});

describe("a change set's items", () => {
  it("filters by status group", () => {
    const items = [item(0, "succeeded"), item(1, "already_done"), item(2, "failed"), item(3, "in_progress"), item(4, "not_attempted"), item(5, "pending")];
    expect(filterItems(items, "all")).toHaveLength(6);
    expect(filterItems(items, "succeeded").map((i) => i.index)).toEqual([0, 1]);
    expect(filterItems(items, "failed").map((i) => i.index)).toEqual([2]);
    expect(filterItems(items, "unfinished").map((i) => i.index)).toEqual([3, 5]);
    expect(filterItems(items, "not_attempted").map((i) => i.index)).toEqual([4]);
    expect(countByGroup(items)).toEqual({ succeeded: 2, failed: 1, unfinished: 2, not_attempted: 1 });
  });

  it("describes an item in a sentence", () => {
    expect(itemSentence(item(0, "succeeded"))).toBe("Assign ReadOnly to user0@example.com (user) in prod-app (444455556666)");
    expect(itemSentence(item(1, "failed"))).toBe("Remove ReadOnly from user1@example.com (user) in prod-app (444455556666)");
    expect(itemSentence(item(2, "failed"))).toBe("Assign ReadOnly to Developers (group) in prod-app (444455556666)");
  });

  it("copies as text with every item, its outcome and AWS's reason", () => {
    const text = changeSetText(failedSet());
    expect(text.split("\n")).toEqual([
      "Gatehouse change set cs-2",
      "Outcome: Completed with failures (1 succeeded · 1 failed · 1 not attempted)",
      "What: 2 assignments, 1 removal",
      "Applied by: alice — AdministratorAccess (IAM Identity Center)",
      `Caller ARN: ${CALLER}`,
      "Account: 111122223333, region eu-west-1",
      "Instance: arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6",
      "Started: 2025-03-02T09:00:00Z",
      "Finished: 2025-03-01T10:01:00Z",
      "",
      "Items:",
      "1. Assign ReadOnly to user0@example.com (user) in prod-app (444455556666): Succeeded (request req-0)",
      "2. Remove ReadOnly from user1@example.com (user) in prod-app (444455556666): Failed (reason: ConflictException: the principal is being deleted; 3 attempts)",
      "3. Assign ReadOnly to Developers (group) in prod-app (444455556666): Not attempted (reason: Cancelled before it was sent.)",
    ]);
  });

  it("adds the message of a change set that stopped on an error", () => {
    const cs = { summary: summary({ status: "interrupted", finished_at: null, message: "The connection was lost." }), items: [] };
    expect(changeSetText(cs)).toContain("Finished: not finished\nMessage: The connection was lost.\n\nItems:");
  });
});
