import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { pickFile, pickSavePath } from "../../backend/dialog";
import { revealInFolder } from "../../backend/shell";
import { fakeApi, resetFakeBackend } from "../fakeBackend";
import { renderApp } from "../render";
import { ACTIVE_CERT, idpDoc, installFederation, NEXT_CERT, spDoc, TENANT, wrongKindError } from "./fakeFederation";

vi.mock("../../backend/api", async () => (await import("../fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../fakeBackend")).progressModule());
vi.mock("../../backend/dialog", () => ({ pickFile: vi.fn(), pickSavePath: vi.fn() }));
vi.mock("../../backend/shell", () => ({ openUrl: vi.fn(), revealInFolder: vi.fn() }));
vi.mock("../../backend/dragdrop", () => ({ onFileDrop: () => Promise.resolve(() => {}) }));

const IDP_XML = `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_x" entityID="https://sts.windows.net/${TENANT}/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"></EntityDescriptor>`;
const SP_XML = `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://us-west-2.signin.aws.amazon.com/platform/saml/d-92d9adb5d4"/>`;

beforeEach(() => {
  resetFakeBackend();
  vi.mocked(revealInFolder).mockResolvedValue(undefined);
});

async function openSaml() {
  const user = userEvent.setup();
  const app = renderApp();
  await user.click(screen.getByTestId("nav-setup-saml"));
  await screen.findByTestId("import-idp");
  return { user, ...app };
}

async function pasteInto(user: ReturnType<typeof userEvent.setup>, slot: "idp" | "sp", xml: string) {
  if (screen.queryByTestId(`paste-${slot}`) === null) await user.click(screen.getByTestId(`paste-toggle-${slot}`));
  const box = screen.getByTestId(`paste-${slot}`);
  await user.clear(box);
  await user.click(box);
  await user.paste(xml);
  await user.click(screen.getByTestId(`paste-import-${slot}`));
}

describe("Setup step 2: importing the metadata", () => {
  it("pasting the Entra XML imports it as text and shows the parsed card", async () => {
    installFederation({}, (slot) => (slot === "idp" ? idpDoc({ file_name: null, source_path: null }) : spDoc()));
    const { user } = await openSaml();
    expect(screen.queryByTestId("idp-card")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("paste-toggle-idp"));
    expect(screen.getByTestId("paste-toggle-idp")).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByTestId("paste-import-idp")).toBeDisabled();
    await pasteInto(user, "idp", IDP_XML);

    expect(fakeApi.importMetadata).toHaveBeenCalledWith("idp", { kind: "text", text: IDP_XML });
    const card = await screen.findByTestId("idp-card");
    expect(screen.getByTestId("idp-tenant-id")).toHaveTextContent(TENANT);
    expect(screen.getByTestId("idp-entity-id").textContent).toBe(`https://sts.windows.net/${TENANT}/`);
    expect(screen.getByTestId("idp-sso-url").textContent).toBe(`https://login.microsoftonline.com/${TENANT}/saml2`);

    const active = screen.getByTestId("idp-cert-0");
    expect(active).toHaveAttribute("data-active", "true");
    expect(active).toHaveAttribute("data-sha1", ACTIVE_CERT.sha1);
    expect(within(active).getByText("active")).toBeInTheDocument();
    expect(within(active).getByText(ACTIVE_CERT.sha1)).toBeInTheDocument();
    expect(within(active).getByText("2028-01-01")).toBeInTheDocument();
    expect(within(active).getByText("(403 days left)")).toBeInTheDocument();
    expect(within(active).getByText("SHA-256 fingerprint")).toBeInTheDocument();
    const next = screen.getByTestId("idp-cert-1");
    expect(next).toHaveAttribute("data-active", "false");
    expect(next).toHaveAttribute("data-sha1", NEXT_CERT.sha1);
    expect(within(next).queryByText("active")).not.toBeInTheDocument();

    // Where it came from; the paste box closes; Replace… and Remove are offered.
    expect(within(card).getByText(/pasted · imported/)).toBeInTheDocument();
    expect(screen.queryByTestId("paste-idp")).not.toBeInTheDocument();
    expect(within(card).getByRole("button", { name: "Replace…" })).toBeInTheDocument();
    expect(within(card).getByRole("button", { name: "Remove" })).toBeInTheDocument();
    // Copy buttons have names.
    await user.click(within(active).getByRole("button", { name: "Copy SHA-1 thumbprint of certificate 1" }));
    expect(await navigator.clipboard.readText()).toBe(ACTIVE_CERT.sha1);
  });

  it("a refused import shows the error next to its zone, with the code in the details, and keeps the earlier card", async () => {
    installFederation({ idp: idpDoc() }, () => {
      throw wrongKindError();
    });
    const { user } = await openSaml();
    expect(await screen.findByTestId("idp-card")).toBeInTheDocument();

    await pasteInto(user, "idp", SP_XML);

    const error = await screen.findByTestId("import-error-idp");
    expect(error).toHaveTextContent("The pasted text is not the document this step needs");
    expect(error).toHaveTextContent("This is the AWS IAM Identity Center SP metadata");
    expect(error).toHaveTextContent("The document imported earlier is kept.");
    expect(within(error).getByText("Details")).toBeInTheDocument();
    expect(within(error).getByText("wrong-document-kind")).toBeInTheDocument();
    expect(within(screen.getByTestId("import-idp").parentElement!).getByTestId("import-error-idp")).toBe(error);
    expect(screen.queryByTestId("import-error-sp")).not.toBeInTheDocument();

    // The earlier document is still shown, and the pasted text is still there to fix.
    expect(screen.getByTestId("idp-tenant-id")).toHaveTextContent(TENANT);
    expect(screen.getByTestId("paste-idp")).toHaveValue(SP_XML);
  });

  it("findings show as callouts with their severity and message", async () => {
    installFederation({
      idp: idpDoc({}, [
        { severity: "error", code: "certificate-expired", message: "The active signing certificate expired on 2025-01-01." },
        { severity: "warning", code: "active-certificate-unknown", message: "Two signing certificates; the document is unsigned." },
      ]),
    });
    await openSaml();
    const expired = await screen.findByTestId("finding-idp-certificate-expired");
    expect(expired).toHaveClass("callout-error");
    expect(expired).toHaveTextContent("The active signing certificate expired on 2025-01-01.");
    const unknown = screen.getByTestId("finding-idp-active-certificate-unknown");
    expect(unknown).toHaveClass("callout-attention");
    expect(unknown).toHaveTextContent("Two signing certificates");
  });

  it("Choose file… imports the picked path into its slot; cancelling does nothing", async () => {
    installFederation({}, (slot) => (slot === "idp" ? idpDoc() : spDoc()));
    vi.mocked(pickFile).mockResolvedValueOnce(null).mockResolvedValueOnce("/home/admin/Downloads/Custom_SSO_metadata.xml");
    const { user } = await openSaml();

    await user.click(screen.getByTestId("choose-file-sp"));
    expect(vi.mocked(pickFile).mock.calls[0]?.[0].filters).toContainEqual({ name: "SAML metadata (XML)", extensions: ["xml"] });
    expect(fakeApi.importMetadata).not.toHaveBeenCalled();

    await user.click(screen.getByTestId("choose-file-sp"));
    await waitFor(() =>
      expect(fakeApi.importMetadata).toHaveBeenCalledWith("sp", { kind: "path", path: "/home/admin/Downloads/Custom_SSO_metadata.xml" }),
    );
    const card = await screen.findByTestId("sp-card");
    expect(within(card).getByText("Custom_SSO_metadata.xml")).toBeInTheDocument();
    expect(screen.getByTestId("sp-issuer").textContent).toBe("https://us-west-2.signin.aws.amazon.com/platform/saml/d-92d9adb5d4");
    expect(screen.getByTestId("sp-acs-0").textContent).toMatch(/^https:\/\/us-west-2\.signin\.aws\/platform\/saml\/acs\//);
    expect(screen.getByTestId("sp-acs-0").parentElement).toHaveTextContent("default");
    expect(screen.getByTestId("sp-acs-2")).toBeInTheDocument();
    expect(screen.getByTestId("sp-region").textContent).toBe("us-west-2");
    expect(screen.getByTestId("sp-directory-id").textContent).toBe("d-92d9adb5d4");
  });

  it("a pasted document offers Save as file… and saves a copy where the admin chose", async () => {
    installFederation({ idp: idpDoc({ file_name: null, source_path: null }) });
    vi.mocked(pickSavePath).mockResolvedValue("/home/admin/entra-federation.xml");
    const { user } = await openSaml();

    const upload = await screen.findByTestId("upload-file-idp");
    expect(within(upload).queryByText("Show file in folder")).not.toBeInTheDocument();
    await user.click(within(upload).getByRole("button", { name: "Save as file…" }));

    expect(pickSavePath).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: "EntraID-FederationMetadata.xml" }));
    await waitFor(() => expect(fakeApi.saveMetadataCopy).toHaveBeenCalledWith("idp", "/home/admin/entra-federation.xml"));
    expect(await screen.findByTestId("saved-copy-idp")).toHaveTextContent("Saved to /home/admin/entra-federation.xml");
    await user.click(screen.getByTestId("reveal-saved-idp"));
    expect(revealInFolder).toHaveBeenCalledWith("/home/admin/entra-federation.xml");
  });

  it("an imported file is offered for upload with Show file in folder", async () => {
    installFederation({ idp: idpDoc() });
    const { user } = await openSaml();
    const upload = await screen.findByTestId("upload-file-idp");
    expect(upload).toHaveTextContent("AWS IAM Identity Center.xml");
    expect(within(upload).queryByRole("button", { name: "Save as file…" })).not.toBeInTheDocument();
    await user.click(within(upload).getByRole("button", { name: "Show file in folder" }));
    expect(revealInFolder).toHaveBeenCalledWith("/home/admin/Downloads/AWS IAM Identity Center.xml");
  });

  it("Remove clears the slot and the zone invites a new import", async () => {
    installFederation({ idp: idpDoc() });
    const { user } = await openSaml();
    const card = await screen.findByTestId("idp-card");
    await user.click(within(card).getByRole("button", { name: "Remove" }));
    expect(fakeApi.clearMetadata).toHaveBeenCalledWith("idp");
    await waitFor(() => expect(screen.queryByTestId("idp-card")).not.toBeInTheDocument());
    expect(screen.getByTestId("import-idp")).toHaveTextContent("Drop the Entra ID Federation Metadata XML here");
  });
});
