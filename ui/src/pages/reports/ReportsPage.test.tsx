/** The Reports page in the app shell with a fake backend: no snapshot, filters, admin view, exports (CSV/JSON, as code). */
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CodeExport, ReportRow, Snapshot, StagedChange } from "../../backend/api";
import { pickSavePath } from "../../backend/dialog";
import { GatehouseError } from "../../backend/errors";
import { stagingStorageKey } from "../../state/staging";
import { connectedStatus, fakeApi, fakeRunTask, INSTANCE_ARN, resetFakeBackend, tasks } from "../../test/fakeBackend";
import { renderApp } from "../../test/render";
import type { PageDef } from "../registry";
import { reportPages } from ".";
import { ACC, fixtureSnapshot, PS, whoHasWhatOf } from "./testData";

vi.mock("../../backend/api", async () => (await import("../../test/fakeBackend")).apiModule());
vi.mock("../../backend/progress", async () => (await import("../../test/fakeBackend")).progressModule());
vi.mock("../../backend/dialog", () => ({ pickSavePath: vi.fn(), pickFile: vi.fn() }));

const PAGES: PageDef[] = [
  ...reportPages,
  { id: "assignments", label: "Account assignments", Component: () => <p data-testid="assignments-stub">matrix</p> },
];

const savePath = vi.mocked(pickSavePath);

beforeEach(() => {
  resetFakeBackend();
  window.localStorage.clear();
  savePath.mockReset();
  fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
});

function answer(snapshot: Snapshot | null, rows: ReportRow[] = snapshot !== null ? whoHasWhatOf(snapshot) : []) {
  fakeApi.cachedSnapshot.mockResolvedValue(snapshot);
  fakeApi.whoHasWhat.mockResolvedValue(rows);
}

async function openPage(snapshot: Snapshot | null = fixtureSnapshot()) {
  answer(snapshot);
  const user = userEvent.setup();
  renderApp({ pages: PAGES });
  await screen.findByTestId("reports-page");
  if (snapshot !== null) await screen.findAllByTestId("report-row");
  return user;
}

const rowTexts = () => screen.getAllByTestId("report-row").map((r) => r.textContent);

describe("reports: no snapshot yet", () => {
  it("says so and reads the access state with progress, then shows the report", async () => {
    const user = await openPage(null);
    const callout = await screen.findByTestId("report-no-snapshot");
    expect(callout).toHaveTextContent("No snapshot of the access state yet");
    await user.click(within(callout).getByRole("button", { name: "Read the access state" }));
    expect(fakeRunTask).toHaveBeenCalledTimes(1);
    const progress = await screen.findByTestId("report-refresh-progress");
    act(() => tasks[0]?.progress({ done: 3, total: 10, message: "Listing account assignments" }));
    expect(progress).toHaveTextContent("Listing account assignments");
    const snapshot = fixtureSnapshot();
    answer(snapshot);
    act(() => tasks[0]?.resolve(snapshot));
    expect(await screen.findAllByTestId("report-row")).toHaveLength(12);
    expect(screen.queryByTestId("report-no-snapshot")).not.toBeInTheDocument();
    expect(screen.getByTestId("report-total")).toHaveTextContent("12 rows · 4 accounts · 5 principals · 3 users with access");
  });

  it("can cancel the read, and links to the Assignments page", async () => {
    const user = await openPage(null);
    await user.click(await screen.findByRole("button", { name: "Read the access state" }));
    await user.click(await screen.findByTestId("report-refresh-progress-cancel"));
    expect(tasks[0]?.cancel).toHaveBeenCalled();
    expect(await screen.findByText(/Reading cancelled/)).toBeInTheDocument();
    await user.click(within(await screen.findByTestId("report-no-snapshot")).getByRole("button", { name: "Open Assignments" }));
    expect(screen.getByTestId("assignments-stub")).toBeInTheDocument();
  });

  it("offers to connect when there is no connection", async () => {
    fakeApi.connectionStatus.mockResolvedValue(null);
    await openPage(null);
    const callout = await screen.findByTestId("report-no-snapshot");
    expect(within(callout).getByRole("button", { name: "Connect…" })).toBeInTheDocument();
    expect(within(callout).queryByRole("button", { name: "Read the access state" })).not.toBeInTheDocument();
  });
});

describe("reports: refreshing the snapshot", () => {
  it("keeps the filters and shows the new snapshot's rows", async () => {
    const user = await openPage();
    await user.type(screen.getByTestId("report-filter-user"), "alice@example.com");
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(4));
    await user.click(screen.getByTestId("report-refresh"));
    expect(fakeRunTask).toHaveBeenCalledTimes(1);
    const before = fixtureSnapshot();
    const after = fixtureSnapshot({
      taken_at: "2025-03-02T10:00:00Z",
      assignments: [...before.assignments, { account_id: ACC.mgmt, permission_set_arn: PS.ro, principal_type: "USER", principal_id: "u-alice" }],
    });
    answer(after);
    act(() => tasks[0]?.resolve(after));
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(5));
    expect(screen.getByTestId("report-filter-user")).toHaveValue("alice@example.com");
    expect(fakeApi.whoHasWhat).toHaveBeenCalledTimes(2);
  });
});

describe("reports: filters", () => {
  it("filters by a user chosen in the picker, with the group each inherited access comes through", async () => {
    const user = await openPage();
    const picker = screen.getByTestId("report-filter-user");
    expect(picker).toHaveAccessibleName("User");
    await user.type(picker, "alice");
    const options = screen.getAllByTestId("report-user-option");
    expect(options.map((o) => o.textContent)).toEqual(["alice@example.comAlice Martin"]);
    await user.click(options[0]!);
    expect(picker).toHaveValue("alice@example.com");
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(4));
    expect(rowTexts().filter((t) => t?.includes("via Developers"))).toHaveLength(2);
    expect(rowTexts().some((t) => t?.includes("via Admins"))).toBe(true);
    expect(screen.getByTestId("report-total")).toHaveTextContent("4 rows · 3 accounts · 1 principal · 1 user with access");
    expect(screen.getByTestId("report-user-summary")).toHaveTextContent(
      "alice@example.com has access to 3 accounts: 1 assignment directly, 3 assignments through the groups Admins, Developers.",
    );
  });

  it("chooses with the keyboard, and an exact user name filters as it is typed", async () => {
    const user = await openPage();
    const picker = screen.getByTestId("report-filter-user");
    await user.type(picker, "stone");
    expect(picker).toHaveAttribute("aria-expanded", "true");
    await user.keyboard("{Enter}");
    expect(picker).toHaveValue("bob@example.com");
    expect(picker).toHaveAttribute("aria-expanded", "false");
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(3));

    await user.clear(picker);
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(12));
    await user.type(picker, "carol@example.com");
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(2));
    await user.click(screen.getByRole("button", { name: "Clear the user filter" }));
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(12));
  });

  it("says when a user has no access at all", async () => {
    const user = await openPage();
    await user.type(screen.getByTestId("report-filter-user"), "dan@example.com");
    expect(await screen.findByTestId("report-user-summary")).toHaveTextContent("dan@example.com has no access in this snapshot");
    expect(screen.getByTestId("report-empty")).toHaveTextContent("No access matches these filters.");
  });

  it("filters by group, account, OU, permission set and text, and clears them", async () => {
    const user = await openPage();
    await user.selectOptions(screen.getByLabelText("Group"), "Developers");
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(6));
    await user.selectOptions(screen.getByLabelText("Account"), "eu-app (3333-3333-3333)");
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(3));
    await user.click(screen.getByTestId("report-clear-filters"));
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(12));

    await user.selectOptions(screen.getByLabelText("OU"), "/Production and below");
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(10));
    await user.selectOptions(screen.getByLabelText("Permission set"), "BreakGlass (administrator)");
    await waitFor(() => expect(rowTexts()).toEqual([expect.stringContaining("bob@example.com")]));
    await user.click(screen.getByTestId("report-clear-filters"));
    await user.type(screen.getByLabelText("Search"), "management carol");
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(1));
  });

  it("shows the users with administrator-level access in one click, per account", async () => {
    const user = await openPage();
    const toggle = screen.getByTestId("admin-access-view");
    expect(toggle).toHaveAttribute("aria-pressed", "false");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-pressed", "true");
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(3));
    expect(rowTexts()).toEqual([
      expect.stringMatching(/eu-app.*BreakGlass.*bob@example\.com.*direct/),
      expect.stringMatching(/prod-app.*AdministratorAccess.*alice@example\.com.*via Admins/),
      expect.stringMatching(/sandbox.*AdministratorAccess.*alice@example\.com.*direct/),
    ]);
    const summary = screen.getByTestId("admin-access-summary");
    expect(summary).toHaveTextContent("2 users hold an administrator-level permission set (AdministratorAccess, BreakGlass) in 3 accounts");
    expect(summary).toHaveTextContent("prod-app 1111-1111-1111: alice@example.com (AdministratorAccess (via Admins))");
    await user.click(toggle);
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(12));
  });

  it("renders only the rows on screen when the report is large", async () => {
    const snapshot = fixtureSnapshot();
    const many: ReportRow[] = Array.from({ length: 1000 }, (_, i) => ({
      account_id: String(100000000000 + i),
      account_name: `acct-${String(i).padStart(4, "0")}`,
      ou_path: "/Production",
      permission_set_arn: PS.ro,
      permission_set_name: "ReadOnly",
      principal_type: "USER",
      principal_id: "u-bob",
      principal_name: "bob@example.com",
      access: "group",
      via_group: "Developers",
    }));
    answer(snapshot, many);
    // jsdom has no layout: give the scroll container a screenful of height, and rows their height.
    const layout = { clientHeight: 600, offsetHeight: 44 } as const;
    const saved = new Map<string, PropertyDescriptor | undefined>();
    for (const [key, value] of Object.entries(layout)) {
      saved.set(key, Object.getOwnPropertyDescriptor(HTMLElement.prototype, key));
      Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => value });
    }
    try {
      renderApp({ pages: PAGES });
      const rendered = await screen.findAllByTestId("report-row");
      expect(rendered.length).toBeGreaterThan(10);
      expect(rendered.length).toBeLessThan(100);
      expect(screen.getByTestId("report-total")).toHaveTextContent("1,000 rows · 1,000 accounts · 1 principal · 1 user with access");
      expect(screen.getByRole("table", { name: "Who has what" })).toHaveAttribute("aria-rowcount", "1001");
      expect(rendered[0]).toHaveAttribute("aria-rowindex", "2");
    } finally {
      for (const [key, d] of saved) {
        if (d !== undefined) Object.defineProperty(HTMLElement.prototype, key, d);
        else delete (HTMLElement.prototype as unknown as Record<string, unknown>)[key];
      }
    }
  });
});

describe("reports: exports", () => {
  it("saves the filtered rows as CSV where the admin chose", async () => {
    const user = await openPage();
    fakeApi.saveReport.mockResolvedValue(null);
    savePath.mockResolvedValue("/home/admin/alice.csv");
    await user.type(screen.getByTestId("report-filter-user"), "alice@example.com");
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(4));
    await user.click(screen.getByTestId("export-csv"));
    expect(await screen.findByTestId("report-export-saved")).toHaveTextContent("Saved 4 rows as CSV to /home/admin/alice.csv.");
    expect(savePath.mock.calls[0]?.[0].defaultPath).toMatch(/^gatehouse-access-alice-example-com-\d{4}-\d{2}-\d{2}\.csv$/);
    const [path, format, rows] = fakeApi.saveReport.mock.calls[0]!;
    expect(path).toBe("/home/admin/alice.csv");
    expect(format).toBe("csv");
    expect(rows.map((r) => `${r.account_name}/${r.permission_set_name}/${r.via_group ?? "direct"}`)).toEqual([
      "eu-app/ReadOnly/Developers",
      "prod-app/AdministratorAccess/Admins",
      "prod-app/ReadOnly/Developers",
      "sandbox/AdministratorAccess/direct",
    ]);
  });

  it("sends nothing when the save dialog is cancelled, and shows a failed save", async () => {
    const user = await openPage();
    savePath.mockResolvedValue(null);
    await user.click(screen.getByTestId("export-json"));
    await waitFor(() => expect(screen.getByTestId("export-json")).toBeEnabled());
    expect(fakeApi.saveReport).not.toHaveBeenCalled();

    savePath.mockResolvedValue("/read-only/report.json");
    fakeApi.saveReport.mockRejectedValue(new GatehouseError("storage", "Gatehouse could not write /read-only/report.json."));
    await user.click(screen.getByTestId("export-json"));
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not save the report");
    expect(fakeApi.saveReport).toHaveBeenCalledWith("/read-only/report.json", "json", whoHasWhatOf(fixtureSnapshot()));
  });

  it("previews the export as code, with staged changes on request, and saves it", async () => {
    const staged: StagedChange[] = [
      { op: "create", assignment: { account_id: ACC.sandbox, permission_set_arn: PS.ro, principal_type: "USER", principal_id: "u-dan" } },
    ];
    window.localStorage.setItem(stagingStorageKey(INSTANCE_ARN), JSON.stringify({ version: 1, changes: staged }));
    const exported = (format: "cloudformation" | "terraform", pending: number): CodeExport => ({
      format,
      files:
        format === "cloudformation"
          ? [
              { name: "gatehouse-identity-center.yaml", content: "Resources:\n  AdministratorAccess: …", resources: 3 },
              { name: "gatehouse-identity-center-2.yaml", content: "Parameters: …", resources: 7 + pending },
            ]
          : [{ name: "gatehouse-identity-center.tf", content: 'resource "aws_ssoadmin_permission_set" "admin" {}', resources: 10 + pending }],
      notes: format === "cloudformation" ? ["Split into 2 stacks: deploy the permission sets first."] : ["Import blocks adopt what exists."],
      snapshot_taken_at: "2025-03-01T10:00:00Z",
    });
    fakeApi.exportCode.mockImplementation((format, pending) => Promise.resolve(exported(format, pending.length)));
    fakeApi.saveCodeExport.mockResolvedValue(["/home/admin/iac/access.yaml", "/home/admin/iac/access-2.yaml"]);
    savePath.mockResolvedValue("/home/admin/iac/access.yaml");

    const user = await openPage();
    await user.click(screen.getByTestId("export-code"));
    const panel = await screen.findByTestId("export-code-panel");
    expect(await within(panel).findByTestId("export-code-summary")).toHaveTextContent("2 files, 10 resources.");
    expect(fakeApi.exportCode).toHaveBeenLastCalledWith("cloudformation", []);
    expect(within(panel).getByTestId("export-code-notes")).toHaveTextContent("Split into 2 stacks");
    expect(within(panel).getByTestId("export-code-preview")).toHaveTextContent("Resources:");
    expect(within(panel).getByTestId("export-code-file")).toHaveTextContent("gatehouse-identity-center.yaml");
    await user.click(within(panel).getByRole("button", { name: /gatehouse-identity-center-2\.yaml/ }));
    expect(within(panel).getByTestId("export-code-preview")).toHaveTextContent("Parameters:");

    const include = within(panel).getByRole("checkbox", { name: /Include staged \(pending\) changes/ });
    expect(include).toHaveAccessibleName("Include staged (pending) changes (1 change)");
    await user.click(include);
    expect(await within(panel).findByText("2 files, 11 resources, with 1 staged change.")).toBeInTheDocument();
    expect(fakeApi.exportCode).toHaveBeenLastCalledWith("cloudformation", staged);

    await user.click(within(panel).getByRole("button", { name: "Save…" }));
    expect(await within(panel).findByTestId("export-code-saved")).toHaveTextContent(
      "Saved 2 files:/home/admin/iac/access.yaml/home/admin/iac/access-2.yaml",
    );
    expect(fakeApi.saveCodeExport).toHaveBeenCalledWith("cloudformation", staged, "/home/admin/iac/access.yaml");
    expect(savePath).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: "gatehouse-identity-center.yaml" }));

    await user.click(within(panel).getByRole("radio", { name: "Terraform" }));
    expect(await within(panel).findByText("1 file, 11 resources, with 1 staged change.")).toBeInTheDocument();
    expect(fakeApi.exportCode).toHaveBeenLastCalledWith("terraform", staged);
    expect(within(panel).queryByTestId("export-code-saved")).not.toBeInTheDocument();
  });

  it("shows why an export as code is refused", async () => {
    fakeApi.exportCode.mockRejectedValue(
      new GatehouseError("validation", "This snapshot was taken before Gatehouse read permission set policies."),
    );
    const user = await openPage();
    await user.click(screen.getByTestId("export-code"));
    expect(await screen.findByRole("alert")).toHaveTextContent("This snapshot was taken before Gatehouse read permission set policies.");
    expect(screen.getByRole("checkbox", { name: /Include staged/ })).toBeDisabled();
  });
});
