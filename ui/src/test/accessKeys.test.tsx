import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { GatehouseError } from "../backend/errors";
import { fakeApi, resetFakeBackend } from "./fakeBackend";
import { renderApp } from "./render";

vi.mock("../backend/api", async () => (await import("./fakeBackend")).apiModule());
vi.mock("../backend/progress", async () => (await import("./fakeBackend")).progressModule());

const KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";

beforeEach(() => resetFakeBackend());

async function openKeys({ expectFields = true } = {}) {
  const user = userEvent.setup();
  renderApp();
  await waitFor(() => expect(screen.getByTestId("connection-state")).toHaveAttribute("data-state", "disconnected"));
  await user.click(screen.getByTestId("connect-source-keys"));
  if (expectFields) await screen.findByLabelText("Secret access key");
  return user;
}

describe("access keys", () => {
  it("saves the keys to the keychain and never shows the secret again", async () => {
    const user = await openKeys();
    let stored: string | null = null;
    fakeApi.storedAccessKeyId.mockImplementation(() => Promise.resolve(stored));
    fakeApi.storeAccessKeys.mockImplementation((id) => {
      stored = id;
      return Promise.resolve(null);
    });

    const secret = screen.getByLabelText("Secret access key");
    expect(secret).toHaveAttribute("type", "password");
    await user.type(screen.getByLabelText("Access key ID"), KEY_ID);
    await user.type(secret, SECRET);
    await user.type(screen.getByLabelText(/Session token/), TOKEN);
    await user.click(screen.getByRole("button", { name: "Save to keychain" }));

    expect(fakeApi.storeAccessKeys).toHaveBeenCalledWith(KEY_ID, SECRET, TOKEN);
    const shown = await screen.findByTestId("stored-keys");
    expect(shown).toHaveTextContent("Stored in the OS keychain: AKIA…MPLE");
    // The fields are gone, and neither the secret nor the token is anywhere in the page.
    expect(screen.queryByLabelText("Secret access key")).not.toBeInTheDocument();
    expect(document.documentElement.outerHTML).not.toContain(SECRET);
    expect(document.documentElement.outerHTML).not.toContain(TOKEN);
    for (const input of document.querySelectorAll("input")) {
      expect(input.value).not.toContain(SECRET);
      expect(input.value).not.toContain(TOKEN);
    }

    // Connecting uses the stored keys.
    await user.click(screen.getByTestId("connect-submit"));
    await waitFor(() => expect(fakeApi.connect).toHaveBeenCalledTimes(1));
    expect(fakeApi.connect).toHaveBeenCalledWith(expect.any(String), { credentials: { kind: "stored_keys" }, region: "eu-west-1", endpoint_url: null });
  });

  it("clears the secret at once even when the keychain refuses", async () => {
    const user = await openKeys();
    fakeApi.storeAccessKeys.mockRejectedValue(
      new GatehouseError("keychain", "The OS keychain is locked. Unlock it and try again.", "Secret Service: no result found"),
    );

    await user.type(screen.getByLabelText("Access key ID"), KEY_ID);
    await user.type(screen.getByLabelText("Secret access key"), SECRET);
    await user.click(screen.getByRole("button", { name: "Save to keychain" }));

    const error = await screen.findByTestId("save-keys-error");
    expect(error).toHaveTextContent("The access keys were not saved");
    expect(error).toHaveTextContent("The OS keychain is locked.");
    expect(screen.getByLabelText("Secret access key")).toHaveValue("");
    expect(screen.getByLabelText("Access key ID")).toHaveValue(KEY_ID);
    expect(document.documentElement.outerHTML).not.toContain(SECRET);
  });

  it("shows stored keys shortened and forgets them", async () => {
    let stored: string | null = "AKIAZZZZZZZZZZZZWXYZ";
    fakeApi.storedAccessKeyId.mockImplementation(() => Promise.resolve(stored));
    fakeApi.forgetAccessKeys.mockImplementation(() => {
      stored = null;
      return Promise.resolve(true);
    });
    const user = await openKeys({ expectFields: false });
    const shown = await screen.findByTestId("stored-keys");
    expect(shown).toHaveTextContent("Stored in the OS keychain: AKIA…WXYZ");
    expect(shown).not.toHaveTextContent("AKIAZZZZZZZZZZZZWXYZ");

    expect(screen.queryByLabelText("Secret access key")).not.toBeInTheDocument();

    await user.click(within(shown).getByRole("button", { name: "Forget" }));
    expect(fakeApi.forgetAccessKeys).toHaveBeenCalledTimes(1);
    await screen.findByLabelText("Secret access key");
    expect(screen.queryByTestId("stored-keys")).not.toBeInTheDocument();
  });

  it("saves typed keys before connecting with them", async () => {
    const user = await openKeys();
    const region = screen.getByTestId("connect-region");
    await user.clear(region);
    await user.type(region, "us-west-2");
    await user.type(screen.getByLabelText("Access key ID"), KEY_ID);
    await user.type(screen.getByLabelText("Secret access key"), SECRET);
    await user.click(screen.getByTestId("connect-submit"));

    await waitFor(() => expect(fakeApi.connect).toHaveBeenCalledTimes(1));
    expect(fakeApi.storeAccessKeys).toHaveBeenCalledWith(KEY_ID, SECRET, null);
    expect(fakeApi.storeAccessKeys.mock.invocationCallOrder[0]).toBeLessThan(
      fakeApi.connect.mock.invocationCallOrder[0] ?? 0,
    );
    expect(fakeApi.connect).toHaveBeenCalledWith(expect.any(String), { credentials: { kind: "stored_keys" }, region: "us-west-2", endpoint_url: null });
    expect(document.documentElement.outerHTML).not.toContain(SECRET);
  });
});
