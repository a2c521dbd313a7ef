import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DropPosition } from "../../backend/dragdrop";
import { dropTarget, type ZoneBox } from "../../pages/setup/dropRouting";
import { fakeApi, resetFakeBackend } from "../fakeBackend";
import { renderApp } from "../render";
import { idpDoc, installFederation, spDoc } from "./fakeFederation";

/** The fake window: what the page subscribed with, so the test can drag and drop. */
const drops = vi.hoisted(() => ({
  onDrop: null as ((paths: string[], position: { x: number; y: number }) => void) | null,
  onHover: null as ((position: { x: number; y: number } | null) => void) | null,
  unlistened: 0,
}));

vi.mock("../../backend/api", async () => (await import("../fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../fakeBackend")).progressModule());
vi.mock("../../backend/dialog", () => ({ pickFile: vi.fn(), pickSavePath: vi.fn() }));
vi.mock("../../backend/shell", () => ({ openUrl: vi.fn(), revealInFolder: vi.fn() }));
vi.mock("../../backend/dragdrop", () => ({
  onFileDrop: (onDrop: typeof drops.onDrop, onHover?: typeof drops.onHover) => {
    drops.onDrop = onDrop;
    drops.onHover = onHover ?? null;
    return Promise.resolve(() => {
      drops.unlistened += 1;
    });
  },
}));

beforeEach(() => {
  resetFakeBackend();
  drops.onDrop = null;
  drops.onHover = null;
  drops.unlistened = 0;
});

// jsdom lays nothing out: give the zones boxes (idp above sp), as a real window would.
const BOXES = { idp: { left: 250, top: 200, right: 950, bottom: 300 }, sp: { left: 250, top: 600, right: 950, bottom: 700 } };
const IN_IDP: DropPosition = { x: 400, y: 250 };
const IN_SP: DropPosition = { x: 400, y: 650 };
const NOWHERE: DropPosition = { x: 100, y: 450 };

function layOut() {
  for (const slot of ["idp", "sp"] as const) {
    const b = BOXES[slot];
    screen.getByTestId(`import-${slot}`).getBoundingClientRect = () =>
      new DOMRect(b.left, b.top, b.right - b.left, b.bottom - b.top);
  }
}

async function openSaml() {
  const user = userEvent.setup();
  const app = renderApp();
  await user.click(screen.getByTestId("nav-setup-saml"));
  await screen.findByTestId("import-sp");
  layOut();
  await waitFor(() => expect(drops.onDrop).not.toBeNull());
  return { user, ...app };
}

const hover = (p: DropPosition | null) => act(() => drops.onHover?.(p));
const drop = (paths: string[], p: DropPosition) => act(() => drops.onDrop?.(paths, p));

describe("dropTarget", () => {
  const zones: ZoneBox[] = [
    { slot: "idp", ...BOXES.idp },
    { slot: "sp", ...BOXES.sp },
  ];
  it("is the zone under the pointer", () => {
    expect(dropTarget(IN_IDP, zones, ["idp", "sp"])).toBe("idp");
    expect(dropTarget(IN_SP, zones, [])).toBe("sp");
  });
  it("else the only zone on screen, else the only slot still waiting, else none", () => {
    expect(dropTarget(NOWHERE, [zones[1]!], ["idp", "sp"])).toBe("sp");
    expect(dropTarget(NOWHERE, zones, ["sp"])).toBe("sp");
    expect(dropTarget(NOWHERE, zones, ["idp", "sp"])).toBeNull();
    expect(dropTarget(NOWHERE, zones, [])).toBeNull();
  });
});

describe("dropping files on the window (Setup step 2)", () => {
  it("highlights the zone under the pointer while dragging, and imports into it on drop", async () => {
    installFederation({}, (slot) => (slot === "idp" ? idpDoc() : spDoc()));
    await openSaml();

    hover(IN_SP);
    expect(screen.getByTestId("import-sp")).toHaveClass("import-zone-target");
    expect(screen.getByTestId("import-sp")).toHaveTextContent("Drop to import the IAM Identity Center SP metadata");
    expect(screen.getByTestId("import-idp")).toHaveClass("import-zone-dragging");
    expect(screen.getByTestId("import-idp")).not.toHaveClass("import-zone-target");
    hover(IN_IDP);
    expect(screen.getByTestId("import-idp")).toHaveClass("import-zone-target");
    expect(screen.getByTestId("import-sp")).not.toHaveClass("import-zone-target");

    drop(["/home/admin/Downloads/Custom_SSO_metadata.xml"], IN_SP);
    await waitFor(() =>
      expect(fakeApi.importMetadata).toHaveBeenCalledWith("sp", { kind: "path", path: "/home/admin/Downloads/Custom_SSO_metadata.xml" }),
    );
    expect(screen.getByTestId("import-sp")).not.toHaveClass("import-zone-dragging");
    expect(await screen.findByTestId("sp-card")).toBeInTheDocument();

    layOut();
    drop(["/home/admin/Downloads/AWS IAM Identity Center.xml"], IN_IDP);
    await waitFor(() =>
      expect(fakeApi.importMetadata).toHaveBeenLastCalledWith("idp", { kind: "path", path: "/home/admin/Downloads/AWS IAM Identity Center.xml" }),
    );
    expect(await screen.findByTestId("idp-card")).toBeInTheDocument();
  });

  it("dropped outside the zones, a file goes to the only slot still waiting for its document", async () => {
    installFederation({ sp: spDoc() }, () => idpDoc());
    await openSaml();
    hover(NOWHERE);
    expect(screen.getByTestId("import-idp")).toHaveClass("import-zone-target");
    drop(["/tmp/federation.xml"], NOWHERE);
    await waitFor(() => expect(fakeApi.importMetadata).toHaveBeenCalledWith("idp", { kind: "path", path: "/tmp/federation.xml" }));
  });

  it("outside the zones with both slots open, or several files: nothing is imported and the admin is told why", async () => {
    installFederation({}, () => idpDoc());
    await openSaml();
    hover(NOWHERE);
    expect(screen.getByTestId("import-idp")).not.toHaveClass("import-zone-target");
    expect(screen.getByTestId("import-sp")).not.toHaveClass("import-zone-target");
    drop(["/tmp/federation.xml"], NOWHERE);
    expect(screen.getByTestId("drop-notice")).toHaveTextContent("Drop the file onto 2a");

    drop(["/tmp/a.xml", "/tmp/b.xml"], IN_IDP);
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(fakeApi.importMetadata).not.toHaveBeenCalled();
    expect(screen.getByTestId("drop-notice")).toHaveTextContent("2 files were dropped");
  });

  it("a refused drop shows the error at the zone it went to", async () => {
    installFederation();
    fakeApi.importMetadata.mockRejectedValue({ kind: "validation", message: "The file is not XML.", detail: "not-xml" });
    await openSaml();
    drop(["/home/admin/cert.cer"], IN_SP);
    const error = await screen.findByTestId("import-error-sp");
    expect(error).toHaveTextContent("The file is not SAML metadata Gatehouse can read");
    expect(error).toHaveTextContent("The file is not XML.");
  });

  it("stops listening when the page is left", async () => {
    installFederation();
    const { user } = await openSaml();
    expect(drops.unlistened).toBe(0);
    await user.click(screen.getByTestId("nav-connection"));
    expect(drops.unlistened).toBe(1);
  });
});
