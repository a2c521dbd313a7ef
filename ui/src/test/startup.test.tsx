import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { GatehouseError } from "../backend/errors";
import { connectedStatus, deferred, fakeApi, INSTANCE_ARN, PROFILE_SPEC, resetFakeBackend } from "./fakeBackend";
import { renderApp } from "./render";

vi.mock("../backend/api", async () => (await import("./fakeBackend")).apiModule());
vi.mock("../backend/progress", async () => (await import("./fakeBackend")).progressModule());

beforeEach(() => resetFakeBackend());

describe("startup", () => {
  it("connects with the startup spec and shows the account and instance in the header", async () => {
    const pending = deferred<ReturnType<typeof connectedStatus>>();
    fakeApi.startupConnection.mockResolvedValue(PROFILE_SPEC);
    fakeApi.connect.mockReturnValue(pending.promise);

    renderApp();

    // While connecting: the header and the page say where to.
    const page = screen.getByTestId("connection-state");
    expect(page).toHaveAttribute("data-state", "connecting");
    const states: (string | null)[] = [];
    const watcher = new MutationObserver(() => states.push(page.getAttribute("data-state")));
    watcher.observe(page, { attributes: true, attributeFilter: ["data-state"] });
    await waitFor(() => expect(fakeApi.connect).toHaveBeenCalledTimes(1));
    expect(fakeApi.connect).toHaveBeenCalledWith(expect.any(String), PROFILE_SPEC);
    const banner = within(screen.getByRole("banner")).getByRole("status");
    expect(banner).toHaveTextContent("Connecting to eu-west-1 with profile org-admin…");

    act(() => pending.resolve(connectedStatus()));

    await waitFor(() => expect(page).toHaveAttribute("data-state", "connected"));
    watcher.disconnect();
    // Straight from "connecting" to "connected", never "disconnected" in between.
    expect(states).toEqual(["connected"]);
    const account = screen.getByTestId("header-account");
    expect(account).toHaveTextContent("Account 1111-2222-3333");
    expect(account).toHaveAttribute("data-account-id", "111122223333");
    const role = screen.getByTestId("header-role");
    expect(role).toHaveTextContent("(management)");
    expect(role).toHaveAttribute("title", expect.stringContaining("management account"));
    const instance = screen.getByTestId("header-instance");
    expect(instance).toHaveTextContent("Identity Center ssoins-7223a1b2c3d4e5f6");
    expect(instance).toHaveAttribute("data-instance-arn", INSTANCE_ARN);
    expect(screen.getByTestId("header-store")).toHaveTextContent("store d-9367012345");
    expect(screen.getByRole("banner")).toHaveTextContent("refreshed just now");
    expect(screen.queryByTestId("header-connect")).not.toBeInTheDocument();

    // The Connection page shows the identity, naming the product in full the first time.
    expect(screen.getByTestId("card-account")).toHaveTextContent("1111-2222-3333");
    expect(screen.getByTestId("card-identity-center")).toHaveTextContent("IAM Identity Center (formerly AWS SSO)");
    expect(screen.getByTestId("instance-arn")).toHaveTextContent(INSTANCE_ARN);
    expect(screen.getByTestId("identity-store-id")).toHaveTextContent("d-9367012345");
    expect(fakeApi.connect).toHaveBeenCalledTimes(1);
  });

  it("does not reconnect when the backend is already connected", async () => {
    fakeApi.startupConnection.mockResolvedValue(PROFILE_SPEC);
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus());

    renderApp();

    await waitFor(() => expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "connected"));
    expect(screen.getByTestId("header-account")).toHaveAttribute("data-account-id", "111122223333");
    expect(fakeApi.connect).not.toHaveBeenCalled();
  });

  it("without a startup spec shows Not connected, and Connect… focuses the form", async () => {
    const user = userEvent.setup();
    renderApp();

    await waitFor(() => expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "disconnected"));
    expect(screen.getByRole("banner")).toHaveTextContent("Not connected");
    await user.click(screen.getByTestId("header-connect"));
    expect(screen.getByRole("heading", { name: "Connect to AWS" })).toHaveFocus();
    expect(fakeApi.connect).not.toHaveBeenCalled();
  });

  it("shows a failed startup connection on the Connection page with the form prefilled", async () => {
    const user = userEvent.setup();
    fakeApi.startupConnection.mockResolvedValue({ ...PROFILE_SPEC, endpoint_url: "http://localhost:5000" });
    fakeApi.connect.mockRejectedValue(
      new GatehouseError(
        "credentials",
        "The SSO session of profile org-admin has expired. Run `aws sso login --profile org-admin` in a terminal, then connect again.",
        "ExpiredToken: the SSO token has expired",
      ),
    );

    renderApp();

    const error = await screen.findByTestId("connect-error");
    expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "error");
    expect(error).toHaveTextContent("Could not connect to eu-west-1 with profile org-admin");
    expect(error).toHaveTextContent("The SSO session of profile org-admin has expired. Run aws sso login");
    // The command is shown as code, with a copy button.
    expect(within(error).getByText("aws sso login --profile org-admin").tagName).toBe("CODE");
    expect(within(error).getByRole("button", { name: "Copy command aws sso login --profile org-admin" })).toBeInTheDocument();
    // Details are one click away.
    const detail = within(error).getByText("ExpiredToken: the SSO token has expired");
    expect(detail).not.toBeVisible();
    await user.click(within(error).getByText("Details"));
    expect(detail).toBeVisible();

    // The form starts from the failed spec.
    await waitFor(() => expect(screen.getByTestId("connect-profile")).toHaveValue("org-admin"));
    expect(screen.getByTestId("connect-source-profile")).toBeChecked();
    expect(screen.getByTestId("connect-region")).toHaveValue("eu-west-1");
    expect(screen.getByTestId("connect-endpoint")).toHaveValue("http://localhost:5000");
    expect(screen.getByTestId("connect-endpoint")).toBeVisible();
    expect(screen.getByTestId("header-connect")).toBeInTheDocument();

    // Trying again with the same form sends the same spec.
    fakeApi.connect.mockImplementation((_taskId, spec) => Promise.resolve(connectedStatus(spec)));
    await user.click(screen.getByTestId("connect-submit"));
    await waitFor(() => expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "connected"));
    expect(fakeApi.connect).toHaveBeenLastCalledWith(expect.any(String), { ...PROFILE_SPEC, endpoint_url: "http://localhost:5000" });
    expect(screen.queryByTestId("connect-error")).not.toBeInTheDocument();
  });

  it("refresh reads the connection again", async () => {
    const user = userEvent.setup();
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
    const pending = deferred<ReturnType<typeof connectedStatus>>();
    fakeApi.refreshConnection.mockReturnValue(pending.promise);

    renderApp();
    const refresh = await screen.findByTestId("header-refresh");
    await user.click(refresh);
    expect(fakeApi.refreshConnection).toHaveBeenCalledTimes(1);
    expect(refresh).toBeDisabled();
    const refreshed = connectedStatus();
    refreshed.identity.role = "delegated_admin";
    act(() => pending.resolve(refreshed));
    await waitFor(() => expect(screen.getByTestId("header-role")).toHaveTextContent("(delegated administrator)"));
    expect(refresh).toBeEnabled();
  });
});
