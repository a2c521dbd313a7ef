import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { openUrl } from "../../backend/shell";
import { connectedStatus, fakeApi, PROFILE_SPEC, resetFakeBackend } from "../fakeBackend";
import { renderApp } from "../render";
import { DEFAULT_PORTAL, idpDoc, installFederation, SP_ACS, SP_ISSUER, spDoc } from "./fakeFederation";

vi.mock("../../backend/api", async () => (await import("../fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../fakeBackend")).progressModule());
vi.mock("../../backend/dialog", () => ({ pickFile: vi.fn(), pickSavePath: vi.fn() }));
vi.mock("../../backend/shell", () => ({ openUrl: vi.fn(), revealInFolder: vi.fn() }));
vi.mock("../../backend/dragdrop", () => ({ onFileDrop: () => Promise.resolve(() => {}) }));

const US_WEST_2 = { ...PROFILE_SPEC, region: "us-west-2" };

beforeEach(() => {
  resetFakeBackend();
  vi.mocked(openUrl).mockResolvedValue(undefined);
});

async function openSaml() {
  const user = userEvent.setup();
  const app = renderApp();
  await user.click(screen.getByTestId("nav-setup-saml"));
  await screen.findByTestId("import-idp");
  return { user, ...app };
}

describe("Setup step 2: the values for Entra", () => {
  it("shows Identifier, every Reply URL (default first) and Sign on URL, each copied exactly", async () => {
    installFederation({ idp: idpDoc(), sp: spDoc() });
    const { user } = await openSaml();

    expect((await screen.findByTestId("entra-identifier")).textContent).toBe(SP_ISSUER);
    SP_ACS.forEach((url, i) => expect(screen.getByTestId(`entra-reply-url-${i}`).textContent).toBe(url));
    expect(screen.queryByTestId("entra-reply-url-3")).not.toBeInTheDocument();
    expect(screen.getByTestId("entra-reply-url-0").closest("dd")).toHaveTextContent("default");
    expect(screen.getByTestId("entra-reply-url-1").closest("dd")).not.toHaveTextContent("default");
    expect(screen.getByTestId("entra-sign-on-url").textContent).toBe(DEFAULT_PORTAL);

    const values = screen.getByTestId("entra-values");
    await user.click(within(values).getByRole("button", { name: "Copy Identifier (Entity ID)" }));
    expect(await navigator.clipboard.readText()).toBe(SP_ISSUER);
    await user.click(within(values).getByRole("button", { name: "Copy Reply URL 1" }));
    expect(await navigator.clipboard.readText()).toBe(SP_ACS[0]);
    await user.click(within(values).getByRole("button", { name: "Copy Reply URL 3" }));
    expect(await navigator.clipboard.readText()).toBe(SP_ACS[2]);
    await user.click(within(values).getByRole("button", { name: "Copy Sign on URL" }));
    expect(await navigator.clipboard.readText()).toBe(DEFAULT_PORTAL);
    // Every copy button on the page has an accessible name.
    for (const button of screen.getAllByRole("button").filter((b) => b.classList.contains("copy-button"))) {
      expect(button).toHaveAccessibleName(/^Copy /);
    }
  });

  it("without the SP metadata, says where the values come from", async () => {
    installFederation({ idp: idpDoc() });
    await openSaml();
    expect(await screen.findByTestId("entra-values-missing")).toHaveTextContent("Import the AWS SP metadata in 2b");
    expect(screen.queryByTestId("entra-identifier")).not.toBeInTheDocument();
  });

  it("a custom access portal URL: the backend's validation error shows inline; a valid one becomes the Sign on URL", async () => {
    installFederation({ idp: idpDoc(), sp: spDoc() });
    const { user } = await openSaml();
    const input = await screen.findByTestId("portal-url-input");
    expect(input).toHaveAccessibleName("AWS access portal URL");

    await user.type(input, "https://my-corp.awsapps.com/");
    await user.click(screen.getByTestId("portal-url-save"));
    expect(fakeApi.setPortalUrl).toHaveBeenCalledWith("https://my-corp.awsapps.com/");
    const error = await screen.findByTestId("portal-url-error");
    expect(error).toHaveTextContent("An awsapps.com access portal URL ends in /start.");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("entra-sign-on-url").textContent).toBe(DEFAULT_PORTAL);

    await user.clear(input);
    await user.type(input, "https://my-corp.awsapps.com/start{Enter}");
    await waitFor(() => expect(screen.getByTestId("entra-sign-on-url").textContent).toBe("https://my-corp.awsapps.com/start"));
    expect(screen.queryByTestId("portal-url-error")).not.toBeInTheDocument();
    expect(screen.getByTestId("portal-url-input")).toHaveValue("https://my-corp.awsapps.com/start");

    await user.click(screen.getByTestId("portal-url-default"));
    expect(fakeApi.setPortalUrl).toHaveBeenLastCalledWith(null);
    await waitFor(() => expect(screen.getByTestId("entra-sign-on-url").textContent).toBe(DEFAULT_PORTAL));
    expect(screen.queryByTestId("portal-url-default")).not.toBeInTheDocument();
  });
});

describe("Setup step 2: cross-checks and the AWS console", () => {
  it("each cross-check finding is a callout with its verdict", async () => {
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
    installFederation({
      idp: idpDoc(),
      sp: spDoc(),
      connected_region: "eu-west-1",
      cross_checks: [
        {
          severity: "error",
          code: "region-mismatch",
          message: "This SP metadata is from IAM Identity Center in us-west-2, but Gatehouse is connected to IAM Identity Center in eu-west-1.",
        },
        {
          severity: "error",
          code: "directory-mismatch",
          message: "This SP metadata belongs to identity store d-92d9adb5d4, but the IAM Identity Center Gatehouse is connected to uses identity store d-9367012345.",
        },
      ],
    });
    await openSaml();
    const region = await screen.findByTestId("cross-check-region-mismatch");
    expect(region).toHaveClass("callout-error");
    expect(region).toHaveTextContent("Region mismatch");
    expect(region).toHaveTextContent("connected to IAM Identity Center in eu-west-1");
    expect(screen.getByTestId("cross-check-directory-mismatch")).toHaveTextContent("identity store d-9367012345");
    expect(screen.queryByTestId("cross-checks-ok")).not.toBeInTheDocument();
  });

  it("no findings while connected: a green verdict naming exactly what was compared", async () => {
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus(US_WEST_2));
    installFederation({ idp: idpDoc(), sp: spDoc(), connected_region: "us-west-2" });
    await openSaml();
    const ok = await screen.findByTestId("cross-checks-ok");
    expect(ok).toHaveClass("callout-ok");
    expect(ok).toHaveTextContent(
      "Both documents are consistent with the connected IAM Identity Center (region us-west-2, directory d-92d9adb5d4)",
    );
  });

  it("connected without an instance: only the region is claimed", async () => {
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus(US_WEST_2, false));
    installFederation({ idp: idpDoc(), sp: spDoc(), connected_region: "us-west-2" });
    await openSaml();
    const ok = await screen.findByTestId("cross-checks-ok");
    expect(ok).toHaveTextContent("(region us-west-2)");
    expect(ok).not.toHaveTextContent("directory d-92d9adb5d4)");
    expect(ok).toHaveTextContent("the directory could not be compared");
  });

  it("not connected: the region and directory checks need a connection, and so does the console link", async () => {
    installFederation({ idp: idpDoc(), sp: spDoc() });
    await openSaml();
    expect(await screen.findByTestId("cross-checks-not-connected")).toHaveTextContent(
      "Region and directory checks need a connection",
    );
    expect(screen.queryByTestId("cross-checks-ok")).not.toBeInTheDocument();
    expect(screen.getByTestId("identity-source-needs-connection")).toHaveTextContent("Connect Gatehouse to AWS first");
    expect(screen.queryByTestId("open-identity-source")).not.toBeInTheDocument();
  });

  it("only one document: the checks wait for both", async () => {
    installFederation({ idp: idpDoc() });
    await openSaml();
    expect(await screen.findByTestId("cross-checks-waiting")).toBeInTheDocument();
  });

  it("connected: the identity source link opens the settings in the connected region", async () => {
    fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
    installFederation({ idp: idpDoc(), connected_region: "eu-west-1" });
    const { user } = await openSaml();
    await user.click(await screen.findByTestId("open-identity-source"));
    expect(openUrl).toHaveBeenCalledWith(
      "https://eu-west-1.console.aws.amazon.com/singlesignon/home?region=eu-west-1#/instances/settings",
    );
  });

  it("the federation view is read again when the connection changes (it lives under the aws keys)", async () => {
    installFederation({ idp: idpDoc(), sp: spDoc() });
    const { client } = await openSaml();
    await screen.findByTestId("cross-checks-not-connected");
    const calls = fakeApi.federationView.mock.calls.length;
    // What the connection does on connect / refresh / disconnect.
    await client.invalidateQueries({ queryKey: ["aws"] });
    expect(fakeApi.federationView.mock.calls.length).toBeGreaterThan(calls);
  });
});
