import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { RegionInstance } from "../backend/api";
import { connectedStatus, fakeApi, fakeRunTask, PROFILE_SPEC, resetFakeBackend, tasks } from "./fakeBackend";
import { renderApp } from "./render";

vi.mock("../backend/api", async () => (await import("./fakeBackend")).apiModule());
vi.mock("../backend/progress", async () => (await import("./fakeBackend")).progressModule());

const FOUND: RegionInstance = {
  region: "eu-central-1",
  instance_arn: "arn:aws:sso:::instance/ssoins-69870123456789ab",
  identity_store_id: "d-99670abcde",
};

beforeEach(() => {
  resetFakeBackend();
  // Connected to eu-west-1, where there is no instance; other regions have one.
  fakeApi.startupConnection.mockResolvedValue(PROFILE_SPEC);
  fakeApi.connect.mockImplementation((_taskId, spec) => Promise.resolve(connectedStatus(spec, spec.region !== "eu-west-1")));
});

async function startSearch() {
  const user = userEvent.setup();
  renderApp();
  const callout = await screen.findByTestId("no-instance");
  expect(callout).toHaveTextContent("No IAM Identity Center instance in eu-west-1");
  expect(screen.queryByTestId("header-instance")).not.toBeInTheDocument();
  expect(screen.getByRole("banner")).toHaveTextContent("No Identity Center instance in eu-west-1");
  await user.click(screen.getByTestId("find-regions"));
  expect(fakeRunTask).toHaveBeenCalledTimes(1);
  const task = tasks[0];
  if (task === undefined) throw new Error("no task started");
  return { user, task };
}

describe("no instance in the connected region", () => {
  it("searches all regions with progress and switches to a region where an instance was found", async () => {
    const { user, task } = await startSearch();

    // The task is started through the backend's findInstanceRegions.
    const start = fakeRunTask.mock.calls[0]?.[0];
    fakeApi.findInstanceRegions.mockResolvedValue([]);
    await start?.("task-x", undefined as never);
    expect(fakeApi.findInstanceRegions).toHaveBeenCalledWith("task-x", undefined);

    const progress = screen.getByTestId("find-regions-progress");
    expect(progress).toHaveTextContent("Starting the search…");
    act(() => task.progress({ done: 0, total: 17, message: "Looking for IAM Identity Center in 17 regions…" }));
    act(() => task.progress({ done: 5, total: 17, message: "Asked 5 of 17 regions, found 1" }));
    expect(progress).toHaveTextContent("5/17");
    expect(progress).toHaveTextContent("Asked 5 of 17 regions, found 1");
    const bar = within(progress).getByRole("progressbar", { name: "Regions searched" });
    expect(bar).toHaveAttribute("value", "5");
    expect(bar).toHaveAttribute("max", "17");
    expect(screen.getByTestId("find-regions-cancel")).toBeEnabled();
    expect(screen.queryByTestId("find-regions")).not.toBeInTheDocument();

    act(() => task.resolve([FOUND]));
    const row = await screen.findByTestId("region-result-eu-central-1");
    expect(screen.queryByTestId("find-regions-progress")).not.toBeInTheDocument();
    expect(row).toHaveTextContent("ssoins-69870123456789ab");
    expect(row).toHaveTextContent("d-99670abcde");

    await user.click(within(row).getByTestId("switch-region-eu-central-1"));
    expect(fakeApi.connect).toHaveBeenLastCalledWith(expect.any(String), { ...PROFILE_SPEC, region: "eu-central-1" });
    await waitFor(() => expect(screen.getByTestId("header-instance")).toHaveTextContent("ssoins-7223a1b2c3d4e5f6"));
    expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "connected");
    expect(screen.queryByTestId("no-instance")).not.toBeInTheDocument();
  });

  it("cancels the search", async () => {
    const { user, task } = await startSearch();
    act(() => task.progress({ done: 2, total: 17, message: "Asked 2 of 17 regions, found 0" }));
    await user.click(screen.getByTestId("find-regions-cancel"));
    expect(task.cancel).toHaveBeenCalledTimes(1);
    expect(await screen.findByText("Search cancelled.")).toBeInTheDocument();
    expect(screen.queryByTestId("find-regions-progress")).not.toBeInTheDocument();
    expect(screen.getByTestId("find-regions")).toHaveTextContent("Search all regions again");
  });

  it("explains what to do when no region has an instance", async () => {
    const { task } = await startSearch();
    act(() => task.resolve([]));
    const none = await screen.findByTestId("find-regions-none");
    expect(none).toHaveTextContent("No instance was found in any region.");
    expect(none).toHaveTextContent("IAM Identity Center may not be enabled yet in this organisation.");
    expect(none).toHaveTextContent("Choose Enable");
    expect(screen.getByRole("button", { name: /Open the Identity Center console/ })).toBeInTheDocument();
  });

  it("shows a failed search with a retry", async () => {
    const { user, task } = await startSearch();
    act(() =>
      task.reject({ kind: "access_denied", message: "AWS refused sso:ListInstances for this role.", detail: "AccessDeniedException" }),
    );
    const alert = await screen.findByText("AWS refused sso:ListInstances for this role.");
    expect(alert.closest("[role=alert]")).toHaveTextContent("The search across regions failed");
    await user.click(screen.getByRole("button", { name: "Search again" }));
    expect(fakeRunTask).toHaveBeenCalledTimes(2);
  });
});
