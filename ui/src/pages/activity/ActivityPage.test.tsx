/** The Activity page in the app shell with a fake backend: the log, an entry's items with the status filter, copying, empty state. */
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { GatehouseError } from "../../backend/errors";
import { fakeApi, resetFakeBackend } from "../../test/fakeBackend";
import { renderApp } from "../../test/render";
import type { PageDef } from "../registry";
import { activityPages } from ".";
import { changeSetText } from "./model";
import { failedSet, summary } from "./testData";

vi.mock("../../backend/api", async () => (await import("../../test/fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../../test/fakeBackend")).progressModule());

const PAGES: PageDef[] = [
  ...activityPages,
  { id: "assignments", label: "Account assignments", Component: () => <p data-testid="assignments-stub">matrix</p> },
];

beforeEach(() => {
  resetFakeBackend();
});

async function openPage() {
  const user = userEvent.setup();
  renderApp({ pages: PAGES });
  await screen.findByTestId("activity-page");
  return user;
}

describe("activity: the log", () => {
  it("lists change sets newest first: when, who, what, outcome and counts", async () => {
    fakeApi.activityLog.mockResolvedValue([summary(), failedSet().summary]);
    await openPage();
    const entries = await screen.findAllByTestId("activity-entry");
    expect(fakeApi.activityLog).toHaveBeenCalledWith(100);
    expect(entries.map((e) => e.getAttribute("data-status"))).toEqual(["completed_with_failures", "completed"]);
    const cells = within(entries[0]!).getAllByRole("cell");
    expect(cells[0]).toHaveTextContent(/ago|just now/);
    expect(cells[1]).toHaveTextContent("alice");
    expect(cells[1]).toHaveTextContent("AdministratorAccess (IAM Identity Center)");
    expect(within(cells[1]!).getByText("alice")).toHaveAttribute("title", expect.stringContaining("assumed-role/AWSReservedSSO"));
    expect(cells[2]).toHaveTextContent("2 assignments, 1 removal");
    expect(cells[3]).toHaveTextContent("Completed with failures");
    expect(cells[4]).toHaveTextContent("1 succeeded · 1 failed · 1 not attempted");
  });

  it("shows an empty state", async () => {
    fakeApi.activityLog.mockResolvedValue([]);
    await openPage();
    expect(await screen.findByTestId("activity-empty")).toHaveTextContent("No activity yet");
    expect(screen.queryByTestId("activity-entry")).not.toBeInTheDocument();
  });

  it("shows a read error with a retry", async () => {
    fakeApi.activityLog.mockRejectedValueOnce(new GatehouseError("storage", "The local database could not be read."));
    fakeApi.activityLog.mockResolvedValue([summary()]);
    const user = await openPage();
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not read the activity log");
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await screen.findAllByTestId("activity-entry")).toHaveLength(1);
  });

  it("reads older entries on request", async () => {
    fakeApi.activityLog.mockImplementation((limit) =>
      Promise.resolve(Array.from({ length: Math.min(limit, 130) }, (_, i) => summary({ id: `cs-${i}`, created_at: new Date(Date.UTC(2025, 0, 1, 0, 130 - i)).toISOString() }))),
    );
    const user = await openPage();
    expect(await screen.findAllByTestId("activity-entry")).toHaveLength(100);
    await user.click(screen.getByTestId("activity-more"));
    await waitFor(() => expect(screen.getAllByTestId("activity-entry")).toHaveLength(130));
    expect(fakeApi.activityLog).toHaveBeenLastCalledWith(200);
    expect(screen.queryByTestId("activity-more")).not.toBeInTheDocument();
  });
});

describe("activity: a change set", () => {
  it("opens an entry: every item with its status and AWS's reason, filterable, copyable; Back returns to the entry", async () => {
    const cs = failedSet();
    fakeApi.activityLog.mockResolvedValue([cs.summary]);
    fakeApi.changeSet.mockResolvedValue(cs);
    const user = await openPage();
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } });

    await user.click(await screen.findByTestId("activity-entry"));
    expect(fakeApi.changeSet).toHaveBeenCalledWith("cs-2");
    const items = await screen.findAllByTestId("activity-item");
    expect(items.map((i) => i.getAttribute("data-status"))).toEqual(["succeeded", "failed", "not_attempted"]);
    expect(items[1]).toHaveTextContent("Remove ReadOnly from user1@example.com (user)");
    expect(items[1]).toHaveTextContent("Failed");
    expect(items[1]).toHaveTextContent("sent 3 times");
    expect(within(items[1]!).getByTestId("activity-item-reason")).toHaveTextContent("ConflictException: the principal is being deleted");
    expect(items[0]).toHaveTextContent("request req-0");
    expect(screen.getByTestId("activity-summary")).toHaveTextContent("Completed with failures");
    expect(screen.getByRole("heading", { level: 1 })).toHaveFocus();

    await user.click(screen.getByTestId("activity-filter-failed"));
    expect(screen.getAllByTestId("activity-item")).toHaveLength(1);
    expect(screen.getByTestId("activity-filter-failed")).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByTestId("activity-filter-unfinished")).toBeDisabled();
    await user.click(screen.getByTestId("activity-filter-all"));
    expect(screen.getAllByTestId("activity-item")).toHaveLength(3);

    await user.click(screen.getByRole("button", { name: "Copy details as text" }));
    expect(writeText).toHaveBeenCalledWith(changeSetText(cs));

    await user.click(screen.getByTestId("activity-back"));
    await screen.findAllByTestId("activity-entry");
    await waitFor(() => expect(screen.getByRole("button", { name: /Open the change set of/ })).toHaveFocus());
  });

  it("points an interrupted change set to the Assignments page", async () => {
    const cs = { summary: summary({ status: "interrupted", finished_at: null, message: "The window was closed while applying." }), items: [] };
    fakeApi.activityLog.mockResolvedValue([cs.summary]);
    fakeApi.changeSet.mockResolvedValue(cs);
    const user = await openPage();
    await user.click(await screen.findByRole("button", { name: /Open the change set of/ }));
    expect(await screen.findByText("The window was closed while applying.")).toBeInTheDocument();
    expect(screen.getByTestId("activity-items-empty")).toHaveTextContent("This change set has no items.");
    await user.click(screen.getByRole("button", { name: "Open Account assignments" }));
    expect(screen.getByTestId("assignments-stub")).toBeInTheDocument();
  });
});
