import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { openUrl } from "../../backend/shell";
import { fakeApi, resetFakeBackend } from "../fakeBackend";
import { renderApp } from "../render";
import { idpDoc, installFederation } from "./fakeFederation";

vi.mock("../../backend/api", async () => (await import("../fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../fakeBackend")).progressModule());
vi.mock("../../backend/dialog", () => ({ pickFile: vi.fn(), pickSavePath: vi.fn() }));
vi.mock("../../backend/shell", () => ({ openUrl: vi.fn(), revealInFolder: vi.fn() }));
vi.mock("../../backend/dragdrop", () => ({ onFileDrop: () => Promise.resolve(() => {}) }));

beforeEach(() => {
  resetFakeBackend();
  vi.mocked(openUrl).mockResolvedValue(undefined);
});

describe("Setup in the sidebar", () => {
  it("lists the two steps under Setup, each with the backend's status and summary", async () => {
    installFederation({
      steps: [
        { id: "entra-app", status: "done", summary: "Confirmed by you on 2026-11-23." },
        { id: "saml", status: "attention", summary: "Now import the AWS SP metadata." },
      ],
    });
    renderApp();
    const nav = screen.getByRole("navigation", { name: "Pages" });
    expect(within(nav).getByText("Setup")).toBeInTheDocument();

    const entra = await screen.findByTestId("step-status-entra-app");
    expect(entra).toHaveAttribute("data-status", "done");
    expect(entra).toHaveTextContent("✓");
    expect(entra).toHaveAttribute("title", "done: Confirmed by you on 2026-11-23.");
    const saml = screen.getByTestId("step-status-saml");
    expect(saml).toHaveAttribute("data-status", "attention");
    expect(saml).toHaveTextContent("!");
    expect(saml.getAttribute("title")).toContain("Now import the AWS SP metadata.");
    expect(screen.getByTestId("nav-setup-saml")).toHaveAccessibleName("2 SAML needs attention");
    expect(screen.getByTestId("nav-setup-entra-app")).toHaveAccessibleName("1 Entra app done");
  });

  it("not started shows ·", async () => {
    installFederation();
    renderApp();
    const saml = await screen.findByTestId("step-status-saml");
    expect(saml).toHaveAttribute("data-status", "not_started");
    expect(saml).toHaveTextContent("·");
    expect(screen.getByTestId("step-status-entra-app")).toHaveAttribute("data-status", "not_started");
  });

  it("the pages open from the sidebar, with their status summary under the title", async () => {
    const user = userEvent.setup();
    installFederation();
    renderApp();
    await user.click(screen.getByTestId("nav-setup-saml"));
    expect(screen.getByRole("heading", { level: 1, name: "2 · SAML" })).toBeInTheDocument();
    expect(await screen.findByTestId("step-summary-saml")).toHaveTextContent("Import the Entra ID federation metadata.");
    await user.click(screen.getByTestId("nav-setup-entra-app"));
    expect(screen.getByRole("heading", { level: 1, name: "1 · Entra enterprise application" })).toBeInTheDocument();
  });
});

describe("Setup step 1: the Entra enterprise application", () => {
  it("says what to create and opens the Entra portal", async () => {
    const user = userEvent.setup();
    installFederation();
    renderApp();
    await user.click(screen.getByTestId("nav-setup-entra-app"));
    expect(screen.getByTestId("gallery-app-name")).toHaveTextContent("AWS IAM Identity Center (successor to AWS Single Sign-On)");
    expect(screen.getByText("Federation Metadata XML")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Copy the gallery application name" }));
    expect(await navigator.clipboard.readText()).toBe("AWS IAM Identity Center (successor to AWS Single Sign-On)");

    await user.click(screen.getByTestId("open-entra-portal"));
    await waitFor(() =>
      expect(openUrl).toHaveBeenCalledWith(
        "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/StartboardApplicationsMenuBlade/~/AppAppsPreview",
      ),
    );
  });

  it("without the metadata: the admin's confirmation, recorded with its date", async () => {
    const user = userEvent.setup();
    installFederation();
    renderApp();
    await user.click(screen.getByTestId("nav-setup-entra-app"));
    const box = await screen.findByRole("checkbox", { name: "I have created the application" });
    expect(box).not.toBeChecked();
    expect(screen.getByTestId("step-status-entra-app")).toHaveAttribute("data-status", "not_started");

    await user.click(box);
    expect(fakeApi.confirmEntraApp).toHaveBeenCalledWith(true);
    await waitFor(() => expect(screen.getByTestId("step-summary-entra-app")).toHaveTextContent("Confirmed by you on 2026-11-23."));
    expect(screen.getByRole("checkbox", { name: "I have created the application" })).toBeChecked();
    expect(screen.getByTestId("step-status-entra-app")).toHaveAttribute("data-status", "done");

    await user.click(screen.getByRole("checkbox", { name: "I have created the application" }));
    expect(fakeApi.confirmEntraApp).toHaveBeenLastCalledWith(false);
    await waitFor(() => expect(screen.getByTestId("step-status-entra-app")).toHaveAttribute("data-status", "not_started"));
  });

  it("with the Entra metadata imported: done, nothing to confirm", async () => {
    const user = userEvent.setup();
    installFederation({ idp: idpDoc() });
    renderApp();
    await user.click(screen.getByTestId("nav-setup-entra-app"));
    expect(await screen.findByTestId("entra-app-proof")).toHaveTextContent("AWS IAM Identity Center.xml");
    expect(screen.queryByRole("checkbox")).not.toBeInTheDocument();
    expect(screen.getByTestId("step-status-entra-app")).toHaveAttribute("data-status", "done");
    await user.click(screen.getByTestId("go-to-saml"));
    expect(screen.getByRole("heading", { level: 1, name: "2 · SAML" })).toBeInTheDocument();
  });
});
