import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ScimVerdict } from "../../backend/api";
import { GatehouseError } from "../../backend/errors";
import { openUrl } from "../../backend/shell";
import { localToday } from "../../pages/setup/provisioningFormat";
import { connectedStatus, deferred, fakeApi, resetFakeBackend } from "../fakeBackend";
import { renderApp } from "../render";
import {
  attentionToken,
  ENDPOINT,
  expiredToken,
  installProvisioning,
  MAPPING_TEXT,
  NONSTANDARD_ENDPOINT,
  ROTATION_STEPS,
  testResult,
  TOKEN,
  tokenInfo,
} from "./fakeProvisioning";

vi.mock("../../backend/api", async () => (await import("../fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../fakeBackend")).progressModule());
vi.mock("../../backend/dialog", () => ({ pickFile: vi.fn(), pickSavePath: vi.fn() }));
vi.mock("../../backend/shell", () => ({ openUrl: vi.fn(), revealInFolder: vi.fn() }));
vi.mock("../../backend/dragdrop", () => ({ onFileDrop: () => Promise.resolve(() => {}) }));

beforeEach(() => {
  resetFakeBackend();
  vi.mocked(openUrl).mockResolvedValue(undefined);
});

async function openStep3(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByTestId("nav-setup-provisioning"));
  expect(screen.getByRole("heading", { level: 1, name: "3 · Automatic provisioning" })).toBeInTheDocument();
  return screen.findByTestId("scim-endpoint");
}

describe("Setup step 3: guidance", () => {
  it("explains where to enable provisioning and where the values go in Entra, with a console link once connected", async () => {
    const user = userEvent.setup();
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
    installProvisioning({ connected_region: "eu-west-1", endpoint: ENDPOINT });
    renderApp();
    await openStep3(user);
    const page = screen.getByTestId("setup-provisioning-page");
    expect(page).toHaveTextContent(
      "In the AWS console: IAM Identity Center (formerly AWS SSO) → Settings → Identity source → Automatic provisioning → Enable",
    );
    expect(page).toHaveTextContent("Sync only assigned users and groups");
    expect(page).toHaveTextContent("Notification Email");
    const creds = screen.getByTestId("entra-credentials");
    expect(within(creds).getByText("Tenant URL")).toBeInTheDocument();
    expect(within(creds).getByText("Secret Token")).toBeInTheDocument();
    expect(screen.getByTestId("entra-tenant-url")).toHaveTextContent(ENDPOINT);

    await user.click(screen.getByTestId("open-provisioning-console"));
    expect(openUrl).toHaveBeenCalledWith("https://eu-west-1.console.aws.amazon.com/singlesignon/home?region=eu-west-1#/instances/settings");
  });

  it("without a connection there is no console link, but a Connect… action", async () => {
    const user = userEvent.setup();
    installProvisioning();
    renderApp();
    await openStep3(user);
    expect(screen.queryByTestId("open-provisioning-console")).not.toBeInTheDocument();
    expect(screen.getByTestId("provisioning-console-needs-connection")).toHaveTextContent("Connect");
  });
});

describe("Setup step 3: saving the endpoint and token", () => {
  it("empties the token field before the call, stores the token, then shows only its last four characters", async () => {
    const user = userEvent.setup();
    const state = installProvisioning();
    const pending = deferred<void>();
    const real = fakeApi.saveScimSettings.getMockImplementation();
    fakeApi.saveScimSettings.mockImplementation(async (...args) => {
      await pending.promise;
      return real!(...args);
    });
    renderApp();
    await openStep3(user);

    await user.type(screen.getByTestId("scim-endpoint"), ENDPOINT);
    const tokenField = screen.getByTestId("scim-token");
    expect(tokenField).toHaveAttribute("type", "password");
    expect(tokenField).toHaveAccessibleName("Access token");
    await user.type(tokenField, TOKEN);
    expect(tokenField).toHaveValue(TOKEN);
    // Never in React state, so never mirrored into the value attribute (the page's HTML).
    expect(tokenField).not.toHaveAttribute("value", TOKEN);
    expect(document.documentElement.outerHTML).not.toContain(TOKEN);
    expect(screen.getByTestId("scim-token-created-on")).toHaveValue(localToday());
    expect(screen.getByTestId("scim-token-created-on")).toHaveAccessibleName("Token created on");
    await user.click(screen.getByTestId("scim-save"));

    // While the call is in flight the token is already gone from the page.
    expect(fakeApi.saveScimSettings).toHaveBeenCalledWith(ENDPOINT, TOKEN, localToday(), false);
    expect(screen.getByTestId("scim-token")).toHaveValue("");
    expect(document.documentElement.outerHTML).not.toContain(TOKEN);

    pending.resolve();
    const info = await screen.findByTestId("scim-token-info");
    expect(info).toHaveTextContent("Token ending in ••••WXYZ, stored in the OS keychain on");
    expect(info).toHaveTextContent(`expires 2027-03-01 (287 days left)`);
    expect(screen.queryByTestId("scim-token")).not.toBeInTheDocument();
    expect(document.documentElement.outerHTML).not.toContain(TOKEN);
    expect(state.keychain).toBe(TOKEN);
    expect(screen.getByTestId("scim-token-expiry")).toHaveAttribute("data-level", "ok");
    // The header now counts down too.
    expect(await screen.findByTestId("header-scim-token")).toHaveTextContent("SCIM token: 287 days");
  });

  it("a non-standard endpoint is explained; Use it anyway saves again with acceptNonstandard and the same token", async () => {
    const user = userEvent.setup();
    installProvisioning();
    renderApp();
    await openStep3(user);
    await user.type(screen.getByTestId("scim-endpoint"), NONSTANDARD_ENDPOINT);
    await user.type(screen.getByTestId("scim-token"), TOKEN);
    await user.click(screen.getByTestId("scim-save"));

    const prompt = await screen.findByTestId("scim-save-error");
    expect(prompt).toHaveTextContent("does not look like an IAM Identity Center SCIM endpoint");
    expect(prompt).toHaveTextContent("Nothing was saved.");
    expect(fakeApi.saveScimSettings).toHaveBeenNthCalledWith(1, NONSTANDARD_ENDPOINT, TOKEN, localToday(), false);
    // Held for the decision, but neither in the field nor anywhere in the page.
    expect(screen.getByTestId("scim-token")).toHaveValue("");
    expect(screen.getByTestId("scim-token-held")).toBeInTheDocument();
    expect(document.documentElement.outerHTML).not.toContain(TOKEN);

    await user.click(screen.getByTestId("scim-accept-nonstandard"));
    expect(fakeApi.saveScimSettings).toHaveBeenNthCalledWith(2, NONSTANDARD_ENDPOINT, TOKEN, localToday(), true);
    expect(await screen.findByTestId("scim-token-info")).toHaveTextContent("••••WXYZ");
    expect(screen.queryByTestId("scim-save-error")).not.toBeInTheDocument();
    // The saved endpoint's warnings stay visible, in amber.
    const warning = screen.getByTestId("scim-endpoint-warning-0");
    expect(warning).toHaveClass("callout-attention");
    expect(warning).toHaveTextContent("not the shape of an IAM Identity Center SCIM endpoint");
    expect(document.documentElement.outerHTML).not.toContain(TOKEN);
  });

  it("a locked keychain: nothing saved, the reason shown, the token not kept", async () => {
    const user = userEvent.setup();
    installProvisioning();
    fakeApi.saveScimSettings.mockRejectedValue(
      new GatehouseError("keychain", "The OS keychain is locked. Unlock it and save again.", "org.freedesktop.Secret.Error.IsLocked"),
    );
    renderApp();
    await openStep3(user);
    await user.type(screen.getByTestId("scim-endpoint"), ENDPOINT);
    await user.type(screen.getByTestId("scim-token"), TOKEN);
    await user.click(screen.getByTestId("scim-save"));
    const error = await screen.findByTestId("scim-save-error");
    expect(error).toHaveTextContent("Not saved: the OS keychain is not available");
    expect(error).toHaveTextContent("The OS keychain is locked. Unlock it and save again.");
    expect(error).toHaveTextContent("paste it again");
    expect(screen.queryByTestId("scim-accept-nonstandard")).not.toBeInTheDocument();
    expect(screen.queryByTestId("scim-token-held")).not.toBeInTheDocument();
    expect(screen.queryByTestId("scim-token-info")).not.toBeInTheDocument();
    expect(document.documentElement.outerHTML).not.toContain(TOKEN);
  });

  it("with a stored token: Replace token shows the field again; correcting the date alone sends no token", async () => {
    const user = userEvent.setup();
    installProvisioning({ endpoint: ENDPOINT, token: tokenInfo(), keychain: TOKEN });
    renderApp();
    await openStep3(user);
    expect(await screen.findByTestId("scim-token-info")).toHaveTextContent("••••WXYZ");
    expect(screen.queryByTestId("scim-token")).not.toBeInTheDocument();
    expect(screen.getByTestId("scim-endpoint")).toHaveValue(ENDPOINT);

    const date = screen.getByTestId("scim-token-created-on");
    expect(date).toHaveValue("2026-03-01");
    await user.clear(date);
    await user.type(date, "2026-02-27");
    await user.click(screen.getByTestId("scim-save"));
    expect(fakeApi.saveScimSettings).toHaveBeenLastCalledWith(ENDPOINT, null, "2026-02-27", false);
    await waitFor(() => expect(screen.getByTestId("scim-token-created-on")).toHaveValue("2026-02-27"));

    await user.click(screen.getByTestId("scim-replace-token"));
    const field = screen.getByTestId("scim-token");
    expect(field).toHaveFocus();
    expect(field).toHaveAccessibleName("New access token");
    expect(screen.getByTestId("scim-token-created-on")).toHaveValue(localToday());
    expect(screen.getByTestId("scim-save")).toBeDisabled();
    await user.type(field, "another-token-9876-ABCD");
    await user.click(screen.getByTestId("scim-save"));
    expect(fakeApi.saveScimSettings).toHaveBeenLastCalledWith(ENDPOINT, "another-token-9876-ABCD", localToday(), false);
    expect(await screen.findByTestId("scim-token-info")).toHaveTextContent("••••ABCD");
    expect(screen.queryByTestId("scim-token")).not.toBeInTheDocument();
  });

  it("Forget asks first, then removes the token", async () => {
    const user = userEvent.setup();
    const state = installProvisioning({ endpoint: ENDPOINT, token: tokenInfo(), keychain: TOKEN });
    renderApp();
    await openStep3(user);
    await user.click(await screen.findByTestId("scim-forget"));
    expect(fakeApi.forgetScimToken).not.toHaveBeenCalled();
    await user.click(screen.getByRole("button", { name: "Keep it" }));
    expect(screen.queryByTestId("scim-forget-confirm")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("scim-forget"));
    await user.click(screen.getByTestId("scim-forget-confirm"));
    expect(fakeApi.forgetScimToken).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByTestId("scim-token-info")).not.toBeInTheDocument());
    expect(state.keychain).toBeNull();
    expect(screen.getByTestId("scim-token")).toBeInTheDocument();
    expect(screen.getByTestId("scim-endpoint")).toHaveValue(ENDPOINT);
    expect(screen.queryByTestId("header-scim-token")).not.toBeInTheDocument();
  });
});

describe("Setup step 3: Test connection", () => {
  const cases: [ScimVerdict, string, string][] = [
    ["ok", "Connected: the SCIM endpoint accepted the token", "callout-ok"],
    ["token_rejected", "Token rejected", "callout-error"],
    ["not_found", "Endpoint not found", "callout-error"],
    ["unreachable", "Cannot reach the endpoint", "callout-error"],
    ["timeout", "Timed out", "callout-attention"],
    ["not_scim", "Not a SCIM server", "callout-error"],
    ["server_error", "Server error", "callout-attention"],
    ["unexpected_status", "Unexpected answer", "callout-attention"],
  ];

  it.each(cases)("verdict %s: %s", async (verdict, title, toneClass) => {
    const user = userEvent.setup();
    const state = installProvisioning({ endpoint: ENDPOINT, token: tokenInfo(), keychain: TOKEN });
    const result = testResult(verdict, { tested_at: new Date().toISOString() });
    fakeApi.testScimConnection.mockImplementation(() => {
      state.last_test = result;
      return Promise.resolve(result);
    });
    renderApp();
    await openStep3(user);
    await user.click(screen.getByTestId("scim-test"));
    const panel = await screen.findByTestId("scim-test-result");
    expect(panel).toHaveAttribute("data-verdict", verdict);
    expect(panel.querySelector(".callout")).toHaveClass(toneClass);
    expect(within(panel).getByText(title)).toBeInTheDocument();
    expect(panel).toHaveTextContent(result.message);
    expect(panel).toHaveTextContent("Tested just now");
    // Details one click away.
    const summary = within(panel).getByText("Details");
    expect(screen.getByTestId("scim-test-http-status")).not.toBeVisible();
    await user.click(summary);
    expect(screen.getByTestId("scim-test-http-status")).toBeVisible();
    expect(screen.getByTestId("scim-test-http-status")).toHaveTextContent(result.http_status === null ? "no answer" : String(result.http_status));
    if (result.detail !== null) expect(screen.getByTestId("scim-test-detail")).toHaveTextContent(result.detail);
    expect(panel).toHaveTextContent("412 ms");
  });

  it("shows the last test and when it ran, from the saved settings", async () => {
    const user = userEvent.setup();
    installProvisioning({ endpoint: ENDPOINT, token: tokenInfo(), last_test: testResult("unreachable") });
    renderApp();
    await openStep3(user);
    const panel = await screen.findByTestId("scim-test-result");
    expect(panel).toHaveAttribute("data-verdict", "unreachable");
    expect(panel).toHaveTextContent("Cannot reach the endpoint");
    expect(screen.getByTestId("scim-test-when")).toHaveTextContent("Tested 5 min ago");
    await user.click(within(panel).getByText("Details"));
    expect(panel).toHaveTextContent("the host name could not be resolved (DNS)");
  });

  it("cannot test before both values are saved; a token missing from the keychain offers Replace token", async () => {
    const user = userEvent.setup();
    installProvisioning({ endpoint: ENDPOINT });
    renderApp();
    await openStep3(user);
    expect(screen.getByTestId("scim-test")).toBeDisabled();
    expect(screen.getByText("Save the SCIM access token first.")).toBeInTheDocument();
  });

  it("a token no longer in the keychain: the error and a way to save it again", async () => {
    const user = userEvent.setup();
    installProvisioning({ endpoint: ENDPOINT, token: tokenInfo() });
    fakeApi.testScimConnection.mockRejectedValue(
      new GatehouseError(
        "keychain",
        "The access token for this endpoint is no longer in the OS keychain (it was removed outside Gatehouse). Save it again with Replace token.",
        "scim-token-not-in-keychain",
      ),
    );
    renderApp();
    await openStep3(user);
    await user.click(screen.getByTestId("scim-test"));
    const error = await screen.findByTestId("scim-test-error");
    expect(error).toHaveTextContent("no longer in the OS keychain");
    await user.click(within(error).getByTestId("scim-test-replace-token"));
    expect(screen.getByTestId("scim-token")).toHaveFocus();
    // A new token: the failure was about the old settings, so it goes.
    await user.type(screen.getByTestId("scim-token"), "replacement-token-0001");
    await user.click(screen.getByTestId("scim-save"));
    expect(await screen.findByTestId("scim-token-info")).toHaveTextContent("••••0001");
    await waitFor(() => expect(screen.queryByTestId("scim-test-error")).not.toBeInTheDocument());
  });
});

describe("Setup step 3: token expiry", () => {
  it("within 90 days: an amber callout with the rotation steps in order, and an amber header", async () => {
    const user = userEvent.setup();
    installProvisioning({ endpoint: ENDPOINT, token: attentionToken(25) });
    renderApp();
    const header = await screen.findByTestId("header-scim-token");
    expect(header).toHaveTextContent("SCIM token: 25 days");
    expect(header).toHaveClass("header-token-attention");
    await openStep3(user);
    const expiry = screen.getByTestId("scim-token-expiry");
    expect(expiry).toHaveAttribute("data-level", "attention");
    expect(expiry.querySelector(".callout")).toHaveClass("callout-attention");
    expect(expiry).toHaveTextContent("The access token expires in 25 days");
    expect(expiry).toHaveTextContent("When it expires, Entra stops provisioning to AWS.");
    const steps = within(screen.getByTestId("rotation-steps")).getAllByRole("listitem");
    expect(screen.getByTestId("rotation-steps").tagName).toBe("OL");
    expect(steps.map((s) => s.textContent)).toEqual(ROTATION_STEPS);
    await user.click(within(expiry).getByTestId("expiry-replace-token"));
    expect(screen.getByTestId("scim-token")).toHaveFocus();
  });

  it("expired: a red callout and a red header", async () => {
    const user = userEvent.setup();
    installProvisioning({ endpoint: ENDPOINT, token: expiredToken() });
    renderApp();
    const header = await screen.findByTestId("header-scim-token");
    expect(header).toHaveTextContent("SCIM token: expired");
    expect(header).toHaveClass("header-token-expired");
    await openStep3(user);
    const expiry = screen.getByTestId("scim-token-expiry");
    expect(expiry.querySelector(".callout")).toHaveClass("callout-error");
    expect(expiry).toHaveTextContent("The access token expired on 2026-11-12");
    expect(within(expiry).getAllByRole("listitem")).toHaveLength(ROTATION_STEPS.length);
  });

  it("more than 90 days: the message only, no callout", async () => {
    const user = userEvent.setup();
    installProvisioning({ endpoint: ENDPOINT, token: tokenInfo() });
    renderApp();
    await openStep3(user);
    const expiry = await screen.findByTestId("scim-token-expiry");
    expect(expiry).toHaveTextContent("valid until 2027-03-01");
    expect(screen.queryByTestId("rotation-steps")).not.toBeInTheDocument();
  });
});

describe("Setup step 3: attribute mappings", () => {
  it("lists the mappings, copies them as text and records the admin's confirmation", async () => {
    const user = userEvent.setup();
    installProvisioning();
    renderApp();
    await openStep3(user);
    const table = screen.getByRole("table", { name: "Attribute mappings from Microsoft Entra ID to IAM Identity Center" });
    const email = within(table).getByTestId("mapping-row-email");
    expect(email).toHaveAttribute("data-action", "change");
    expect(email).toHaveTextContent("Coalesce([mail],[userPrincipalName])");
    expect(email).toHaveTextContent('emails[type eq "work"].value');
    expect(within(table).getByTestId("mapping-row-external-id")).toHaveAttribute("data-action", "add");

    await user.click(screen.getByTestId("mapping-copy"));
    expect(fakeApi.attributeMappingText).toHaveBeenCalledTimes(1);
    await waitFor(async () => expect(await navigator.clipboard.readText()).toBe(MAPPING_TEXT));
    expect(await screen.findByText(/^Copied/)).toBeInTheDocument();

    await user.click(within(email).getByRole("button", { name: 'Copy the Entra source for emails[type eq "work"].value' }));
    expect(await navigator.clipboard.readText()).toBe("Coalesce([mail],[userPrincipalName])");

    const box = screen.getByTestId("mapping-confirm");
    expect(box).toHaveAccessibleName("I have checked these mappings in Entra");
    expect(box).not.toBeChecked();
    expect(screen.queryByTestId("mapping-note")).not.toBeInTheDocument();
    await user.click(box);
    expect(fakeApi.confirmAttributeMapping).toHaveBeenCalledWith(true);
    expect(await screen.findByTestId("mapping-note")).toHaveTextContent("Confirmed by you on 2026-11-23.");
    expect(screen.getByTestId("mapping-confirm")).toBeChecked();

    await user.click(screen.getByTestId("mapping-confirm"));
    expect(fakeApi.confirmAttributeMapping).toHaveBeenLastCalledWith(false);
    await waitFor(() => expect(screen.queryByTestId("mapping-note")).not.toBeInTheDocument());
  });
});
