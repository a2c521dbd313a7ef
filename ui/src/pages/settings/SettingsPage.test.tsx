/** The Settings page in the app shell with a fake backend: apply speed (inline validation, save) and Gatehouse's IAM policy. */
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { GatehousePolicy } from "../../backend/api";
import { pickSavePath } from "../../backend/dialog";
import { GatehouseError } from "../../backend/errors";
import { fakeApi, resetFakeBackend } from "../../test/fakeBackend";
import { renderApp } from "../../test/render";
import { settingsPages } from ".";

vi.mock("../../backend/api", async () => (await import("../../test/fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../../test/fakeBackend")).progressModule());
vi.mock("../../backend/dialog", () => ({ pickSavePath: vi.fn(), pickFile: vi.fn() }));

const savePath = vi.mocked(pickSavePath);

const POLICY: GatehousePolicy = {
  read_only: '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": ["sso:ListInstances"], "Resource": "*" }]\n}',
  read_write:
    '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": ["sso:ListInstances", "sso:CreateAccountAssignment"], "Resource": "*" }]\n}',
  actions: [
    { action: "sso:CreateAccountAssignment", access: "write", used_for: "Applying staged assignments" },
    { action: "sso:ListInstances", access: "read", used_for: "Finding the Identity Center instance" },
  ],
};

beforeEach(() => {
  resetFakeBackend();
  savePath.mockReset();
  fakeApi.applySettings.mockResolvedValue({ max_outstanding: 10, requests_per_second: 15 });
  fakeApi.gatehousePolicy.mockResolvedValue(POLICY);
});

async function openPage() {
  const user = userEvent.setup();
  renderApp({ pages: settingsPages });
  await screen.findByTestId("settings-page");
  await waitFor(() => expect(screen.getByTestId("apply-max-outstanding")).toHaveValue(10));
  return user;
}

describe("settings: apply speed", () => {
  it("shows the saved limits and AWS's quotas, and saves new ones", async () => {
    fakeApi.saveApplySettings.mockImplementation((s) => Promise.resolve(s));
    const user = await openPage();
    const outstanding = screen.getByTestId("apply-max-outstanding");
    const rps = screen.getByTestId("apply-rps");
    expect(outstanding).toHaveAccessibleName("Outstanding requests at most");
    expect(rps).toHaveAccessibleName("Requests per second at most");
    expect(rps).toHaveValue(15);
    expect(screen.getByTestId("apply-settings")).toHaveTextContent("at most 15 outstanding account-assignment creations");
    expect(screen.getByTestId("save-apply-settings")).toBeDisabled();

    await user.clear(outstanding);
    await user.type(outstanding, "5");
    await user.clear(rps);
    await user.type(rps, "8");
    await user.click(screen.getByTestId("save-apply-settings"));
    expect(fakeApi.saveApplySettings).toHaveBeenCalledWith({ max_outstanding: 5, requests_per_second: 8 });
    expect(await screen.findByTestId("apply-settings-saved")).toHaveTextContent("Saved.");
    expect(screen.getByTestId("save-apply-settings")).toBeDisabled();
  });

  it("shows out-of-range values inline and sends nothing", async () => {
    const user = await openPage();
    const outstanding = screen.getByTestId("apply-max-outstanding");
    await user.clear(outstanding);
    await user.type(outstanding, "16");
    expect(outstanding).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("apply-max-outstanding-error")).toHaveTextContent("must be from 1 to 15");
    expect(outstanding).toHaveAccessibleDescription(expect.stringContaining("must be from 1 to 15"));
    await user.click(screen.getByTestId("save-apply-settings"));
    expect(fakeApi.saveApplySettings).not.toHaveBeenCalled();
  });

  it("shows the backend's validation message inline", async () => {
    fakeApi.saveApplySettings.mockRejectedValue(new GatehouseError("validation", "Requests per second must be from 1 to 20."));
    const user = await openPage();
    const rps = screen.getByTestId("apply-rps");
    await user.clear(rps);
    await user.type(rps, "20");
    await user.click(screen.getByTestId("save-apply-settings"));
    expect(await screen.findByTestId("apply-rps-error")).toHaveTextContent("Requests per second must be from 1 to 20.");
    expect(rps).toHaveAttribute("aria-invalid", "true");
    // Editing clears the backend's verdict.
    await user.type(rps, "{Backspace}");
    expect(screen.getByTestId("apply-rps-error")).toBeEmptyDOMElement();
  });

  it("shows other save failures as an error", async () => {
    fakeApi.saveApplySettings.mockRejectedValue(new GatehouseError("storage", "The local database is read-only."));
    const user = await openPage();
    await user.type(screen.getByTestId("apply-rps"), "{Backspace}9");
    await user.click(screen.getByTestId("save-apply-settings"));
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not save the apply settings");
  });
});

describe("settings: least privilege for Gatehouse", () => {
  it("shows both policies with copy buttons and the action table", async () => {
    const user = await openPage();
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } });
    expect(await screen.findByTestId("policy-read-only")).toHaveTextContent('"sso:ListInstances"');
    expect(JSON.parse(screen.getByTestId("policy-read-write").textContent ?? "")).toMatchObject({ Version: "2012-10-17" });
    await user.click(screen.getByRole("button", { name: "Copy the read-write policy" }));
    expect(writeText).toHaveBeenCalledWith(POLICY.read_write);
    const rows = within(screen.getByTestId("policy-actions")).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      "sso:ListInstancesreadFinding the Identity Center instance",
      "sso:CreateAccountAssignmentwriteApplying staged assignments",
    ]);
  });

  it("saves a policy where the admin chose", async () => {
    fakeApi.saveGatehousePolicy.mockResolvedValue(null);
    savePath.mockResolvedValueOnce("/home/admin/gatehouse-rw.json").mockResolvedValueOnce(null);
    const user = await openPage();
    await user.click(await screen.findByTestId("save-policy-read-write"));
    expect(await screen.findByTestId("policy-saved")).toHaveTextContent("Saved the read-write policy to /home/admin/gatehouse-rw.json.");
    expect(fakeApi.saveGatehousePolicy).toHaveBeenCalledWith("/home/admin/gatehouse-rw.json", true);
    expect(savePath).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: "gatehouse-read-write-policy.json" }));
    // Cancelled dialog: nothing written.
    await user.click(screen.getByTestId("save-policy-read-only"));
    await waitFor(() => expect(screen.getByTestId("save-policy-read-only")).toBeEnabled());
    expect(fakeApi.saveGatehousePolicy).toHaveBeenCalledTimes(1);
  });
});
