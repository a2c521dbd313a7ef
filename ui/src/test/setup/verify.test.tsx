import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { GatehouseError } from "../../backend/errors";
import { connectedStatus, deferred, fakeApi, resetFakeBackend } from "../fakeBackend";
import { renderApp } from "../render";
import { installProvisioning, report } from "./fakeProvisioning";

vi.mock("../../backend/api", async () => (await import("../fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../fakeBackend")).passthroughProgressModule());
vi.mock("../../backend/dialog", () => ({ pickFile: vi.fn(), pickSavePath: vi.fn() }));
vi.mock("../../backend/shell", () => ({ openUrl: vi.fn(), revealInFolder: vi.fn() }));
vi.mock("../../backend/dragdrop", () => ({ onFileDrop: () => Promise.resolve(() => {}) }));

beforeEach(() => resetFakeBackend());

async function openStep4(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByTestId("nav-setup-verify"));
  expect(screen.getByRole("heading", { level: 1, name: "4 · Verify" })).toBeInTheDocument();
  return screen.findByTestId("verify-run");
}

describe("Setup step 4: Verify", () => {
  it("needs a connection: says so and offers Connect…", async () => {
    const user = userEvent.setup();
    installProvisioning();
    renderApp();
    const run = await openStep4(user);
    expect(run).toBeDisabled();
    const callout = screen.getByTestId("verify-needs-connection");
    expect(callout).toHaveTextContent("Checking needs a connection to AWS");
    await user.click(within(callout).getByRole("button", { name: "Connect…" }));
    expect(screen.getByTestId("connection-state")).toBeInTheDocument();
  });

  it("reads the Identity Store and shows counts, summary, problems by kind and the expected groups", async () => {
    const user = userEvent.setup();
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
    installProvisioning({ expected_groups: ["AWS-Admins", "AWS-Auditors"] });
    const pending = deferred<void>();
    const real = fakeApi.verifyIdentityStore.getMockImplementation();
    fakeApi.verifyIdentityStore.mockImplementation(async (taskId, channel) => {
      (channel as unknown as { onmessage: (p: object) => void }).onmessage({
        done: 1,
        total: 3,
        message: "Reading the members of 3 groups: 1 done…",
      });
      await pending.promise;
      return real!(taskId, channel);
    });
    renderApp();
    const run = await openStep4(user);
    await waitFor(() => expect(run).toBeEnabled());
    expect(run).toHaveAccessibleName("Check what arrived");
    // Before any check: nothing known about the groups yet.
    expect(screen.getByTestId("expected-group-AWS-Admins")).toHaveAttribute("data-arrived", "unknown");

    await user.click(run);
    const running = await screen.findByTestId("verify-running");
    await waitFor(() => expect(running).toHaveTextContent("Reading the members of 3 groups: 1 done…"));
    expect(running).toHaveTextContent("1/3");
    expect(within(running).getByRole("progressbar", { name: "Groups whose members are read" })).toHaveAttribute("value", "1");
    expect(screen.getByTestId("verify-run")).toBeDisabled();
    pending.resolve();

    expect(await screen.findByTestId("verify-user-count")).toHaveTextContent("6");
    expect(screen.getByTestId("verify-group-count")).toHaveTextContent("3");
    expect(screen.getByTestId("verify-membership-count")).toHaveTextContent("7");
    expect(screen.getByTestId("verify-summary")).toHaveTextContent("6 users and 3 groups in the Identity Store (7 memberships).");

    const noEmail = screen.getByTestId("verify-problem-users_without_email");
    expect(noEmail).toHaveAttribute("data-level", "warning");
    expect(noEmail.querySelector(".callout")).toHaveClass("callout-attention");
    expect(noEmail).toHaveTextContent("Users without an email address (2)");
    expect(within(noEmail).getByText("kim@corp.example")).toBeVisible();

    // Duplicates are grouped by the value they share.
    const dupes = screen.getByTestId("verify-problem-duplicate_display_names");
    expect(dupes).toHaveTextContent("“Alex Smith” (2)");
    expect(dupes).toHaveTextContent("alex.smith@corp.example");

    // Informational, and long: folded until asked for.
    const noGroup = screen.getByTestId("verify-problem-users_without_groups");
    expect(noGroup).toHaveAttribute("data-level", "info");
    expect(noGroup.querySelector(".callout")).toHaveClass("callout-info");
    expect(within(noGroup).getByText("user8@corp.example")).not.toBeVisible();
    await user.click(within(noGroup).getByText("Show the 9 users"));
    expect(within(noGroup).getByText("user8@corp.example")).toBeVisible();

    // Expected groups: which arrived (with members), which not.
    const admins = screen.getByTestId("expected-group-AWS-Admins");
    expect(admins).toHaveAttribute("data-arrived", "true");
    expect(admins).toHaveTextContent("arrived, 3 members");
    const auditors = screen.getByTestId("expected-group-AWS-Auditors");
    expect(auditors).toHaveAttribute("data-arrived", "false");
    expect(auditors).toHaveTextContent("not arrived yet");
    expect(screen.getByTestId("expected-groups-missing")).toHaveTextContent("1 of your Entra groups has not arrived");

    const notes = screen.getByTestId("verify-notes");
    expect(notes).toHaveTextContent("Nested groups are not provisioned");
    expect(notes).toHaveTextContent("about every 40 minutes");

    // The step status follows the backend.
    await waitFor(() => expect(screen.getByTestId("step-status-verify")).toHaveAttribute("data-status", "attention"));
  });

  it("a report with nothing to fix", async () => {
    const user = userEvent.setup();
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
    installProvisioning();
    fakeApi.verifyIdentityStore.mockResolvedValue(
      report({ problems: [], expected_groups: [], missing_groups: [], summary: "2 users and 1 group in the Identity Store (2 memberships)." }),
    );
    renderApp();
    const run = await openStep4(user);
    await waitFor(() => expect(run).toBeEnabled());
    await user.click(run);
    expect(await screen.findByTestId("verify-no-problems")).toHaveTextContent("Nothing to fix");
    expect(screen.queryByTestId("expected-groups-missing")).not.toBeInTheDocument();
  });

  it("edits the expected groups, one per line", async () => {
    const user = userEvent.setup();
    installProvisioning({ expected_groups: ["AWS-Admins"] });
    renderApp();
    await openStep4(user);
    const box = screen.getByTestId("expected-groups");
    expect(box).toHaveAccessibleName("Entra groups assigned to the application, one per line");
    expect(box).toHaveValue("AWS-Admins");
    expect(screen.getByTestId("expected-groups-save")).toBeDisabled();
    await user.type(box, "\n  AWS-Developers \n\nAWS-Auditors");
    await user.click(screen.getByTestId("expected-groups-save"));
    expect(fakeApi.setExpectedGroups).toHaveBeenCalledWith(["AWS-Admins", "AWS-Developers", "AWS-Auditors"]);
    expect(await screen.findByTestId("expected-group-AWS-Developers")).toHaveAttribute("data-arrived", "unknown");
    expect(screen.getByTestId("expected-groups")).toHaveValue("AWS-Admins\nAWS-Developers\nAWS-Auditors");
  });

  it("shows the last check's summary from the saved settings", async () => {
    const user = userEvent.setup();
    installProvisioning({
      expected_groups: ["AWS-Admins", "AWS-Auditors"],
      last_verification: {
        verified_at: new Date(Date.now() - 3 * 3600_000).toISOString(),
        identity_store_id: "d-9367012345",
        user_count: 6,
        group_count: 3,
        warning_count: 4,
        missing_groups: ["AWS-Auditors"],
        expected_groups: ["AWS-Admins", "AWS-Auditors"],
        summary: "6 users and 3 groups in the Identity Store (7 memberships). 4 findings to check.",
      },
    });
    renderApp();
    await openStep4(user);
    const last = screen.getByTestId("verify-last");
    expect(last).toHaveTextContent("Last checked 3 h ago");
    expect(last).toHaveTextContent("d-9367012345");
    expect(last).toHaveTextContent("4 findings to check.");
    expect(last).toHaveTextContent("Not arrived then: AWS-Auditors.");
    expect(screen.getByTestId("expected-group-AWS-Auditors")).toHaveAttribute("data-arrived", "false");
    expect(screen.getByTestId("expected-group-AWS-Admins")).toHaveAttribute("data-arrived", "true");
  });

  it("cancels a check: nothing recorded, the last result stays", async () => {
    const user = userEvent.setup();
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
    installProvisioning();
    const stop = deferred<void>();
    fakeApi.verifyIdentityStore.mockImplementation(async () => {
      await stop.promise;
      throw new GatehouseError("cancelled", "Cancelled.");
    });
    fakeApi.cancelTask.mockImplementation(() => {
      stop.resolve();
      return Promise.resolve(true);
    });
    renderApp();
    const run = await openStep4(user);
    await waitFor(() => expect(run).toBeEnabled());
    await user.click(run);
    await user.click(await screen.findByTestId("verify-running-cancel"));
    expect(fakeApi.cancelTask).toHaveBeenCalledWith("task-1");
    expect(await screen.findByTestId("verify-cancelled")).toHaveTextContent("Cancelled: nothing was recorded");
    expect(screen.queryByTestId("verify-error")).not.toBeInTheDocument();
    expect(screen.queryByTestId("verify-running")).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("verify-run")).toBeEnabled());
  });

  it("an error from the backend is shown with what to do", async () => {
    const user = userEvent.setup();
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
    installProvisioning();
    fakeApi.verifyIdentityStore.mockRejectedValue(
      new GatehouseError("access_denied", "The connected role may not call identitystore:ListUsers.", "AccessDeniedException"),
    );
    renderApp();
    const run = await openStep4(user);
    await waitFor(() => expect(run).toBeEnabled());
    await user.click(run);
    const error = await screen.findByTestId("verify-error");
    expect(error).toHaveTextContent("Could not read the Identity Store");
    expect(error).toHaveTextContent("identitystore:ListUsers");
    expect(within(error).getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});
