import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { connectedStatus, fakeApi, PROFILE_SPEC, resetFakeBackend } from "../fakeBackend";
import { renderApp } from "../render";
import { attentionToken, ENDPOINT, installProvisioning, tokenInfo } from "./fakeProvisioning";

vi.mock("../../backend/api", async () => (await import("../fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../fakeBackend")).progressModule());
vi.mock("../../backend/dialog", () => ({ pickFile: vi.fn(), pickSavePath: vi.fn() }));
vi.mock("../../backend/shell", () => ({ openUrl: vi.fn(), revealInFolder: vi.fn() }));
vi.mock("../../backend/dragdrop", () => ({ onFileDrop: () => Promise.resolve(() => {}) }));

beforeEach(() => resetFakeBackend());

describe("Setup steps 3–4 in the sidebar", () => {
  it("lists both steps with the backend's status and summary", async () => {
    installProvisioning({
      steps: [
        { id: "provisioning", status: "attention", summary: "Test the connection." },
        { id: "verify", status: "done", summary: "Checked on 2026-11-23: 6 users and 3 groups arrived, nothing to fix." },
      ],
    });
    renderApp();
    const nav = screen.getByRole("navigation", { name: "Pages" });
    expect(within(nav).getByTestId("nav-setup-provisioning")).toHaveTextContent("3 Provisioning");
    const provisioning = await screen.findByTestId("step-status-provisioning");
    expect(provisioning).toHaveAttribute("data-status", "attention");
    expect(provisioning).toHaveTextContent("!");
    expect(provisioning).toHaveAttribute("title", "needs attention: Test the connection.");
    expect(screen.getByTestId("nav-setup-provisioning")).toHaveAccessibleName("3 Provisioning needs attention");
    const verify = screen.getByTestId("step-status-verify");
    expect(verify).toHaveAttribute("data-status", "done");
    expect(verify).toHaveTextContent("✓");
    expect(screen.getByTestId("nav-setup-verify")).toHaveAccessibleName("4 Verify done");
  });

  it("not started shows ·, and the page shows the summary under its title", async () => {
    const user = userEvent.setup();
    installProvisioning();
    renderApp();
    expect(await screen.findByTestId("step-status-provisioning")).toHaveAttribute("data-status", "not_started");
    expect(screen.getByTestId("step-status-verify")).toHaveTextContent("·");
    await user.click(screen.getByTestId("nav-setup-provisioning"));
    expect(screen.getByTestId("step-summary-provisioning")).toHaveTextContent("Turn on automatic provisioning in IAM Identity Center");
    await user.click(screen.getByTestId("go-to-verify"));
    expect(screen.getByRole("heading", { level: 1, name: "4 · Verify" })).toBeInTheDocument();
    expect(screen.getByTestId("step-summary-verify")).toHaveTextContent("check what arrived");
  });
});

describe("The SCIM token in the header", () => {
  it("is absent without a stored token", async () => {
    installProvisioning({ endpoint: ENDPOINT });
    renderApp();
    await screen.findByTestId("step-status-provisioning");
    expect(screen.queryByTestId("header-scim-token")).not.toBeInTheDocument();
  });

  it("shows the days left, discreetly while all is well, and opens step 3", async () => {
    const user = userEvent.setup();
    installProvisioning({ endpoint: ENDPOINT, token: tokenInfo() });
    renderApp();
    const header = await screen.findByTestId("header-scim-token");
    expect(header).toHaveTextContent("SCIM token: 287 days");
    expect(header).toHaveAttribute("data-level", "ok");
    expect(header).toHaveClass("header-token-ok");
    expect(header).toHaveAccessibleName(
      "SCIM token: 287 days left, expiry date 2027-03-01. Opens Setup step 3, Provisioning",
    );
    await user.click(header);
    expect(screen.getByRole("heading", { level: 1, name: "3 · Automatic provisioning" })).toBeInTheDocument();
  });

  it("is amber when the token needs attention", async () => {
    installProvisioning({ endpoint: ENDPOINT, token: attentionToken(1) });
    renderApp();
    const header = await screen.findByTestId("header-scim-token");
    expect(header).toHaveTextContent("SCIM token: 1 day");
    expect(header).toHaveClass("header-token-attention");
  });

  it("the view is read again after connecting (its region warning depends on the connection)", async () => {
    const user = userEvent.setup();
    const state = installProvisioning({ endpoint: ENDPOINT, token: tokenInfo() });
    renderApp();
    await user.click(screen.getByTestId("nav-setup-provisioning"));
    await screen.findByTestId("scim-token-info");
    expect(screen.queryByTestId("scim-endpoint-warning-0")).not.toBeInTheDocument();
    const calls = fakeApi.provisioningView.mock.calls.length;

    // The connected instance is in another region than the endpoint.
    state.connected_region = "us-east-1";
    state.endpoint_warnings = [
      "This endpoint is in eu-west-1, but the connected IAM Identity Center instance is in us-east-1. Use the SCIM endpoint of the instance you manage.",
    ];
    fakeApi.connect.mockResolvedValue(connectedStatus({ ...PROFILE_SPEC, region: "us-east-1" }));
    await user.click(screen.getByTestId("header-connect"));
    await user.click(await screen.findByTestId("connect-submit"));
    await waitFor(() => expect(fakeApi.provisioningView.mock.calls.length).toBeGreaterThan(calls));
    await user.click(screen.getByTestId("nav-setup-provisioning"));
    expect(await screen.findByTestId("scim-endpoint-warning-0")).toHaveTextContent("connected IAM Identity Center instance is in us-east-1");
    expect(screen.getByTestId("open-provisioning-console")).toBeInTheDocument();
  });
});
