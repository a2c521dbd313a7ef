import { forEachDiagnostic } from "@codemirror/lint";
import { act, screen, waitFor, within } from "@testing-library/react";
import { EditorView } from "codemirror";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PolicyValidation, ProvisionReport } from "../../backend/api";
import { connectedStatus, fakeApi, fakeRunTask, resetFakeBackend } from "../fakeBackend";
import {
  DATA_ACCOUNTS,
  DATA_ARN,
  DATA_STATE,
  dataDetails,
  deletePlan,
  installPermissionSets,
  plan,
  POLICY,
  report,
  stepResult,
  task,
  taskCommand,
  validatePolicy,
} from "./fakePermissionSets";
import { openDataEngineer, reviewEnabled, stubRangeLayout, type User } from "./helpers";

vi.mock("../../backend/api", async () => (await import("../fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../fakeBackend")).progressModule());

stubRangeLayout();

beforeEach(() => {
  resetFakeBackend();
  installPermissionSets();
});

/** Changes the description, reviews, and returns the plan shown. */
async function reviewDescriptionChange(user: User) {
  const p = plan();
  fakeApi.planPermissionSet.mockResolvedValue(p);
  const description = screen.getByTestId("ps-description");
  await user.clear(description);
  await user.type(description, "Data platform team");
  await reviewEnabled();
  await user.click(screen.getByTestId("ps-review"));
  await screen.findByTestId("ps-plan");
  return p;
}

describe("permission set detail: summary", () => {
  it("shows the set's fields; the name cannot be changed; Discard goes back to what AWS has", async () => {
    const user = await openDataEngineer();
    expect(fakeApi.getPermissionSet).toHaveBeenCalledWith(DATA_ARN);
    expect(screen.getByTestId("ps-name")).toHaveValue("DataEngineer");
    expect(screen.getByTestId("ps-name")).toHaveAttribute("readonly");
    expect(screen.getByTestId("ps-session-hours")).toHaveValue("PT4H");
    expect(screen.getByTestId("ps-relay-state")).toHaveValue("https://console.aws.amazon.com/athena/home");
    expect(screen.getByRole("textbox", { name: "Tag 1 key" })).toHaveValue("team");
    expect(screen.getByTestId("ps-provisioned-count")).toHaveTextContent("provisioned to 2 accounts");
    expect(screen.getByTestId("ps-validation-status")).toHaveTextContent("No unsaved changes.");
    expect(screen.getByTestId("ps-review")).toBeDisabled();

    await user.selectOptions(screen.getByTestId("ps-session-hours"), "8 hours");
    expect(screen.getByTestId("ps-session-hours")).toHaveValue("PT8H");
    await reviewEnabled();
    await user.click(screen.getByTestId("ps-discard"));
    expect(screen.getByTestId("ps-session-hours")).toHaveValue("PT4H");
    expect(screen.getByTestId("ps-review")).toBeDisabled();
  });

  it("tabs are reachable with the arrow keys", async () => {
    const user = await openDataEngineer();
    const summary = screen.getByTestId("ps-tab-summary");
    summary.focus();
    await user.keyboard("{ArrowRight}");
    expect(screen.getByTestId("ps-tab-policies")).toHaveFocus();
    expect(screen.getByTestId("ps-tab-policies")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tabpanel")).toHaveAccessibleName("Policies");
    await user.keyboard("{End}");
    expect(screen.getByTestId("ps-tab-usage")).toHaveFocus();
  });
});

describe("permission set detail: save as a previewed change", () => {
  it("lists the plan's steps, applies with progress, and reports a partial failure with AWS's reason", async () => {
    const user = await openDataEngineer();
    const p = await reviewDescriptionChange(user);
    expect(fakeApi.planPermissionSet).toHaveBeenCalledWith(DATA_ARN, { ...DATA_STATE, description: "Data platform team" });
    const planView = screen.getByTestId("ps-plan");
    expect(planView).toHaveTextContent("3 changes to DataEngineer");
    expect(within(planView).getByTestId("ps-plan-step-0")).toHaveTextContent('Change the description to "Data platform team"');
    expect(within(planView).getByTestId("ps-plan-step-1")).toHaveTextContent("Attach the AWS managed policy AmazonS3ReadOnlyAccess");
    expect(within(planView).getByTestId("ps-plan-step-2")).toHaveTextContent("sso:TagResource");
    expect(screen.getByTestId("ps-plan-warnings")).toHaveTextContent("get the change only when it is provisioned");
    expect(fakeRunTask).toHaveBeenCalledTimes(1); // only the list so far: nothing applied before Apply

    await user.click(screen.getByTestId("ps-apply"));
    expect(await taskCommand(1)).toEqual({ name: "applyPermissionSetPlan", args: [p] });
    const progress = screen.getByTestId("ps-apply-progress");
    act(() => task(1).progress({ done: 1, total: 3, message: "Attaching AmazonS3ReadOnlyAccess…" }));
    expect(within(progress).getByRole("progressbar", { name: "Changes applied" })).toHaveAttribute("value", "1");
    expect(progress).toHaveTextContent("Attaching AmazonS3ReadOnlyAccess…");
    expect(screen.getByTestId("ps-apply")).toBeDisabled();
    expect(screen.getByTestId("ps-apply-progress-cancel")).toBeEnabled();

    const reads = fakeApi.getPermissionSet.mock.calls.length;
    fakeApi.getPermissionSet.mockResolvedValue(dataDetails({ ...DATA_STATE, description: "Data platform team" }));
    act(() =>
      task(1).resolve(
        report(p, {
          outcome: "partially_failed",
          message: "1 of 3 changes was made; then AWS refused one. 1 change was not attempted.",
          steps: [
            stepResult(0, p),
            stepResult(1, p, {
              status: "failed",
              attempts: 3,
              error: {
                kind: "not_found",
                message: "AWS says the policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess does not exist.",
                detail: "ResourceNotFoundException: Policy does not exist",
              },
            }),
            stepResult(2, p, { status: "not_attempted" }),
          ],
          succeeded: 1,
          failed: 1,
          not_attempted: 1,
        }),
      ),
    );

    const reportView = await screen.findByTestId("ps-apply-report");
    expect(reportView).toHaveAttribute("data-outcome", "partial");
    expect(reportView).toHaveTextContent("Saved in part");
    expect(reportView).toHaveTextContent("1 done, 1 failed, 1 not attempted.");
    expect(within(reportView).getByTestId("ps-report-step-0")).toHaveAttribute("data-status", "succeeded");
    const failed = within(reportView).getByTestId("ps-report-step-1");
    expect(failed).toHaveAttribute("data-status", "failed");
    expect(failed).toHaveTextContent("(sent 3 times)");
    expect(within(failed).getByRole("alert")).toHaveTextContent("AWS says the policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess does not exist.");
    expect(within(reportView).getByTestId("ps-report-step-2")).toHaveTextContent("Not attempted");
    // The set is read again from AWS; the edits are kept for another try; no provisioning is offered.
    await waitFor(() => expect(fakeApi.getPermissionSet.mock.calls.length).toBeGreaterThan(reads));
    expect(screen.queryByTestId("ps-provision")).not.toBeInTheDocument();
    expect(reportView).toHaveTextContent("Your edits are kept");
    expect(await screen.findByTestId("ps-description")).toHaveValue("Data platform team");
  });

  it("Back to editing leaves the plan unapplied; Cancel during apply asks the backend to stop", async () => {
    const user = await openDataEngineer();
    await reviewDescriptionChange(user);
    await user.click(screen.getByTestId("ps-review-back"));
    expect(screen.queryByTestId("ps-plan")).not.toBeInTheDocument();
    expect(screen.getByTestId("ps-description")).toHaveValue("Data platform team");
    expect(fakeRunTask).toHaveBeenCalledTimes(1);

    await user.click(screen.getByTestId("ps-review"));
    await user.click(await screen.findByTestId("ps-apply"));
    await user.click(screen.getByTestId("ps-apply-progress-cancel"));
    expect(task(1).cancel).toHaveBeenCalledTimes(1);
    expect(await screen.findByText(/Cancelled before AWS answered/)).toBeInTheDocument();
  });

  it("a plan the backend refuses is shown as an error", async () => {
    const user = await openDataEngineer();
    fakeApi.planPermissionSet.mockRejectedValue({ kind: "access_denied", message: "AWS refused sso:DescribePermissionSet for this role." });
    await user.type(screen.getByTestId("ps-description"), "!");
    await reviewEnabled();
    await user.click(screen.getByTestId("ps-review"));
    const error = await screen.findByTestId("ps-plan-error");
    expect(error).toHaveTextContent("Could not prepare the change");
    expect(error).toHaveTextContent("AWS refused sso:DescribePermissionSet for this role.");
  });

  it("after a complete save of a provisioned set, offers Provision to N accounts with progress and per-account failures", async () => {
    const user = await openDataEngineer();
    const p = await reviewDescriptionChange(user);
    await user.click(screen.getByTestId("ps-apply"));
    fakeApi.getPermissionSet.mockResolvedValue(dataDetails({ ...DATA_STATE, description: "Data platform team" }));
    act(() => task(1).resolve(report(p)));
    const reportView = await screen.findByTestId("ps-apply-report");
    expect(reportView).toHaveAttribute("data-outcome", "succeeded");
    expect(reportView).toHaveTextContent("Saved");

    // Usage is known once "Where used" was read: the report names the accounts.
    await user.click(screen.getByTestId("ps-tab-usage"));
    await screen.findByTestId("ps-usage");

    const provision = await screen.findByTestId("ps-provision");
    expect(provision).toHaveTextContent("Provision to 2 accounts");
    await user.click(provision);
    expect(await taskCommand(2)).toEqual({
      name: "provisionPermissionSet",
      args: [DATA_ARN, { kind: "accounts", account_ids: DATA_ACCOUNTS }],
    });
    const progress = screen.getByTestId("ps-provision-progress");
    act(() => task(2).progress({ done: 1, total: 2, message: "Provisioned 1 of 2 accounts" }));
    expect(within(progress).getByRole("progressbar", { name: "Accounts provisioned" })).toHaveAttribute("max", "2");
    expect(progress).toHaveTextContent("Provisioned 1 of 2 accounts");

    const result: ProvisionReport = {
      permission_set_arn: DATA_ARN,
      outcome: "partially_failed",
      message: "Provisioned to 1 of 2 accounts; 1 failed.",
      succeeded: 1,
      failed: 1,
      results: [
        { account_id: "111111111111", status: "succeeded", error: null, request_id: "r-1" },
        {
          account_id: "222222222222",
          status: "failed",
          error: {
            kind: "conflict",
            message: "AWS could not provision the set: Received a 404 status error: Policy DataAccess with path /gatehouse/ does not exist.",
            detail: "FAILED",
          },
          request_id: "r-2",
        },
      ],
    };
    act(() => task(2).resolve(result));
    const provisionReport = await screen.findByTestId("ps-provision-report");
    expect(provisionReport).toHaveAttribute("data-outcome", "partial");
    expect(provisionReport).toHaveTextContent("Provisioned to 1 of 2 accounts");
    expect(within(provisionReport).getByTestId("ps-provision-account-111111111111")).toHaveTextContent("prod-data");
    const failed = within(provisionReport).getByTestId("ps-provision-account-222222222222");
    expect(failed).toHaveAttribute("data-status", "failed");
    expect(failed).toHaveTextContent("Not provisioned to 2222-2222-2222");
    expect(failed).toHaveTextContent("Policy DataAccess with path /gatehouse/ does not exist.");

    await user.click(screen.getByTestId("ps-provision-retry"));
    expect(await taskCommand(3)).toEqual({
      name: "provisionPermissionSet",
      args: [DATA_ARN, { kind: "accounts", account_ids: ["222222222222"] }],
    });
  });
});

describe("permission set detail: policies", () => {
  it("attaches a job-function policy from the picker (job functions first) and removes one", async () => {
    const user = await openDataEngineer();
    await user.click(screen.getByTestId("ps-tab-policies"));
    expect(screen.getByTestId("ps-managed-ViewOnlyAccess")).toHaveTextContent("job function");
    await user.click(screen.getByText("Add an AWS managed policy…"));
    const picker = screen.getByTestId("ps-managed-picker");
    const groups = within(picker).getAllByRole("group");
    expect(groups.map((g) => g.getAttribute("aria-label"))).toEqual(["Job functions", "Other common AWS managed policies"]);
    // Already attached policies are not offered again.
    expect(within(picker).queryByTestId("ps-managed-add-ViewOnlyAccess")).not.toBeInTheDocument();
    await user.type(within(picker).getByTestId("ps-managed-search"), "readonly");
    await user.click(within(picker).getByRole("button", { name: "Add ReadOnlyAccess" }));
    expect(screen.getByTestId("ps-managed-ReadOnlyAccess")).toHaveTextContent(`${POLICY}/ReadOnlyAccess`);
    await user.click(screen.getByRole("button", { name: "Remove AmazonAthenaFullAccess" }));
    expect(screen.queryByTestId("ps-managed-AmazonAthenaFullAccess")).not.toBeInTheDocument();
    expect(screen.getByTestId("ps-attached-count")).toHaveTextContent("3 of 20");
    await waitFor(() =>
      expect(fakeApi.validatePermissionSet).toHaveBeenLastCalledWith(
        expect.objectContaining({ managed_policies: [`${POLICY}/job-function/ViewOnlyAccess`, `${POLICY}/ReadOnlyAccess`] }),
      ),
    );
    await reviewEnabled();
  });

  it("sets a permissions boundary", async () => {
    const user = await openDataEngineer();
    await user.click(screen.getByTestId("ps-tab-policies"));
    expect(screen.getByTestId("ps-boundary-none")).toBeChecked();
    await user.click(screen.getByTestId("ps-boundary-customer_managed"));
    await user.type(screen.getByRole("textbox", { name: "Boundary policy name" }), "Boundary");
    await waitFor(() =>
      expect(fakeApi.validatePermissionSet).toHaveBeenLastCalledWith(
        expect.objectContaining({ permissions_boundary: { kind: "customer_managed", name: "Boundary", path: "/" } }),
      ),
    );
    await reviewEnabled();
  });

  it("checks the inline policy as you type: CodeMirror diagnostics at the reported place, a list, a size meter", async () => {
    const user = await openDataEngineer();
    await user.click(screen.getByTestId("ps-tab-policies"));
    // The editor is loaded with the tab; the end-to-end hook exists once it is mounted.
    const wrapper = await screen.findByTestId("ps-inline-editor");
    await waitFor(() => expect(window.__gatehouseSetInlinePolicy).toBeTypeOf("function"));
    expect(screen.getByRole("textbox", { name: "Inline policy (JSON)" })).toBeInTheDocument();
    expect(screen.getByTestId("ps-inline-status")).toHaveTextContent("No inline policy.");

    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Alow", "Action": "s3:*", "Resource": "*"}]\n}';
    const validation: PolicyValidation = {
      valid: false,
      problems: [
        {
          severity: "error",
          message: 'Effect must be "Allow" or "Deny", not "Alow".',
          pointer: "/Statement/0/Effect",
          line: 3,
          column: 28,
        },
        { severity: "warning", message: "s3:* allows every S3 action.", pointer: "/Statement/0/Action", line: 3, column: 46 },
      ],
      size: { bytes: text.length, max_bytes: 32768, non_whitespace_chars: 90, max_non_whitespace_chars: 10240 },
    };
    fakeApi.validateInlinePolicy.mockImplementation((t) => Promise.resolve(t === text ? validation : validatePolicy(t)));
    fakeApi.validatePermissionSet.mockImplementation((s) =>
      Promise.resolve(
        s.inline_policy === text
          ? [{ field: "/inline_policy", message: validation.problems[0]!.message, policy_pointer: "/Statement/0/Effect", line: 3, column: 28 }]
          : [],
      ),
    );
    act(() => window.__gatehouseSetInlinePolicy?.(text));

    const problems = screen.getByTestId("ps-inline-problems");
    await waitFor(() => expect(problems).toHaveAttribute("data-count", "2"));
    expect(fakeApi.validateInlinePolicy).toHaveBeenLastCalledWith(text);
    const items = within(problems).getAllByRole("listitem");
    expect(items[0]).toHaveTextContent('3:28ErrorEffect must be "Allow" or "Deny", not "Alow".');
    expect(items[1]).toHaveTextContent("3:46Warnings3:* allows every S3 action.");
    expect(screen.getByTestId("ps-inline-status")).toHaveTextContent("1 problem to fix, 1 warning.");
    expect(screen.getByTestId("ps-inline-bytes")).toHaveTextContent(`${text.length} / 32,768`);
    expect(screen.getByTestId("ps-inline-chars")).toHaveTextContent("90 / 10,240");

    // The same problems, as lint diagnostics on the tokens they point at.
    const view = EditorView.findFromDOM(wrapper.querySelector<HTMLElement>(".cm-editor")!);
    const found: { message: string; severity: string; text: string }[] = [];
    await waitFor(() => {
      found.length = 0;
      forEachDiagnostic(view!.state, (d, from, to) =>
        found.push({ message: d.message, severity: d.severity, text: view!.state.sliceDoc(from, to) }),
      );
      expect(found).toHaveLength(2);
    });
    expect(found).toEqual([
      { message: 'Effect must be "Allow" or "Deny", not "Alow".', severity: "error", text: '"Alow"' },
      { message: "s3:* allows every S3 action.", severity: "warning", text: '"s3:*"' },
    ]);

    // The error blocks Review; nothing is sent.
    await waitFor(() => expect(screen.getByTestId("ps-problems")).toHaveTextContent("Policies › Inline policy (line 3, column 28)"));
    expect(screen.getByTestId("ps-review")).toBeDisabled();
    expect(fakeApi.planPermissionSet).not.toHaveBeenCalled();

    // "Go to line" puts the cursor on the problem.
    await user.click(within(items[0]!).getByRole("button", { name: "Go to line 3, column 28" }));
    expect(view!.state.sliceDoc(view!.state.selection.main.head, view!.state.selection.main.head + 6)).toBe('"Alow"');

    // Fixed: the diagnostics go away and Review is possible.
    const fixed = text.replace("Alow", "Allow").replace('"s3:*"', '"s3:GetObject"');
    act(() => window.__gatehouseSetInlinePolicy?.(fixed));
    await waitFor(() => expect(problems).toHaveAttribute("data-count", "0"));
    await reviewEnabled();
    await waitFor(() => {
      let n = 0;
      forEachDiagnostic(view!.state, () => n++);
      expect(n).toBe(0);
    });
    expect(screen.getByTestId("ps-inline-status")).toHaveTextContent("Valid.");
  });
});

describe("permission set detail: Review right after an edit", () => {
  it("waits for the check of the latest edit, then plans (as the end-to-end test does)", async () => {
    const user = await openDataEngineer();
    await user.click(screen.getByTestId("ps-tab-policies"));
    await screen.findByTestId("ps-inline-editor");
    const policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:Get*", "Resource": "*"}]}';
    fakeApi.planPermissionSet.mockResolvedValue(plan());
    act(() => window.__gatehouseSetInlinePolicy?.(policy));
    // Clicked at once, before the debounced check has answered.
    await user.click(screen.getByTestId("ps-review"));
    expect(fakeApi.planPermissionSet).not.toHaveBeenCalled();
    await screen.findByTestId("ps-plan");
    expect(fakeApi.planPermissionSet).toHaveBeenCalledWith(DATA_ARN, { ...DATA_STATE, inline_policy: policy });
    // The editor is gone with the form: so is its test hook.
    expect(window.__gatehouseSetInlinePolicy).toBeUndefined();
  });

  it("sends nothing when that check finds a problem", async () => {
    const user = await openDataEngineer();
    await user.click(screen.getByTestId("ps-tab-policies"));
    await screen.findByTestId("ps-inline-editor");
    act(() => window.__gatehouseSetInlinePolicy?.("{ not json"));
    await user.click(screen.getByTestId("ps-review"));
    await waitFor(() => expect(screen.getByTestId("ps-problems")).toHaveTextContent("The policy is not valid JSON."));
    expect(screen.getByTestId("ps-review")).toBeDisabled();
    await new Promise((r) => setTimeout(r, 50));
    expect(fakeApi.planPermissionSet).not.toHaveBeenCalled();
  });
});

describe("permission set detail: where used", () => {
  it("lists the accounts by name and the users and groups holding the set there", async () => {
    const user = await openDataEngineer();
    await user.click(screen.getByTestId("ps-tab-usage"));
    const usage = await screen.findByTestId("ps-usage");
    expect(fakeApi.permissionSetUsage).toHaveBeenCalledWith(DATA_ARN);
    expect(screen.getByTestId("ps-usage-summary")).toHaveTextContent("Provisioned to 2 accounts, with 3 assignments.");
    const prod = within(usage).getByTestId("ps-usage-account-111111111111");
    expect(prod).toHaveTextContent("prod-data");
    expect(prod).toHaveTextContent("1111-1111-1111");
    expect(within(prod).getByTestId("ps-usage-principal-g-data")).toHaveTextContent("Group Data Engineers");
    expect(within(prod).getByTestId("ps-usage-principal-u-alice")).toHaveTextContent("User alice@example.com (Alice Smith)");
    const other = within(usage).getByTestId("ps-usage-account-222222222222");
    expect(within(other).getByTestId("ps-usage-principal-u-gone-1234")).toHaveTextContent("User u-gone-1234 (not in the Identity Store)");
    expect(usage).toHaveTextContent("1 principal could not be found in the Identity Store");
  });
});

describe("permission set detail: delete", () => {
  it("shows where it is used and the plan, requires typing the name, then deletes with progress and a report", async () => {
    const user = await openDataEngineer();
    fakeApi.planDeletePermissionSet.mockResolvedValue(deletePlan());
    await user.click(screen.getByTestId("ps-delete"));
    const panel = await screen.findByTestId("ps-delete-panel");
    expect(fakeApi.planDeletePermissionSet).toHaveBeenCalledWith(DATA_ARN);
    await within(panel).findByTestId("ps-plan");
    expect(panel).toHaveTextContent("Deleting removes its 3 assignments first");
    expect(within(panel).getByTestId("ps-usage-account-111111111111")).toHaveTextContent("Data Engineers");
    expect(within(panel).getByTestId("ps-plan-step-0")).toHaveTextContent("Remove the assignment of group Data Engineers");
    expect(within(panel).getByTestId("ps-plan-step-3")).toHaveTextContent('Delete the permission set "DataEngineer"');

    const apply = screen.getByTestId("ps-delete-apply");
    expect(apply).toBeDisabled();
    const confirm = screen.getByRole("textbox", { name: "Type DataEngineer to confirm" });
    await user.type(confirm, "dataengineer");
    expect(apply).toBeDisabled();
    await user.click(apply);
    expect(fakeRunTask).toHaveBeenCalledTimes(1);
    await user.clear(confirm);
    await user.type(confirm, "DataEngineer");
    expect(apply).toBeEnabled();
    await user.click(apply);
    const p = deletePlan().plan;
    expect(await taskCommand(1)).toEqual({ name: "applyDeletePlan", args: [p] });
    const progress = screen.getByTestId("ps-delete-progress");
    act(() => task(1).progress({ done: 2, total: 4, message: "Removed 2 of 3 assignments" }));
    expect(progress).toHaveTextContent("Removed 2 of 3 assignments");

    act(() => task(1).resolve(report(p, { message: "Removed 3 assignments and deleted DataEngineer.", permission_set_arn: DATA_ARN, needs_provisioning: false })));
    const reportView = await screen.findByTestId("ps-apply-report");
    expect(reportView).toHaveAttribute("data-outcome", "succeeded");
    expect(reportView).toHaveTextContent("DataEngineer was deleted");
    await user.click(screen.getByTestId("ps-delete-done"));
    expect(await screen.findByTestId("ps-list-page")).toBeInTheDocument();
    // The list is read again (without the deleted set).
    expect(await taskCommand(2)).toEqual({ name: "listPermissionSets", args: [] });
  });

  it("Cancel closes the dialog without sending anything", async () => {
    const user = await openDataEngineer();
    fakeApi.planDeletePermissionSet.mockResolvedValue(deletePlan());
    await user.click(screen.getByTestId("ps-delete"));
    await screen.findByTestId("ps-delete-confirm-name");
    await user.click(screen.getByTestId("ps-delete-close"));
    expect(screen.queryByTestId("ps-delete-panel")).not.toBeInTheDocument();
    expect(screen.getByTestId("ps-name")).toHaveValue("DataEngineer");
    expect(fakeApi.applyDeletePlan).not.toHaveBeenCalled();
    expect(fakeRunTask).toHaveBeenCalledTimes(1);
  });
});

describe("permission set detail: delegated administrator", () => {
  it("warns when the set is provisioned to the management account", async () => {
    const status = connectedStatus();
    status.identity.role = "delegated_admin";
    status.identity.organization = { id: "o-a1b2c3d4e5", management_account_id: "111111111111" };
    fakeApi.connectionStatus.mockResolvedValue(status);
    await openDataEngineer();
    expect(screen.getByTestId("ps-delegated-note")).toHaveTextContent("1111-1111-1111");
  });
});
