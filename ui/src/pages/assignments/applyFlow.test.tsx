/**
 * The review → apply → result dialog (ApplyFlow) with a fake backend: the plan and its
 * sections, drift acknowledgement, streamed progress, cancel, retry, resume/discard of an
 * interrupted change set, what gets unstaged, and a run that outlives the dialog.
 */
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import type { ApplyEvent, ChangeItem, ChangeLine, ChangePlan, ChangeSet, ChangeSetStatus, Progress } from "../../backend/api";
import { GatehouseError } from "../../backend/errors";
import { createQueryClient } from "../../state/queries";
import { loadStaged, saveStaged, StagingStore, useStaging, type StagedChange, type StagingValue } from "../../state/staging";
import { fakeApi, fakeRunTask, INSTANCE_ARN, resetFakeBackend, tasks } from "../../test/fakeBackend";
import { ApplyFlow } from "./ApplyFlow";
import { applyStoreFor } from "./applyStore";
import { ACC, PS } from "./testData";

vi.mock("../../backend/api", async () => (await import("../../test/fakeBackend")).apiModule());

// The shared fake records each task (its `onProgress` is the event callback). ApplyStore uses
// `runStreamingTask`: this one also calls the command, with a channel the test can recognise.
const channels = vi.hoisted(() => new Map<string, { channelOf: string }>());
vi.mock("../../backend/progress", async () => {
  const fb = await import("../../test/fakeBackend");
  return {
    ...fb.progressModule(),
    runStreamingTask: (start: (taskId: string, channel: never) => Promise<unknown>, onEvent: (event: never) => void) => {
      const task = fb.fakeRunTask(start, onEvent as (p: unknown) => void);
      const channel = { channelOf: task.taskId };
      channels.set(task.taskId, channel);
      // The command's own promise is the backend's business; the test settles the task.
      void start(task.taskId, channel as never).catch(() => undefined);
      return task;
    },
  };
});

// ---------------------------------------------------------------------------------------------
// Fixtures: four staged changes — one sent and succeeds, one sent and fails, one blocked
// (delegated administrator), one skipped (already as asked in AWS) — and one drift.

const change = (op: StagedChange["op"], account: string, ps: string, principal: string, type: "GROUP" | "USER" = "GROUP"): StagedChange => ({
  op,
  assignment: { account_id: account, permission_set_arn: ps, principal_type: type, principal_id: principal },
});

const ASSIGN_AUDIT = change("create", ACC.sandbox, PS.audit, "g-aud");
const REMOVE_RO = change("delete", ACC.prodApp, PS.ro, "g-dev");
const ASSIGN_MGMT = change("create", ACC.mgmt, PS.admin, "g-admins");
const ASSIGN_POWER = change("create", ACC.prodData, PS.power, "u-bob", "USER");
const STAGED = [ASSIGN_AUDIT, REMOVE_RO, ASSIGN_MGMT, ASSIGN_POWER];

const lineOf = (c: StagedChange, account: string, ps: string, principal: string): ChangeLine => ({
  op: c.op,
  assignment: c.assignment,
  account_name: account,
  permission_set_name: ps,
  principal_name: principal,
});

const L_AUDIT = lineOf(ASSIGN_AUDIT, "sandbox-1", "SecurityAudit", "Auditors");
const L_RO = lineOf(REMOVE_RO, "prod-app", "ReadOnlyAccess", "Developers");
const L_MGMT = lineOf(ASSIGN_MGMT, "management", "AdministratorAccess", "Admins");
const L_POWER = lineOf(ASSIGN_POWER, "prod-data", "PowerUserAccess", "bob@example.com");

const BLOCKED_REASON =
  "The management account's assignments can only be changed from the management account: this connection is a delegated administrator.";
const SKIPPED_REASON = "Already assigned in AWS (assigned elsewhere since the snapshot).";
const AWS_REASON = "AccessDeniedException: User is not authorized to perform sso:DeleteAccountAssignment";

function fixturePlan(over: Partial<ChangePlan> = {}): ChangePlan {
  return {
    snapshot_taken_at: "2026-11-23T10:00:00Z",
    checked_at: "2026-11-23T10:05:00Z",
    // Deletions first, as the backend orders them.
    send: [L_RO, L_AUDIT],
    skipped: [{ line: L_POWER, reason: SKIPPED_REASON }],
    blocked: [{ line: L_MGMT, reason: BLOCKED_REASON }],
    drift: [
      {
        kind: "added_elsewhere",
        account_name: "prod-data",
        permission_set_name: "SecurityAudit",
        principal_name: "Auditors",
        assignment: { account_id: ACC.prodData, permission_set_arn: PS.audit, principal_type: "GROUP", principal_id: "g-aud" },
      },
    ],
    creates: 1,
    deletes: 1,
    settings: { max_outstanding: 15, requests_per_second: 20 },
    estimated_requests: 4,
    estimated_seconds: 0.2,
    requests_sent: 2,
    ...over,
  };
}

function item(index: number, line: ChangeLine, status: ChangeItem["status"], reason: string | null = null): ChangeItem {
  return { index, line, status, reason, attempts: 1, request_id: null, updated_at: "2026-11-23T10:06:00Z" };
}

function changeSet(items: ChangeItem[], status: ChangeSetStatus, over: { id?: string; updated_at?: string; message?: string | null } = {}): ChangeSet {
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
      id: over.id ?? "cs-1",
      caller_arn: "arn:aws:sts::111122223333:assumed-role/Admin/alice",
      account_id: "111122223333",
      instance_arn: INSTANCE_ARN,
      region: "eu-west-1",
      created_at: "2026-11-23T10:06:00Z",
      updated_at: over.updated_at ?? "2026-11-23T10:07:00Z",
      finished_at: status === "interrupted" ? null : "2026-11-23T10:07:00Z",
      status,
      counts,
      message: over.message ?? null,
    },
    items,
  };
}

function event(over: Partial<ApplyEvent>): ApplyEvent {
  return { change_set_id: "cs-1", done: 0, total: 2, succeeded: 0, failed: 0, in_flight: 0, message: "", item: null, ...over };
}

/** Sends an ApplyEvent on task `n`'s channel (the fake records the event callback as `progress`). */
function emit(n: number, e: ApplyEvent) {
  act(() => tasks[n]!.progress(e as unknown as Progress));
}

async function settle(n: number, set: ChangeSet) {
  await act(async () => {
    tasks[n]!.resolve(set);
    await Promise.resolve();
  });
}

const staged = () => loadStaged(window.localStorage, INSTANCE_ARN);

// ---------------------------------------------------------------------------------------------
// Harness: the dialog over the staging store, closed by its callbacks as the page does.

let staging: StagingValue | null = null;

function Harness({ mounted, resume, onClose, onApplied }: { mounted: boolean; resume: ChangeSet | null; onClose: () => void; onApplied: () => void }) {
  const s = useStaging();
  staging = s;
  const [open, setOpen] = useState(true);
  if (!mounted || !open) return null;
  return (
    <ApplyFlow
      changes={s.changes}
      resume={resume}
      onClose={() => {
        onClose();
        setOpen(false);
      }}
      onApplied={() => {
        onApplied();
        setOpen(false);
      }}
    />
  );
}

function renderFlow(options: { resume?: ChangeSet | null; client?: QueryClient } = {}) {
  const client = options.client ?? createQueryClient();
  const onClose = vi.fn();
  const onApplied = vi.fn();
  const tree = (mounted: boolean) => (
    <QueryClientProvider client={client}>
      <StagingStore instanceArn={INSTANCE_ARN} storage={window.localStorage}>
        <Harness mounted={mounted} resume={options.resume ?? null} onClose={onClose} onApplied={onApplied} />
      </StagingStore>
    </QueryClientProvider>
  );
  const result = render(tree(true));
  return {
    ...result,
    client,
    onClose,
    onApplied,
    user: userEvent.setup(),
    /** Unmounts or mounts the dialog; the query client and the staging store stay. */
    mount: (mounted: boolean) => result.rerender(tree(mounted)),
  };
}

const dialog = () => screen.getByTestId("apply-flow");

/** Renders the review with the fixture plan, ticks the drift box and clicks Apply. */
async function startApply() {
  fakeApi.planAssignmentChanges.mockResolvedValue(fixturePlan());
  const r = renderFlow();
  await screen.findByTestId("apply-headline");
  await r.user.click(screen.getByTestId("apply-ack-drift"));
  await r.user.click(screen.getByTestId("apply-confirm"));
  await waitFor(() => expect(fakeRunTask).toHaveBeenCalledTimes(1));
  return r;
}

beforeEach(() => {
  resetFakeBackend();
  channels.clear();
  staging = null;
  window.localStorage.clear();
  saveStaged(window.localStorage, INSTANCE_ARN, STAGED);
  // Commands started through the fake task never settle on their own.
  for (const m of [fakeApi.applyAssignmentChanges, fakeApi.retryChangeSet, fakeApi.resumeChangeSet] as Mock[]) m.mockReturnValue(new Promise(() => undefined));
});

// ---------------------------------------------------------------------------------------------

describe("apply flow: review", () => {
  it("plans exactly what is staged and shows the headline, drift, blocked and skipped changes with their reasons", async () => {
    fakeApi.planAssignmentChanges.mockResolvedValue(fixturePlan());
    const { user, onClose } = renderFlow();
    expect(dialog()).toHaveAccessibleName("Review and apply");
    expect(screen.getByRole("status")).toHaveTextContent("Checking 4 staged changes against AWS");
    expect(fakeApi.planAssignmentChanges).toHaveBeenCalledTimes(1);
    expect(fakeApi.planAssignmentChanges).toHaveBeenCalledWith(STAGED);

    expect(await screen.findByTestId("apply-headline")).toHaveTextContent(
      "1 to assign, 1 to remove — about 1 s at up to 20 requests per second, at most 15 in progress at once. Nothing has been sent yet.",
    );
    const drift = screen.getByTestId("apply-drift");
    expect(drift).toHaveTextContent("1 assignment changed in AWS since the snapshot");
    expect(within(drift).getByTestId("apply-drift-row")).toHaveTextContent("Assigned elsewhere: Auditors → SecurityAudit in prod-data (222222222222)");

    const blocked = screen.getByTestId("apply-blocked");
    expect(blocked).toHaveTextContent("1 change cannot be made from this connection");
    expect(within(blocked).getByTestId("apply-blocked-row")).toHaveTextContent(
      `Assign Admins → AdministratorAccess in management (000000000001) — ${BLOCKED_REASON}`,
    );
    expect(blocked).toHaveTextContent("They stay staged and are not sent.");
    const skipped = screen.getByTestId("apply-skipped");
    expect(skipped).toHaveTextContent("1 change already as asked in AWS: not sent");
    expect(within(skipped).getByTestId("apply-skipped-row")).toHaveTextContent(
      `Assign bob@example.com → PowerUserAccess in prod-data (222222222222) — ${SKIPPED_REASON}`,
    );
    // What will be sent: deletions first, then creations; not the blocked or skipped ones.
    expect(screen.getAllByTestId("apply-send-row").map((r) => r.textContent)).toEqual([
      "Remove Developers → ReadOnlyAccess in prod-app (111111111111)",
      "Assign Auditors → SecurityAudit in sandbox-1 (444444444444)",
    ]);

    // Drift must be acknowledged before Apply.
    const confirm = screen.getByTestId("apply-confirm");
    expect(confirm).toHaveTextContent("Apply 2 changes");
    expect(confirm).toBeDisabled();
    await user.click(screen.getByTestId("apply-ack-drift"));
    expect(confirm).toBeEnabled();
    await user.click(screen.getByTestId("apply-ack-drift"));
    expect(confirm).toBeDisabled();
    expect(fakeRunTask).not.toHaveBeenCalled();

    // Cancel closes without touching the staged changes.
    await user.click(screen.getByTestId("apply-close"));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("apply-flow")).not.toBeInTheDocument();
    expect(staged()).toEqual(STAGED);
  });

  it("enables Apply at once when nothing drifted, and not at all when nothing would be sent", async () => {
    fakeApi.planAssignmentChanges.mockResolvedValueOnce(fixturePlan({ drift: [] }));
    const first = renderFlow();
    await screen.findByTestId("apply-headline");
    expect(screen.queryByTestId("apply-drift")).not.toBeInTheDocument();
    expect(screen.getByTestId("apply-confirm")).toBeEnabled();
    first.unmount();

    fakeApi.planAssignmentChanges.mockResolvedValueOnce(fixturePlan({ drift: [], send: [], creates: 0, deletes: 0 }));
    renderFlow();
    expect(await screen.findByTestId("apply-headline")).toHaveTextContent("Nothing to send: AWS already holds every staged change, or none can be made.");
    expect(screen.getByTestId("apply-confirm")).toHaveTextContent(/^Apply$/);
    expect(screen.getByTestId("apply-confirm")).toBeDisabled();
  });

  it("shows a plan error with a retry that plans again", async () => {
    fakeApi.planAssignmentChanges
      .mockRejectedValueOnce(new GatehouseError("access_denied", "Not allowed to call sso:ListAccountAssignments in 111111111111."))
      .mockResolvedValueOnce(fixturePlan());
    const { user } = renderFlow();
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not check the changes against AWS");
    expect(alert).toHaveTextContent("Not allowed to call sso:ListAccountAssignments in 111111111111.");
    expect(screen.getByTestId("apply-confirm")).toBeDisabled();
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("apply-headline")).toHaveTextContent("1 to assign, 1 to remove");
    expect(fakeApi.planAssignmentChanges).toHaveBeenCalledTimes(2);
    expect(fakeApi.planAssignmentChanges).toHaveBeenLastCalledWith(STAGED);
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("says so when nothing is staged, without asking AWS", () => {
    window.localStorage.clear();
    renderFlow();
    expect(dialog()).toHaveTextContent("Nothing is staged.");
    expect(fakeApi.planAssignmentChanges).not.toHaveBeenCalled();
    expect(screen.getByTestId("apply-confirm")).toBeDisabled();
  });
});

describe("apply flow: apply", () => {
  it("sends only the plan's send lines, streams progress and failures, then shows the result and unstages what settled", async () => {
    const { user, client, onApplied } = await startApply();
    const invalidate = vi.spyOn(client, "invalidateQueries");

    // Only the lines the plan sends: not the blocked or skipped ones.
    expect(fakeApi.applyAssignmentChanges).toHaveBeenCalledTimes(1);
    expect(fakeApi.applyAssignmentChanges).toHaveBeenCalledWith("task-1", [REMOVE_RO, ASSIGN_AUDIT], channels.get("task-1"));

    expect(dialog()).toHaveAccessibleName("Applying");
    expect(screen.getByTestId("apply-progress")).toHaveTextContent("Checking AWS before sending…");
    expect(screen.getByTestId("apply-cancel")).toBeEnabled();

    emit(0, event({ in_flight: 1, message: "Sending: Remove Developers → ReadOnlyAccess in prod-app (111111111111)", item: { index: 0, status: "sending", reason: null } }));
    expect(screen.getByTestId("apply-progress")).toHaveTextContent("0/2");
    expect(screen.getByTestId("apply-progress")).toHaveTextContent("Sending: Remove Developers → ReadOnlyAccess");
    expect(dialog()).toHaveTextContent("0 done · 0 failed · 1 in progress in AWS");
    expect(screen.queryByTestId("apply-failure-row")).not.toBeInTheDocument();

    emit(
      0,
      event({
        done: 1,
        failed: 1,
        in_flight: 1,
        message: "Failed: Remove Developers → ReadOnlyAccess in prod-app (111111111111)",
        item: { index: 0, status: "failed", reason: AWS_REASON },
      }),
    );
    expect(screen.getByTestId("apply-progress")).toHaveTextContent("1/2");
    expect(screen.getByRole("progressbar", { name: "Changes finished" })).toHaveAttribute("value", "1");
    expect(dialog()).toHaveTextContent("1 change failed so far");
    expect(screen.getByTestId("apply-failure-row")).toHaveTextContent(`Remove Developers → ReadOnlyAccess in prod-app (111111111111) — ${AWS_REASON}`);

    emit(0, event({ done: 2, succeeded: 1, failed: 1, message: "Done: Assign Auditors → SecurityAudit in sandbox-1 (444444444444)", item: { index: 1, status: "succeeded", reason: null } }));
    expect(screen.getByTestId("apply-progress")).toHaveTextContent("2/2");
    expect(dialog()).toHaveTextContent("1 done · 1 failed · 0 in progress in AWS");
    // Nothing is unstaged while it runs.
    expect(staged()).toEqual(STAGED);

    await settle(0, changeSet([item(0, L_RO, "failed", AWS_REASON), item(1, L_AUDIT, "succeeded")], "completed_with_failures"));
    expect(dialog()).toHaveAccessibleName("Apply finished");
    const result = screen.getByTestId("apply-result");
    expect(result).toHaveTextContent("Completed with failures: 1 of 2 done, 1 failed.");
    expect(result).toHaveTextContent("Failed changes stay staged in the matrix.");
    expect(result).toHaveTextContent("change set cs-1, applied by arn:aws:sts::111122223333:assumed-role/Admin/alice");
    const rows = screen.getAllByTestId("apply-item");
    expect(rows.map((r) => r.getAttribute("data-status"))).toEqual(["failed", "succeeded"]);
    expect(rows[0]).toHaveTextContent(`Failed Remove Developers → ReadOnlyAccess in prod-app (111111111111)${AWS_REASON}`);
    expect(rows[1]).toHaveTextContent("Done Assign Auditors → SecurityAudit in sandbox-1 (444444444444)");

    // Succeeded and skipped are unstaged; failed and blocked stay.
    expect(staged()).toEqual([REMOVE_RO, ASSIGN_MGMT]);
    expect(staging?.changes).toEqual([REMOVE_RO, ASSIGN_MGMT]);
    // The snapshot, the interrupted change set and the audit log are read again.
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ["aws", "snapshot"] });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ["aws", "interrupted-change-set"] });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ["activity"] });

    // Retry failed: the change set by id, on a new task.
    const retry = screen.getByTestId("apply-retry");
    expect(retry).toHaveTextContent("Retry failed (1)");
    await user.click(retry);
    expect(fakeRunTask).toHaveBeenCalledTimes(2);
    expect(fakeApi.retryChangeSet).toHaveBeenCalledWith("task-2", "cs-1", channels.get("task-2"));
    expect(fakeApi.applyAssignmentChanges).toHaveBeenCalledTimes(1);
    expect(dialog()).toHaveAccessibleName("Applying");
    expect(screen.getByTestId("apply-progress")).not.toHaveTextContent("/");

    emit(1, event({ done: 1, total: 1, succeeded: 1, message: "Already done: Remove Developers → ReadOnlyAccess in prod-app (111111111111)", item: { index: 0, status: "already_done", reason: null } }));
    expect(screen.getByTestId("apply-progress")).toHaveTextContent("1/1");
    expect(screen.queryByTestId("apply-failure-row")).not.toBeInTheDocument();

    await settle(1, changeSet([item(0, L_RO, "already_done"), item(1, L_AUDIT, "succeeded")], "completed", { updated_at: "2026-11-23T10:09:00Z" }));
    expect(screen.getByTestId("apply-result")).toHaveTextContent("Completed: 2 of 2 done.");
    expect(screen.getByTestId("apply-checked-first")).toHaveTextContent("Retried: each failed or unsent change was checked against AWS");
    expect(screen.queryByTestId("apply-retry")).not.toBeInTheDocument();
    expect(screen.getAllByTestId("apply-item").map((r) => r.getAttribute("data-status"))).toEqual(["already_done", "succeeded"]);
    // Now the retried one is unstaged too; the blocked one stays.
    expect(staged()).toEqual([ASSIGN_MGMT]);

    await user.click(screen.getByTestId("apply-done"));
    expect(onApplied).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("apply-flow")).not.toBeInTheDocument();
    expect(applyStoreFor(client).getState()).toEqual({ kind: "idle" });
  });

  it("cancels through the task and shows what was done", async () => {
    const { user } = await startApply();
    // The backend answers a cancel with the change set as it stands.
    tasks[0]!.cancel.mockResolvedValue(true);
    emit(0, event({ done: 1, succeeded: 1, message: "Done: Remove Developers → ReadOnlyAccess in prod-app (111111111111)", item: { index: 0, status: "succeeded", reason: null } }));
    await user.click(screen.getByTestId("apply-cancel"));
    expect(tasks[0]!.cancel).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("apply-cancel")).toHaveTextContent("Cancelling…");
    expect(screen.getByTestId("apply-cancel")).toBeDisabled();
    expect(screen.getByTestId("apply-progress")).toHaveTextContent("Cancelling: nothing more is sent");
    // Escape does not close the dialog while it runs.
    act(() => dialog().focus());
    await user.keyboard("{Escape}");
    expect(dialog()).toBeInTheDocument();

    await settle(0, changeSet([item(0, L_RO, "succeeded"), item(1, L_AUDIT, "not_attempted", "Cancelled before it was sent.")], "cancelled"));
    expect(screen.getByTestId("apply-result")).toHaveTextContent("Cancelled: 1 of 2 done, 1 not attempted.");
    expect(screen.getAllByTestId("apply-item").map((r) => r.getAttribute("data-status"))).toEqual(["not_attempted", "succeeded"]);
    expect(screen.getByTestId("apply-retry")).toHaveTextContent("Retry failed (1)");
    // The removal that went through and the skipped one are unstaged; the unsent one stays.
    expect(staged()).toEqual([ASSIGN_AUDIT, ASSIGN_MGMT]);
  });

  it("shows a run that stopped on an error, unstages only what it made, and closes as applied", async () => {
    fakeApi.changeSet.mockResolvedValue(changeSet([item(0, L_RO, "succeeded"), item(1, L_AUDIT, "pending")], "interrupted"));
    const { user, onApplied } = await startApply();
    emit(0, event({ done: 1, succeeded: 1, message: "Done: Remove Developers → ReadOnlyAccess in prod-app (111111111111)", item: { index: 0, status: "succeeded", reason: null } }));
    await act(async () => {
      tasks[0]!.reject({ kind: "network", message: "The connection to AWS was lost." });
      await Promise.resolve();
    });
    expect(dialog()).toHaveAccessibleName("Apply finished");
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("The apply stopped");
    expect(alert).toHaveTextContent("The connection to AWS was lost.");
    expect(dialog()).toHaveTextContent("Change set cs-1 is saved with every item’s state: 1 of 2 were done.");
    // The saved change set is read: the removal that went through (and the skipped one) are
    // unstaged; the one never sent stays.
    await waitFor(() => expect(fakeApi.changeSet).toHaveBeenCalledWith("cs-1"));
    await waitFor(() => expect(staged()).toEqual([ASSIGN_AUDIT, ASSIGN_MGMT]));
    await user.click(screen.getByTestId("apply-done"));
    expect(onApplied).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("apply-flow")).not.toBeInTheDocument();
  });
});

describe("apply flow: an interrupted change set", () => {
  const interrupted = () =>
    changeSet([item(0, L_RO, "succeeded"), item(1, L_AUDIT, "in_progress")], "interrupted", { id: "cs-9", message: "Gatehouse stopped while applying." });

  it("shows what was done and resumes it by id, without planning", async () => {
    const { user } = renderFlow({ resume: interrupted() });
    expect(dialog()).toHaveAccessibleName("Resume an interrupted apply");
    const summary = screen.getByTestId("apply-interrupted");
    expect(summary).toHaveTextContent("Interrupted: 1 of 2 done, 1 unfinished.");
    expect(summary).toHaveTextContent("arn:aws:sts::111122223333:assumed-role/Admin/alice");
    expect(summary).toHaveTextContent("Gatehouse stopped while applying.");
    expect(screen.getAllByTestId("apply-item").map((r) => r.getAttribute("data-status"))).toEqual(["in_progress", "succeeded"]);
    expect(fakeApi.planAssignmentChanges).not.toHaveBeenCalled();

    await user.click(screen.getByTestId("apply-resume"));
    expect(fakeApi.resumeChangeSet).toHaveBeenCalledTimes(1);
    expect(fakeApi.resumeChangeSet).toHaveBeenCalledWith("task-1", "cs-9", channels.get("task-1"));
    expect(dialog()).toHaveAccessibleName("Applying");
    expect(dialog()).toHaveTextContent("resuming: each unfinished change was checked against AWS first");

    emit(0, event({ change_set_id: "cs-9", done: 2, succeeded: 2, message: "Done: Assign Auditors → SecurityAudit in sandbox-1 (444444444444)", item: { index: 1, status: "succeeded", reason: null } }));
    expect(screen.getByTestId("apply-progress")).toHaveTextContent("2/2");
    await settle(0, changeSet([item(0, L_RO, "succeeded"), item(1, L_AUDIT, "succeeded")], "completed", { id: "cs-9" }));
    expect(screen.getByTestId("apply-result")).toHaveTextContent("Completed: 2 of 2 done.");
    expect(screen.getByTestId("apply-checked-first")).toHaveTextContent("Resumed after the interruption");
    // What the resumed set did is unstaged (no plan: the skipped one stays staged).
    expect(staged()).toEqual([ASSIGN_MGMT, ASSIGN_POWER]);
  });

  it("discards it and closes", async () => {
    fakeApi.discardChangeSet.mockResolvedValue(changeSet([item(0, L_RO, "succeeded"), item(1, L_AUDIT, "not_attempted")], "discarded", { id: "cs-9" }));
    const { user, onClose, client } = renderFlow({ resume: interrupted() });
    const invalidate = vi.spyOn(client, "invalidateQueries");
    await user.click(screen.getByTestId("apply-discard"));
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
    expect(fakeApi.discardChangeSet).toHaveBeenCalledWith("cs-9");
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ["aws", "interrupted-change-set"] });
    expect(screen.queryByTestId("apply-flow")).not.toBeInTheDocument();
    expect(fakeRunTask).not.toHaveBeenCalled();
    expect(staged()).toEqual(STAGED);
  });

  it("shows a failed discard and stays open", async () => {
    fakeApi.discardChangeSet.mockRejectedValue(new GatehouseError("storage", "The change set journal could not be written."));
    const consoleError = vi.spyOn(console, "error");
    const { user, onClose } = renderFlow({ resume: interrupted() });
    await user.click(screen.getByTestId("apply-discard"));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not discard the change set");
    expect(alert).toHaveTextContent("The change set journal could not be written.");
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByTestId("apply-discard")).toBeEnabled();
    expect(screen.getByTestId("apply-resume")).toBeEnabled();
    // The summary is still shown above the error (and React has nothing to warn about).
    expect(screen.getByTestId("apply-interrupted")).toBeInTheDocument();
    expect(consoleError).not.toHaveBeenCalled();
  });
});

describe("apply flow: keyboard", () => {
  it("keeps the focus in the dialog from review to running to result, so Escape still closes the result", async () => {
    const { user, onApplied } = await startApply();
    expect(dialog()).toContainElement(document.activeElement as HTMLElement);
    expect(screen.getByTestId("apply-cancel")).toHaveFocus();
    await settle(0, changeSet([item(0, L_RO, "succeeded"), item(1, L_AUDIT, "succeeded")], "completed"));
    expect(screen.getByTestId("apply-done")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(onApplied).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("apply-flow")).not.toBeInTheDocument();
  });
});

describe("apply flow: the run outlives the dialog", () => {
  it("keeps running when the dialog unmounts and shows it again on remount, for the same query client only", async () => {
    const { client, mount } = await startApply();
    emit(0, event({ in_flight: 1, message: "Sending: Remove Developers → ReadOnlyAccess in prod-app (111111111111)", item: { index: 0, status: "sending", reason: null } }));
    mount(false);
    expect(screen.queryByTestId("apply-flow")).not.toBeInTheDocument();
    expect(tasks[0]!.cancel).not.toHaveBeenCalled();

    // Events keep arriving while nothing shows them.
    emit(0, event({ done: 1, failed: 1, in_flight: 1, message: "Failed: Remove Developers → ReadOnlyAccess in prod-app (111111111111)", item: { index: 0, status: "failed", reason: AWS_REASON } }));
    expect(applyStoreFor(client).getState().kind).toBe("running");

    mount(true);
    expect(dialog()).toHaveAccessibleName("Applying");
    expect(screen.getByTestId("apply-progress")).toHaveTextContent("1/2");
    expect(screen.getByTestId("apply-failure-row")).toHaveTextContent(AWS_REASON);
    expect(screen.getByTestId("apply-cancel")).toBeEnabled();
    // No new plan while a run is shown.
    expect(fakeApi.planAssignmentChanges).toHaveBeenCalledTimes(1);

    // Another app (another query client) has its own, idle store.
    const other = createQueryClient();
    expect(applyStoreFor(other).getState()).toEqual({ kind: "idle" });
    expect(applyStoreFor(client)).toBe(applyStoreFor(client));

    // It finishes while unmounted: the result is kept, and unstaged once it is shown.
    mount(false);
    await settle(0, changeSet([item(0, L_RO, "failed", AWS_REASON), item(1, L_AUDIT, "succeeded")], "completed_with_failures"));
    expect(applyStoreFor(client).getState().kind).toBe("done");
    mount(true);
    expect(screen.getByTestId("apply-result")).toHaveTextContent("Completed with failures: 1 of 2 done, 1 failed.");
    expect(staged()).toEqual([REMOVE_RO, ASSIGN_MGMT]);
  });
});
