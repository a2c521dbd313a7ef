import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { StepStatus } from "../components/Sidebar";
import type { PageDef } from "../pages/registry";
import { pages } from "../pages/registry";
import { connectedStatus, fakeApi, resetFakeBackend } from "./fakeBackend";
import { renderApp } from "./render";

vi.mock("../backend/api", async () => (await import("./fakeBackend")).apiModule());
vi.mock("../backend/progress", async () => (await import("./fakeBackend")).progressModule());

beforeEach(() => resetFakeBackend());

describe("app shell", () => {
  it("the sidebar shows only the registered pages, and the app version", async () => {
    renderApp();
    const nav = screen.getByRole("navigation", { name: "Pages" });
    const items = within(nav).getAllByRole("button");
    expect(items.map((b) => b.textContent)).toEqual(pages.map((p) => p.label));
    expect(items.map((b) => b.textContent)).toEqual([
      "Connection",
      "1 Entra app",
      "2 SAML",
      "3 Provisioning",
      "4 Verify",
      "Permission sets",
      "Account assignments",
      "Reports",
      "Activity",
      "Settings",
    ]);
    expect(within(nav).getByText("Setup")).toBeInTheDocument();
    expect(items[0]).toHaveAttribute("aria-current", "page");
    expect(await within(nav).findByText("Gatehouse 0.1.0")).toBeInTheDocument();
  });

  it("the sidebar is built from the page list: groups, statuses and navigation", async () => {
    const user = userEvent.setup();
    const extra: PageDef[] = [
      ...pages.filter((p) => p.group === undefined),
      { id: "entra", label: "1 Entra app", group: "Setup", Component: () => <h1>Entra page</h1>, Status: () => <StepStatus status="done" /> },
      { id: "saml", label: "2 SAML", group: "Setup", Component: () => <h1>SAML page</h1>, Status: () => <StepStatus status="attention" /> },
    ];
    renderApp({ pages: extra });
    const nav = screen.getByRole("navigation", { name: "Pages" });
    expect(within(nav).getByText("Setup")).toBeInTheDocument();
    const saml = within(nav).getByRole("button", { name: /2 SAML/ });
    expect(saml).toHaveAccessibleName("2 SAML needs attention");
    await user.click(saml);
    expect(screen.getByRole("heading", { name: "SAML page" })).toBeInTheDocument();
    expect(saml).toHaveAttribute("aria-current", "page");
    expect(screen.queryByTestId("connection-state")).not.toBeInTheDocument();

    // Connect… in the header brings the Connection page back.
    await user.click(await screen.findByTestId("header-connect"));
    expect(screen.getByTestId("connection-state")).toBeInTheDocument();
  });

  it("copy buttons put the value on the clipboard", async () => {
    const user = userEvent.setup();
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
    renderApp();
    await user.click(await screen.findByRole("button", { name: "Copy account ID" }));
    expect(await navigator.clipboard.readText()).toBe("111122223333");
    await user.click(screen.getByRole("button", { name: "Copy identity store ID" }));
    expect(await navigator.clipboard.readText()).toBe("d-9367012345");
    await user.click(screen.getByRole("button", { name: "Copy instance ARN" }));
    expect(await navigator.clipboard.readText()).toBe("arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6");
  });

  it("changing the connection opens the form prefilled, Cancel keeps the connection", async () => {
    const user = userEvent.setup();
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
    renderApp();
    await user.click(await screen.findByRole("button", { name: /Region: eu-west-1/ }));
    expect(screen.getByRole("heading", { name: "Connect to AWS" })).toHaveFocus();
    expect(screen.getByTestId("connect-region")).toHaveValue("eu-west-1");
    await waitFor(() => expect(screen.getByTestId("connect-profile")).toHaveValue("org-admin"));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByTestId("connect-submit")).not.toBeInTheDocument();
    expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "connected");
  });

  it("disconnect returns to Not connected", async () => {
    const user = userEvent.setup();
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
    renderApp();
    await user.click(await screen.findByRole("button", { name: "Disconnect" }));
    expect(fakeApi.disconnect).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "disconnected"));
    expect(screen.getByTestId("header-connect")).toBeInTheDocument();
  });
});
