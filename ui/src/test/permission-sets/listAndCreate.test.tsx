import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeApi, fakeRunTask, resetFakeBackend } from "../fakeBackend";
import { renderApp } from "../render";
import { DATA_ARN, installPermissionSets, plan, POLICY, report, SETS, task, taskCommand, TEMPLATES } from "./fakePermissionSets";
import { openList, reviewEnabled } from "./helpers";

vi.mock("../../backend/api", async () => (await import("../fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../fakeBackend")).progressModule());

beforeEach(() => {
  resetFakeBackend();
  installPermissionSets();
});

describe("permission sets: the page without a connection", () => {
  it("is in the sidebar and offers Connect… when not connected", async () => {
    const user = userEvent.setup();
    fakeApi.connectionStatus.mockResolvedValue(null);
    renderApp();
    await user.click(screen.getByTestId("nav-permission-sets"));
    const callout = await screen.findByTestId("ps-needs-connection");
    expect(callout).toHaveTextContent("Permission sets need a connection to AWS");
    expect(fakeRunTask).not.toHaveBeenCalled();
    await user.click(within(callout).getByRole("button", { name: "Connect…" }));
    expect(screen.getByTestId("connection-state")).toBeInTheDocument();
  });
});

describe("permission sets: the list", () => {
  it("reads the sets with a progress bar, then lists them with their counts", async () => {
    const user = userEvent.setup();
    renderApp();
    await screen.findByTestId("header-instance");
    await user.click(screen.getByTestId("nav-permission-sets"));
    const progress = await screen.findByTestId("ps-list-progress");
    expect(await taskCommand(0)).toEqual({ name: "listPermissionSets", args: [] });
    expect(progress).toHaveTextContent("Listing permission sets…");
    act(() => task(0).progress({ done: 1, total: 3, message: "Read 1 of 3 permission sets" }));
    const bar = within(progress).getByRole("progressbar", { name: "Permission sets read" });
    expect(bar).toHaveAttribute("value", "1");
    expect(bar).toHaveAttribute("max", "3");
    expect(progress).toHaveTextContent("Read 1 of 3 permission sets");
    act(() => task(0).resolve(SETS));

    const row = await screen.findByTestId("ps-row-DataEngineer");
    expect(screen.queryByTestId("ps-list-progress")).not.toBeInTheDocument();
    const cells = within(row).getAllByRole("cell");
    expect(cells.map((c) => c.textContent)).toEqual(["Data team: S3, Athena and Glue", "4 h", "2 / 1 / ? / ?", "2"]);
    expect(within(screen.getByTestId("ps-row-Auditors")).getByText("1.5 h")).toBeInTheDocument();
    expect(screen.getByTestId("ps-count")).toHaveTextContent("3 permission sets");
  });

  it("searches by name and description", async () => {
    const user = await openList();
    const search = screen.getByRole("searchbox", { name: "Search permission sets" });
    await user.type(search, "athena");
    expect(screen.getByTestId("ps-row-DataEngineer")).toBeInTheDocument();
    expect(screen.queryByTestId("ps-row-AdministratorAccess")).not.toBeInTheDocument();
    expect(screen.getByTestId("ps-count")).toHaveTextContent("1 of 3 permission sets");
    await user.clear(search);
    await user.type(search, "admin");
    expect(screen.getByTestId("ps-row-AdministratorAccess")).toBeInTheDocument();
    expect(screen.queryByTestId("ps-row-DataEngineer")).not.toBeInTheDocument();
    await user.clear(search);
    await user.type(search, "nothing-like-this");
    expect(screen.getByTestId("ps-no-match")).toHaveTextContent("No permission set matches “nothing-like-this”.");
  });

  it("also finds a set by a policy once the set has been read in full", async () => {
    const user = await openList();
    await user.click(screen.getByTestId("ps-row-DataEngineer"));
    await screen.findByRole("heading", { level: 1, name: "DataEngineer" });
    await user.click(screen.getByTestId("ps-back"));
    // Back on the list (as read before), searching for a policy of DataEngineer.
    await screen.findByTestId("ps-list");
    expect(fakeRunTask).toHaveBeenCalledTimes(1);
    await user.type(screen.getByTestId("ps-search"), "ViewOnly");
    expect(screen.getByTestId("ps-row-DataEngineer")).toBeInTheDocument();
    expect(screen.queryByTestId("ps-row-Auditors")).not.toBeInTheDocument();
  });

  it("cancels reading the list", async () => {
    const user = userEvent.setup();
    renderApp();
    await screen.findByTestId("header-instance");
    await user.click(screen.getByTestId("nav-permission-sets"));
    await screen.findByTestId("ps-list-progress");
    await user.click(screen.getByTestId("ps-list-progress-cancel"));
    expect(task(0).cancel).toHaveBeenCalledTimes(1);
    expect(await screen.findByText(/Reading cancelled/)).toBeInTheDocument();
  });

  it("shows why the list could not be read, with a retry", async () => {
    const user = userEvent.setup();
    renderApp();
    await screen.findByTestId("header-instance");
    await user.click(screen.getByTestId("nav-permission-sets"));
    await screen.findByTestId("ps-list-progress");
    act(() => task(0).reject({ kind: "access_denied", message: "AWS refused sso:ListPermissionSets for this role." }));
    const alert = await screen.findByText("AWS refused sso:ListPermissionSets for this role.");
    expect(alert.closest("[role=alert]")).toHaveTextContent("Could not read the permission sets");
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(fakeRunTask).toHaveBeenCalledTimes(2);
  });
});

describe("permission sets: create", () => {
  it("offers the job-function templates with their ARNs, and a template fills the name and the managed policy", async () => {
    const user = await openList();
    await user.click(screen.getByTestId("ps-new"));
    const picker = await screen.findByTestId("ps-templates");
    const viewOnly = await within(picker).findByTestId("ps-template-ViewOnlyAccess");
    expect(viewOnly.closest("label")).toHaveTextContent(`${POLICY}/job-function/ViewOnlyAccess`);
    expect(screen.getByTestId("ps-template-none")).toBeChecked();

    await user.click(screen.getByTestId("ps-template-ReadOnlyAccess"));
    expect(screen.getByTestId("ps-name")).toHaveValue("ReadOnlyAccess");
    expect(screen.getByTestId("ps-description")).toHaveValue(TEMPLATES[1]!.description);
    expect(screen.getByTestId("ps-session-hours")).toHaveValue("PT1H");

    await user.click(screen.getByTestId("ps-tab-policies"));
    const managed = screen.getByTestId("ps-managed-list");
    expect(within(managed).getByTestId("ps-managed-ReadOnlyAccess")).toHaveTextContent(`${POLICY}/ReadOnlyAccess`);

    // Another template swaps the policy; a name the admin typed stays.
    await user.click(screen.getByTestId("ps-tab-summary"));
    await user.clear(screen.getByTestId("ps-name"));
    await user.type(screen.getByTestId("ps-name"), "Readers");
    await user.click(screen.getByTestId("ps-template-ViewOnlyAccess"));
    expect(screen.getByTestId("ps-name")).toHaveValue("Readers");
    await user.click(screen.getByTestId("ps-tab-policies"));
    expect(screen.queryByTestId("ps-managed-ReadOnlyAccess")).not.toBeInTheDocument();
    expect(screen.getByTestId("ps-managed-ViewOnlyAccess")).toBeInTheDocument();

    await waitFor(() =>
      expect(fakeApi.validatePermissionSet).toHaveBeenLastCalledWith(
        expect.objectContaining({ name: "Readers", managed_policies: [`${POLICY}/job-function/ViewOnlyAccess`] }),
      ),
    );
    await reviewEnabled();
  });

  it("shows field problems as you type; Review stays disabled and nothing is sent", async () => {
    const user = await openList();
    await user.click(screen.getByTestId("ps-new"));
    const name = await screen.findByTestId("ps-name");
    expect(screen.getByTestId("ps-review")).toBeDisabled();
    await user.type(name, "Data Engineers");
    await user.type(screen.getByTestId("ps-relay-state"), "http://example.com");

    await waitFor(() => expect(screen.getByTestId("ps-validation-status")).toHaveTextContent("2 problems to fix before review."));
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(name).toHaveAccessibleDescription(expect.stringContaining("cannot be used in a permission set name"));
    expect(screen.getByTestId("ps-relay-state")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("ps-validation-status")).toHaveTextContent("2 problems to fix before review.");
    const list = screen.getByTestId("ps-problems");
    expect(list).toHaveTextContent("Summary › Name");
    expect(list).toHaveTextContent("Summary › Relay state");
    expect(screen.getByTestId("ps-tab-summary")).toHaveTextContent("Summary 2");

    const review = screen.getByTestId("ps-review");
    expect(review).toBeDisabled();
    await user.click(review);
    expect(fakeApi.planPermissionSet).not.toHaveBeenCalled();

    // Fixed: Review becomes available.
    await user.clear(name);
    await user.type(name, "DataEngineers");
    await user.clear(screen.getByTestId("ps-relay-state"));
    await reviewEnabled();
    await waitFor(() => expect(screen.queryByTestId("ps-problems")).not.toBeInTheDocument());
    expect(fakeApi.planPermissionSet).not.toHaveBeenCalled();
  });

  it("a click on Review right after fixing the last problem is not lost", async () => {
    const user = await openList();
    await user.click(screen.getByTestId("ps-new"));
    const name = await screen.findByTestId("ps-name");
    await user.type(name, "Data Engineers");
    await waitFor(() => expect(screen.getByTestId("ps-validation-status")).toHaveTextContent("1 problem to fix before review."));
    expect(screen.getByTestId("ps-review")).toBeDisabled();
    // Fixed, and Review clicked at once: the earlier draft's problem does not block it; the
    // plan is asked for once the new draft is checked.
    await user.clear(name);
    await user.type(name, "DataEngineers");
    expect(screen.getByTestId("ps-review")).toBeEnabled();
    await user.click(screen.getByTestId("ps-review"));
    await waitFor(() => expect(fakeApi.planPermissionSet).toHaveBeenCalledTimes(1));
    expect(fakeApi.planPermissionSet).toHaveBeenCalledWith(null, expect.objectContaining({ name: "DataEngineers" }));
  });

  it("a problem on the Policies tab is listed by Review and leads there", async () => {
    const user = await openList();
    await user.click(screen.getByTestId("ps-new"));
    await user.type(await screen.findByTestId("ps-name"), "Custom");
    await user.click(screen.getByTestId("ps-tab-policies"));
    await user.click(screen.getByTestId("ps-customer-add"));
    expect(screen.getByTestId("ps-customer-warning")).toHaveTextContent("Must exist in every target account");
    const problems = await screen.findByTestId("ps-problems");
    await waitFor(() => expect(problems).toHaveTextContent("Policies › Customer managed policy 1 name: Enter the policy name as it is in IAM."));
    expect(screen.getByTestId("ps-review")).toBeDisabled();
    await user.click(screen.getByTestId("ps-tab-summary"));
    await user.click(within(problems).getByRole("button", { name: /Customer managed policy 1 name/ }));
    expect(screen.getByTestId("ps-tab-policies")).toHaveAttribute("aria-selected", "true");
    await user.type(screen.getByRole("textbox", { name: "Customer managed policy 1 name" }), "DataAccess");
    await reviewEnabled();
  });

  it("creates: plan, apply with progress, then the new set's page with the report", async () => {
    const user = await openList();
    await user.click(screen.getByTestId("ps-new"));
    await user.click(await screen.findByTestId("ps-template-ReadOnlyAccess"));
    const createPlan = plan({
      kind: "create",
      permission_set_arn: null,
      name: "ReadOnlyAccess",
      provisioned_account_count: 0,
      warnings: [],
      summary: "Create ReadOnlyAccess with 1 policy",
      steps: [
        {
          action: "sso:CreatePermissionSet",
          description: 'Create the permission set "ReadOnlyAccess" (session 1 hour)',
          change: { kind: "create_permission_set", name: "ReadOnlyAccess", description: null, session_duration: "PT1H", relay_state: null, tags: [] },
        },
        {
          action: "sso:AttachManagedPolicyToPermissionSet",
          description: "Attach the AWS managed policy ReadOnlyAccess",
          change: { kind: "attach_managed_policy", arn: `${POLICY}/ReadOnlyAccess` },
        },
      ],
    });
    fakeApi.planPermissionSet.mockResolvedValue(createPlan);
    await reviewEnabled();
    // Clicked while the last edit may still be being checked: the plan follows the check.
    await user.click(screen.getByTestId("ps-review"));
    await waitFor(() => expect(fakeApi.planPermissionSet).toHaveBeenCalled());
    expect(fakeApi.planPermissionSet).toHaveBeenCalledWith(null, expect.objectContaining({ name: "ReadOnlyAccess" }));
    const planView = await screen.findByTestId("ps-plan");
    expect(within(planView).getByTestId("ps-plan-step-0")).toHaveTextContent('Create the permission set "ReadOnlyAccess"');
    expect(within(planView).getByTestId("ps-plan-step-1")).toHaveTextContent("sso:AttachManagedPolicyToPermissionSet");

    await user.click(screen.getByTestId("ps-apply"));
    expect(await taskCommand(1)).toEqual({ name: "applyPermissionSetPlan", args: [createPlan] });
    expect(screen.getByTestId("ps-apply-progress")).toHaveTextContent("Applying…");
    const newArn = "arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-9999";
    fakeApi.getPermissionSet.mockResolvedValue({
      arn: newArn,
      created_at: null,
      session_hours: 1,
      state: TEMPLATES[1]!.state,
      provisioned_account_ids: [],
    });
    act(() => task(1).resolve(report(createPlan, { permission_set_arn: newArn, needs_provisioning: false })));

    expect(await screen.findByRole("heading", { level: 1, name: "ReadOnlyAccess" })).toBeInTheDocument();
    expect(fakeApi.getPermissionSet).toHaveBeenCalledWith(newArn);
    const reportView = screen.getByTestId("ps-apply-report");
    expect(reportView).toHaveAttribute("data-outcome", "succeeded");
    expect(reportView).toHaveTextContent("Created");
    expect(screen.queryByTestId("ps-provision")).not.toBeInTheDocument();
  });

  it("a name already taken: the report says so, and the form is kept", async () => {
    const user = await openList();
    await user.click(screen.getByTestId("ps-new"));
    await user.type(await screen.findByTestId("ps-name"), "DataEngineer");
    const createPlan = plan({ kind: "create", permission_set_arn: null, steps: plan().steps.slice(0, 1), summary: "Create DataEngineer" });
    fakeApi.planPermissionSet.mockResolvedValue(createPlan);
    await reviewEnabled();
    await user.click(screen.getByTestId("ps-review"));
    await user.click(await screen.findByTestId("ps-apply"));
    act(() =>
      task(1).resolve(
        report(createPlan, {
          outcome: "failed",
          message: "Nothing was changed.",
          permission_set_arn: null,
          succeeded: 0,
          failed: 1,
          steps: [
            {
              index: 0,
              action: "sso:CreatePermissionSet",
              description: createPlan.steps[0]!.description,
              status: "failed",
              attempts: 1,
              error: {
                kind: "conflict",
                message: 'A permission set named "DataEngineer" already exists in this instance. Choose another name, or edit the existing set.',
                detail: "ConflictException: PermissionSet already exists",
              },
            },
          ],
        }),
      ),
    );
    const reportView = await screen.findByTestId("ps-apply-report");
    expect(reportView).toHaveAttribute("data-outcome", "failed");
    const error = within(reportView).getByTestId("ps-report-error-0");
    expect(error).toHaveTextContent("A permission set with this name already exists");
    expect(error).toHaveTextContent('A permission set named "DataEngineer" already exists');
    expect(await screen.findByTestId("ps-name")).toHaveValue("DataEngineer");
    expect(screen.getByRole("heading", { level: 1, name: "New permission set" })).toBeInTheDocument();
  });
});

describe("permission sets: reading one set fails", () => {
  it("says the set is gone", async () => {
    const user = await openList();
    fakeApi.getPermissionSet.mockRejectedValue({ kind: "not_found", message: "The permission set was deleted." });
    await user.click(screen.getByTestId("ps-row-AdministratorAccess"));
    expect(await screen.findByText("This permission set does not exist any more")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Back to the list" }));
    expect(await screen.findByTestId("ps-list-page")).toBeInTheDocument();
    expect(DATA_ARN).not.toBe(SETS[0]!.arn);
  });
});
