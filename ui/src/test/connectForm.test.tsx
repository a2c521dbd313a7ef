import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { GatehouseError } from "../backend/errors";
import type { ConnectionStatus } from "../backend/api";
import { deferred, fakeApi, resetFakeBackend } from "./fakeBackend";
import { renderApp } from "./render";

vi.mock("../backend/api", async () => (await import("./fakeBackend")).apiModule());
vi.mock("../backend/progress", async () => (await import("./fakeBackend")).progressModule());

beforeEach(() => resetFakeBackend());

async function renderDisconnected() {
  const user = userEvent.setup();
  const view = renderApp();
  await waitFor(() => expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "disconnected"));
  await waitFor(() => expect(screen.getByTestId("connect-profile")).toBeEnabled());
  return { user, ...view };
}

describe("connect form", () => {
  it("lists profiles with their kind and preselects a profile's region", async () => {
    const { user } = await renderDisconnected();
    const select = screen.getByTestId("connect-profile");
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "org-admin — SSO",
      "sandbox — role",
      "legacy-keys — keys",
    ]);
    // The first profile is selected, with its region and a kind badge.
    expect(select).toHaveValue("org-admin");
    expect(screen.getByTestId("connect-region")).toHaveValue("eu-west-1");
    expect(screen.getByText("SSO", { selector: ".badge" })).toBeInTheDocument();
    expect(screen.getByText(/Signs in to account 1111-2222-3333 as AdministratorAccess/)).toBeInTheDocument();

    await user.selectOptions(select, "sandbox");
    expect(screen.getByTestId("connect-region")).toHaveValue("us-east-1");
    expect(screen.getByText("role", { selector: ".badge" })).toBeInTheDocument();

    // A profile without a region keeps the chosen one.
    await user.selectOptions(select, "legacy-keys");
    expect(screen.getByTestId("connect-region")).toHaveValue("us-east-1");

    await user.click(screen.getByTestId("connect-submit"));
    expect(fakeApi.connect).toHaveBeenCalledWith(expect.any(String), {
      credentials: { kind: "profile", name: "legacy-keys" },
      region: "us-east-1",
      endpoint_url: null,
    });
  });

  it("cancels an attempt in progress: nothing is shown as failed and the form is usable again", async () => {
    const { user } = await renderDisconnected();
    const pending = deferred<ConnectionStatus>();
    fakeApi.connect.mockReturnValue(pending.promise);
    await user.click(screen.getByTestId("connect-submit"));
    expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "connecting");

    await user.click(screen.getByTestId("connect-cancel"));
    const taskId = fakeApi.connect.mock.calls[0]?.[0];
    expect(typeof taskId).toBe("string");
    expect(fakeApi.cancelTask).toHaveBeenCalledWith(taskId);
    // The backend gives the attempt up.
    pending.reject(new GatehouseError("cancelled", "Cancelled."));
    await waitFor(() => expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "disconnected"));
    expect(screen.queryByTestId("connect-cancel")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByTestId("connect-submit")).toBeEnabled();
  });

  it("disables the form while connecting and shows the error message and details on failure", async () => {
    const { user } = await renderDisconnected();
    const pending = deferred<ConnectionStatus>();
    fakeApi.connect.mockReturnValue(pending.promise);

    await user.click(screen.getByTestId("connect-source-default"));
    const region = screen.getByTestId("connect-region");
    await user.clear(region);
    await user.type(region, "eu-central-1");
    await user.click(screen.getByTestId("connect-advanced"));
    await user.type(screen.getByTestId("connect-endpoint"), "http://127.0.0.1:5000");
    await user.click(screen.getByTestId("connect-submit"));

    expect(fakeApi.connect).toHaveBeenCalledWith(expect.any(String), {
      credentials: { kind: "default_chain" },
      region: "eu-central-1",
      endpoint_url: "http://127.0.0.1:5000",
    });
    expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "connecting");
    expect(screen.getByTestId("connect-submit")).toBeDisabled();
    expect(screen.getByTestId("connect-submit")).toHaveTextContent("Connecting…");
    expect(screen.getByTestId("connect-region")).toBeDisabled();
    expect(screen.getByTestId("connect-source-profile")).toBeDisabled();
    expect(screen.getByTestId("connection-connecting")).toHaveTextContent(
      "Connecting to eu-central-1 with the default credentials…",
    );

    pending.reject(
      new GatehouseError(
        "network",
        "Gatehouse could not reach http://127.0.0.1:5000. Check the endpoint URL and that the service is running.",
        "dispatch failure: io error: Connection refused (os error 111)",
      ),
    );

    const error = await screen.findByTestId("connect-error");
    expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "error");
    expect(error).toHaveTextContent("Could not connect to eu-central-1 with the default credentials");
    expect(error).toHaveTextContent("Gatehouse could not reach http://127.0.0.1:5000.");
    expect(error).toHaveAttribute("role", "alert");
    const detail = within(error).getByText(/Connection refused/);
    expect(detail).not.toBeVisible();
    await user.click(within(error).getByText("Details"));
    expect(detail).toBeVisible();
    // The form keeps what was entered and is usable again.
    expect(screen.getByTestId("connect-source-default")).toBeChecked();
    expect(screen.getByTestId("connect-region")).toHaveValue("eu-central-1");
    expect(screen.getByTestId("connect-endpoint")).toHaveValue("http://127.0.0.1:5000");
    expect(screen.getByTestId("connect-submit")).toBeEnabled();
  });

  it("checks the region and the endpoint before connecting", async () => {
    const { user } = await renderDisconnected();
    const region = screen.getByTestId("connect-region");
    await user.clear(region);
    await user.type(region, "Ireland");
    await user.click(screen.getByTestId("connect-advanced"));
    await user.type(screen.getByTestId("connect-endpoint"), "localhost:5000");
    await user.click(screen.getByTestId("connect-submit"));

    expect(fakeApi.connect).not.toHaveBeenCalled();
    expect(region).toHaveAttribute("aria-invalid", "true");
    expect(region).toHaveAccessibleDescription(/does not look like a region name/);
    expect(screen.getByTestId("connect-endpoint")).toHaveAccessibleDescription(/starting with http/);
  });

  it("offers the Identity Center regions and accepts another one typed in", async () => {
    const { user } = await renderDisconnected();
    const region = screen.getByTestId("connect-region");
    const list = document.getElementById(region.getAttribute("list") ?? "");
    expect(list).not.toBeNull();
    expect([...(list?.querySelectorAll("option") ?? [])].map((o) => o.value)).toContain("ap-southeast-2");

    await user.clear(region);
    await user.type(region, "il-central-1");
    await user.click(screen.getByTestId("connect-submit"));
    expect(fakeApi.connect).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ region: "il-central-1" }));
  });

  it("every control in the form has an accessible name", async () => {
    await renderDisconnected();
    const form = screen.getByRole("form", { name: "Connect to AWS" });
    const controls = ["textbox", "combobox", "radio", "button"].flatMap((role) => within(form).queryAllByRole(role));
    expect(controls.length).toBeGreaterThanOrEqual(6);
    for (const control of controls) {
      expect(control).toHaveAccessibleName();
    }
  });
});
