/** The assignments page in the whole app with a fake backend: snapshot, refresh, cell menu, bulk staging, pivots, keyboard. */
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ChangeSet, Snapshot } from "../../backend/api";
import { loadStaged, saveStaged } from "../../state/staging";
import { connectedStatus, fakeApi, fakeRunTask, INSTANCE_ARN, resetFakeBackend, tasks } from "../../test/fakeBackend";
import { withElementSizes } from "../../test/layout";
import { renderApp } from "../../test/render";
import { ACC, fixtureSnapshot, PS } from "./testData";

vi.mock("../../backend/api", async () => (await import("../../test/fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../../test/fakeBackend")).progressModule());

withElementSizes({ clientWidth: 1600, clientHeight: 900 });

const fresh = (): Snapshot => fixtureSnapshot({ instance_arn: INSTANCE_ARN, taken_at: new Date().toISOString() });

beforeEach(() => {
  resetFakeBackend();
  window.localStorage.clear();
  fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
});

async function openPage(snapshot: Snapshot | null = fresh()) {
  fakeApi.cachedSnapshot.mockResolvedValue(snapshot);
  const user = userEvent.setup();
  renderApp();
  await screen.findByTestId("header-instance");
  await user.click(screen.getByTestId("nav-assignments"));
  await screen.findByTestId("assignments-page");
  return user;
}

const cell = (account: string, principal: string) => screen.getByTestId(`cell-${account}-${principal}`);
const pendingCount = () => screen.getByTestId("pending-count").textContent;

describe("assignments page: the snapshot", () => {
  it("shows the kept snapshot at once, as of its time, without reading AWS when it is fresh", async () => {
    await openPage();
    expect(await screen.findByTestId("matrix")).toBeInTheDocument();
    expect(screen.getByTestId("snapshot-as-of")).toHaveTextContent(/As of .*just now/);
    expect(fakeRunTask).not.toHaveBeenCalled();
    expect(screen.getByTestId("ou-row-ou-prod")).toHaveAccessibleName("Production (OU, 3 accounts), expanded");
    expect(screen.getByTestId("col-g-dev")).toHaveAccessibleName("Developers (group)");
    expect(cell(ACC.prodApp, "g-dev")).toHaveAccessibleName("prod-app (111111111111) × Developers: ReadOnlyAccess");
    expect(cell(ACC.prodApp, "u-alice")).toHaveAccessibleName(
      "prod-app (111111111111) × alice@example.com: AdministratorAccess (via group Admins), ReadOnlyAccess (via group Developers)",
    );
    expect(screen.getByTestId("pending-count")).toHaveTextContent("0");
  });

  it("reads AWS on opening when there is no snapshot yet, with progress, then shows the matrix", async () => {
    await openPage(null);
    await waitFor(() => expect(fakeRunTask).toHaveBeenCalledTimes(1));
    act(() => tasks[0]!.progress({ done: 3, total: 10, message: "Listing accounts…" }));
    expect(await screen.findByTestId("snapshot-progress")).toHaveTextContent("Listing accounts…");
    expect(screen.getByTestId("assignments-first-read")).toBeInTheDocument();
    act(() => tasks[0]!.resolve(fresh()));
    expect(await screen.findByTestId("matrix")).toBeInTheDocument();
    expect(screen.queryByTestId("snapshot-progress")).not.toBeInTheDocument();
  });

  it("refreshes a stale snapshot on opening and can cancel, keeping the old one", async () => {
    const user = await openPage(fixtureSnapshot({ instance_arn: INSTANCE_ARN }));
    await waitFor(() => expect(fakeRunTask).toHaveBeenCalledTimes(1));
    expect(await screen.findByTestId("matrix")).toBeInTheDocument();
    await user.click(await screen.findByTestId("snapshot-progress-cancel"));
    expect(await screen.findByTestId("snapshot-cancelled")).toBeInTheDocument();
    expect(screen.getByTestId("matrix")).toBeInTheDocument();
    expect(tasks[0]!.cancel).toHaveBeenCalled();
    // Refresh starts another read.
    await user.click(screen.getByTestId("refresh-snapshot"));
    expect(fakeRunTask).toHaveBeenCalledTimes(2);
  });

  it("shows an empty state with a way to read AWS when a read fails and nothing is kept", async () => {
    const user = await openPage(null);
    await waitFor(() => expect(fakeRunTask).toHaveBeenCalledTimes(1));
    act(() => tasks[0]!.reject({ kind: "access_denied", message: "Not allowed to list accounts." }));
    expect(await screen.findByText("Not allowed to list accounts.")).toBeInTheDocument();
    const empty = screen.getByTestId("assignments-empty");
    await user.click(within(empty).getByRole("button", { name: "Read from AWS" }));
    expect(fakeRunTask).toHaveBeenCalledTimes(2);
  });
});

describe("assignments page: staging", () => {
  it("stages from a cell's menu, toggling back cancels, and the list is kept per instance", async () => {
    const user = await openPage();
    await user.click(cell(ACC.prodApp, "g-dev"));
    const menu = await screen.findByTestId("cell-menu");
    const admin = within(menu).getByTestId("ps-option-AdministratorAccess");
    expect(admin).not.toBeChecked();
    expect(within(menu).getByTestId("ps-option-ReadOnlyAccess")).toBeChecked();
    await user.click(admin);
    expect(pendingCount()).toBe("1");
    expect(cell(ACC.prodApp, "g-dev")).toHaveAttribute("data-chips", "2");
    expect(cell(ACC.prodApp, "g-dev")).toHaveAccessibleName(/AdministratorAccess \(pending add\), ReadOnlyAccess$/);
    await user.click(within(menu).getByTestId("ps-option-ReadOnlyAccess"));
    expect(pendingCount()).toBe("2");
    expect(cell(ACC.prodApp, "g-dev")).toHaveAccessibleName(/ReadOnlyAccess \(pending removal\)$/);
    await user.click(admin);
    expect(pendingCount()).toBe("1");
    expect(loadStaged(window.localStorage, INSTANCE_ARN)).toEqual([
      {
        op: "delete",
        assignment: { account_id: ACC.prodApp, permission_set_arn: PS.ro, principal_type: "GROUP", principal_id: "g-dev" },
      },
    ]);
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("cell-menu")).not.toBeInTheDocument();
    expect(cell(ACC.prodApp, "g-dev")).toHaveFocus();
    const panel = screen.getByTestId("pending-panel");
    expect(within(panel).getByTestId("pending-removes")).toHaveTextContent("Remove (1)");
    expect(within(panel).getByTestId("pending-item")).toHaveTextContent(/ReadOnlyAccess.*group Developers · prod-app/);
    await user.click(within(panel).getByRole("button", { name: "Unstage: remove ReadOnlyAccess for Developers in prod-app" }));
    expect(pendingCount()).toBe("0");
  });

  it("stages for an OU row and a column: every account below the OU", async () => {
    const user = await openPage();
    await user.click(screen.getByTestId("ou-row-ou-prod"));
    expect(screen.getByTestId("selection-bar")).toHaveTextContent("3 accounts selected: now click a principal column header.");
    await user.click(screen.getByTestId("col-u-bob"));
    expect(screen.getByTestId("selection-bar")).toHaveTextContent("3 accounts × 1 principal selected");
    expect(cell(ACC.euApp, "u-bob")).toHaveAttribute("aria-selected", "true");
    await user.click(screen.getByTestId("bulk-assign"));
    const picker = await screen.findByTestId("bulk-picker");
    expect(within(picker).getByTestId("stage-assign")).toBeDisabled();
    await user.click(within(picker).getByTestId("ps-option-ReadOnlyAccess"));
    // bob holds ReadOnly in prod-app directly: two to add.
    expect(within(picker).getByTestId("bulk-summary")).toHaveTextContent("Stages 2 additions.");
    await user.click(within(picker).getByTestId("stage-assign"));
    expect(screen.queryByTestId("bulk-picker")).not.toBeInTheDocument();
    expect(pendingCount()).toBe("2");
    expect(cell(ACC.euApp, "u-bob")).toHaveAccessibleName(/ReadOnlyAccess \(pending add\)/);
  });

  it("selects a rectangle with shift-click and removes a set from it", async () => {
    const user = await openPage();
    await user.click(cell(ACC.prodApp, "g-admins"));
    await user.keyboard("{Escape}");
    await user.keyboard("{Shift>}");
    await user.click(cell(ACC.prodData, "g-aud"));
    await user.keyboard("{/Shift}");
    expect(screen.getByTestId("selection-bar")).toHaveTextContent("2 accounts × 2 principals selected");
    expect(screen.queryByTestId("cell-menu")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("bulk-remove"));
    const picker = await screen.findByTestId("bulk-picker");
    await user.click(within(picker).getByTestId("ps-option-AdministratorAccess"));
    await user.click(within(picker).getByTestId("ps-option-SecurityAudit"));
    await user.click(within(picker).getByTestId("stage-remove"));
    expect(pendingCount()).toBe("4");
    await user.click(screen.getByTestId("discard-all"));
    await user.click(screen.getByTestId("discard-confirm"));
    expect(pendingCount()).toBe("0");
  });

  it("opens the review flow from the pending panel", async () => {
    const user = await openPage();
    expect(screen.getByTestId("review-apply")).toBeDisabled();
    await user.click(cell(ACC.sandbox, "g-aud"));
    await user.click(within(await screen.findByTestId("cell-menu")).getByTestId("ps-option-SecurityAudit"));
    await user.keyboard("{Escape}");
    await user.click(screen.getByTestId("review-apply"));
    expect(await screen.findByTestId("apply-flow")).toHaveAccessibleName("Review and apply");
    // The flow plans exactly what is staged.
    await waitFor(() =>
      expect(fakeApi.planAssignmentChanges).toHaveBeenCalledWith([
        {
          op: "create",
          assignment: { account_id: ACC.sandbox, permission_set_arn: PS.audit, principal_type: "GROUP", principal_id: "g-aud" },
        },
      ]),
    );
  });
});

describe("assignments page: keyboard, pivots and filters", () => {
  it("moves through the grid with the arrows and opens a cell's menu with Enter", async () => {
    const user = await openPage();
    const start = cell(ACC.prodApp, "g-admins");
    act(() => start.focus());
    await user.keyboard("{ArrowRight}");
    expect(cell(ACC.prodApp, "g-aud")).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(cell(ACC.prodData, "g-aud")).toHaveFocus();
    await user.keyboard("{Home}");
    expect(screen.getByTestId(`row-${ACC.prodData}`)).toHaveFocus();
    await user.keyboard("{End}");
    expect(cell(ACC.prodData, "u-bob")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("cell-menu")).toHaveAccessibleName("Permission sets of bob@example.com in prod-data");
    await user.keyboard("{Escape}");
    // Up onto the OU row and collapse it with Enter.
    await user.keyboard("{ArrowUp}{ArrowUp}");
    expect(screen.getByTestId("ou-row-ou-prod")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("ou-row-ou-prod")).toHaveAccessibleName("Production (OU, 3 accounts), collapsed");
    expect(screen.queryByTestId(`row-${ACC.prodApp}`)).not.toBeInTheDocument();
    await user.keyboard("{ArrowRight}");
    expect(screen.getByTestId(`row-${ACC.prodApp}`)).toBeInTheDocument();
  });

  it("toggles one permission set as checkboxes", async () => {
    const user = await openPage();
    await user.click(screen.getByTestId("pivot-permission-set"));
    await user.selectOptions(screen.getByTestId("pivot-ps-select"), "ReadOnlyAccess");
    expect(cell(ACC.prodApp, "g-dev")).toHaveAttribute("data-checked", "true");
    expect(cell(ACC.prodApp, "u-alice")).toHaveAccessibleName("prod-app (111111111111) × alice@example.com: ReadOnlyAccess not assigned, also via group Developers");
    await user.click(cell(ACC.prodApp, "g-dev"));
    expect(cell(ACC.prodApp, "g-dev")).toHaveAttribute("data-checked", "false");
    expect(pendingCount()).toBe("1");
    await user.click(cell(ACC.prodApp, "g-dev"));
    expect(pendingCount()).toBe("0");
  });

  it("shows one account's principals × permission sets", async () => {
    const user = await openPage();
    await user.click(screen.getByTestId("pivot-account"));
    await user.selectOptions(screen.getByTestId("pivot-account-select"), ACC.prodData);
    const grid = screen.getByTestId("account-grid");
    expect(within(grid).getByTestId("acct-cell-u-alice-PowerUserAccess")).toHaveAttribute("data-checked", "true");
    await user.click(within(grid).getByTestId("acct-cell-g-dev-PowerUserAccess"));
    expect(pendingCount()).toBe("1");
  });

  it("filters accounts, principals and sets, with an empty state", async () => {
    const user = await openPage();
    await user.type(screen.getByTestId("filter-account"), "eu-");
    expect(screen.queryByTestId(`row-${ACC.prodApp}`)).not.toBeInTheDocument();
    expect(screen.getByTestId(`row-${ACC.euApp}`)).toBeInTheDocument();
    await user.type(screen.getByTestId("filter-principal"), "alice");
    expect(screen.queryByTestId("col-g-dev")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("legend-PowerUserAccess"));
    expect(cell(ACC.euApp, "u-alice")).toHaveAccessibleName("eu-app (333333333333) × alice@example.com: PowerUserAccess (via group Developers)");
    await user.clear(screen.getByTestId("filter-account"));
    await user.type(screen.getByTestId("filter-account"), "nothing-like-this");
    expect(screen.getByTestId("no-match")).toHaveTextContent("No account matches the filters.");
    await user.click(within(screen.getByTestId("no-match")).getByRole("button", { name: "Clear filters" }));
    expect(screen.getByTestId(`row-${ACC.prodApp}`)).toBeInTheDocument();
  });

  it("selects a rectangle by dragging", async () => {
    await openPage();
    const from = cell(ACC.prodApp, "g-admins");
    const to = cell(ACC.prodData, "g-dev");
    fireEvent.pointerDown(from, { button: 0, buttons: 1 });
    fireEvent.pointerEnter(to, { buttons: 1 });
    fireEvent.click(to);
    expect(screen.getByTestId("selection-bar")).toHaveTextContent("2 accounts × 3 principals selected");
    expect(screen.queryByTestId("cell-menu")).not.toBeInTheDocument();
  });
});

describe("assignments page: an unfinished change set elsewhere", () => {
  const set = (status: "running" | "interrupted"): ChangeSet => ({
    summary: {
      id: "cs-cli",
      caller_arn: "arn:aws:sts::111122223333:assumed-role/Admin/bob",
      account_id: "111122223333",
      instance_arn: INSTANCE_ARN,
      region: "eu-west-1",
      created_at: "2026-11-24T10:00:00Z",
      updated_at: "2026-11-24T10:00:05Z",
      finished_at: null,
      status,
      counts: { total: 40, creates: 40, deletes: 0, succeeded: 12, failed: 1, unfinished: 27, not_attempted: 0 },
      message: null,
    },
    items: [],
  });

  it("watches one running in another process, then offers to resume it once it stops", async () => {
    fakeApi.unfinishedChangeSet.mockResolvedValueOnce(set("running")).mockResolvedValue(set("interrupted"));
    await openPage();
    const banner = await screen.findByTestId("running-elsewhere-banner");
    expect(banner).toHaveTextContent("An apply is running in another Gatehouse");
    expect(banner).toHaveTextContent("cs-cli");
    expect(banner).toHaveTextContent("13 of 40 changes finished");
    expect(screen.queryByTestId("interrupted-banner")).not.toBeInTheDocument();
    // Looked at again while it runs: its heartbeat went stale, so it is interrupted now.
    expect(await screen.findByTestId("interrupted-banner", {}, { timeout: 10_000 })).toHaveTextContent("12 of 40 changes were done");
    expect(screen.queryByTestId("running-elsewhere-banner")).not.toBeInTheDocument();
    expect(fakeApi.unfinishedChangeSet).toHaveBeenCalledTimes(2);
  });

  it("shows no banner when nothing is unfinished", async () => {
    fakeApi.unfinishedChangeSet.mockResolvedValue(null);
    await openPage();
    await screen.findByTestId("matrix");
    await waitFor(() => expect(fakeApi.unfinishedChangeSet).toHaveBeenCalled());
    expect(screen.queryByTestId("running-elsewhere-banner")).not.toBeInTheDocument();
    expect(screen.queryByTestId("interrupted-banner")).not.toBeInTheDocument();
  });
});

describe("assignments page: a delegated administrator", () => {
  const inManagement = {
    op: "create" as const,
    assignment: { account_id: ACC.mgmt, permission_set_arn: PS.ro, principal_type: "GROUP" as const, principal_id: "g-dev" },
  };
  const elsewhere = { ...inManagement, assignment: { ...inManagement.assignment, account_id: ACC.prodApp } };

  it("is told while staging which changes are in the management account and will not be sent", async () => {
    const status = connectedStatus();
    status.identity = {
      ...status.identity,
      account_id: "555566667777",
      role: "delegated_admin",
      organization: { id: "o-a1b2c3d4e5", management_account_id: ACC.mgmt },
    };
    fakeApi.connectionStatus.mockResolvedValue(status);
    saveStaged(window.localStorage, INSTANCE_ARN, [inManagement, elsewhere]);
    await openPage();
    const note = await screen.findByTestId("pending-management");
    expect(note).toHaveTextContent("1 staged change is in the management account (management, 0000-0000-0001)");
    expect(note).toHaveTextContent("does not let a delegated administrator change access there");
    expect(pendingCount()).toBe("2");
  });

  it("says nothing to the management account itself", async () => {
    const status = connectedStatus();
    status.identity = { ...status.identity, organization: { id: "o-a1b2c3d4e5", management_account_id: status.identity.account_id } };
    fakeApi.connectionStatus.mockResolvedValue(status);
    saveStaged(window.localStorage, INSTANCE_ARN, [inManagement, elsewhere]);
    await openPage();
    await screen.findByTestId("matrix");
    expect(pendingCount()).toBe("2");
    expect(screen.queryByTestId("pending-management")).not.toBeInTheDocument();
  });
});

