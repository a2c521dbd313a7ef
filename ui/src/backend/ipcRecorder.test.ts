import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The real api.ts over a fake Tauri core: what the recorder sees of each settled command.
const tauri = vi.hoisted(() => ({ invoke: vi.fn<(cmd: string, args?: Record<string, unknown>) => Promise<unknown>>() }));
vi.mock("@tauri-apps/api/core", () => ({ invoke: tauri.invoke, Channel: class {} }));

import { api, GatehouseError, IPC_LOG_GLOBAL } from "./api";

const globals = globalThis as Record<string, unknown>;

beforeEach(() => {
  tauri.invoke.mockReset();
});

afterEach(() => {
  delete globals[IPC_LOG_GLOBAL];
});

describe("IPC payload recorder", () => {
  it("the global is the one the end-to-end test sets", () => {
    expect(IPC_LOG_GLOBAL).toBe("__GATEHOUSE_IPC_LOG__");
  });

  it("records nothing (and touches nothing) unless the global is an array", async () => {
    tauri.invoke.mockResolvedValue({ token: null });
    await api.provisioningView();
    expect(globals[IPC_LOG_GLOBAL]).toBeUndefined();

    globals[IPC_LOG_GLOBAL] = "not an array";
    await api.provisioningView();
    expect(globals[IPC_LOG_GLOBAL]).toBe("not an array");
  });

  it("records each command's result as JSON, never its arguments", async () => {
    const log: string[] = [];
    globals[IPC_LOG_GLOBAL] = log;
    const view = { endpoint: { url: "https://scim.eu-west-1.amazonaws.com/t/scim/v2" }, token: { last4: "WXYZ" } };
    tauri.invoke.mockResolvedValue(view);

    await expect(api.saveScimSettings("https://scim.eu-west-1.amazonaws.com/t/scim/v2", "secret-token-WXYZ", null, false)).resolves.toEqual(view);
    expect(tauri.invoke).toHaveBeenCalledWith("save_scim_settings", {
      endpoint: "https://scim.eu-west-1.amazonaws.com/t/scim/v2",
      token: "secret-token-WXYZ",
      tokenCreatedOn: null,
      acceptNonstandard: false,
    });
    expect(log).toEqual([JSON.stringify({ command: "saveScimSettings", result: view })]);
    expect(log.join("")).not.toContain("secret-token-WXYZ");

    tauri.invoke.mockResolvedValue(null);
    await api.disconnect();
    expect(log[1]).toBe(JSON.stringify({ command: "disconnect", result: null }));
  });

  it("records a rejection as it arrived, and the caller still gets a GatehouseError", async () => {
    const log: string[] = [];
    globals[IPC_LOG_GLOBAL] = log;
    const ipcError = { kind: "validation", message: "Not an IAM Identity Center SCIM endpoint.", detail: "nonstandard-endpoint" };
    tauri.invoke.mockRejectedValue(ipcError);
    const error: unknown = await api.saveScimSettings("http://x", null, null, false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ kind: "validation", detail: "nonstandard-endpoint" });
    expect(log).toEqual([JSON.stringify({ command: "saveScimSettings", error: ipcError })]);

    tauri.invoke.mockRejectedValue("command not allowed by ACL");
    await api.testScimConnection().catch(() => undefined);
    tauri.invoke.mockRejectedValue(new Error("boom"));
    await api.whoHasWhat().catch(() => undefined);
    expect(log.slice(1).map((l) => JSON.parse(l) as unknown)).toEqual([
      { command: "testScimConnection", error: "command not allowed by ACL" },
      { command: "whoHasWhat", error: { name: "Error", message: "boom" } },
    ]);
  });

  it("a value JSON cannot represent is skipped without breaking the call", async () => {
    const log: string[] = [];
    globals[IPC_LOG_GLOBAL] = log;
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    tauri.invoke.mockResolvedValue(circular);
    await expect(api.provisioningView()).resolves.toBe(circular);
    expect(log).toEqual([]);
  });
});
