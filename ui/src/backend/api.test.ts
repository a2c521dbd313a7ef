import { beforeEach, describe, expect, it, vi } from "vitest";

// The real api.ts / progress.ts over a fake Tauri core: what crosses the IPC boundary.
const tauri = vi.hoisted(() => {
  class FakeChannel<T> {
    static last: FakeChannel<unknown> | null = null;
    onmessage: (message: T) => void = () => undefined;
    constructor() {
      FakeChannel.last = this as FakeChannel<unknown>;
    }
  }
  return { invoke: vi.fn<(cmd: string, args?: Record<string, unknown>) => Promise<unknown>>(), Channel: FakeChannel };
});
vi.mock("@tauri-apps/api/core", () => ({ invoke: tauri.invoke, Channel: tauri.Channel }));

import { api, GatehouseError } from "./api";
import { commands } from "./bindings";
import { runTask } from "./progress";

beforeEach(() => {
  tauri.invoke.mockReset();
});

describe("GatehouseError mapping", () => {
  it("turns an IpcError rejection into a GatehouseError with kind, message and detail", async () => {
    tauri.invoke.mockRejectedValue({
      kind: "credentials",
      message: "Run `aws sso login --profile org-admin`, then connect again.",
      detail: "ExpiredToken",
    });
    const spec = { credentials: { kind: "profile" as const, name: "org-admin" }, region: "eu-west-1", endpoint_url: null };
    const error: unknown = await api.connect("task-1", spec).catch((e: unknown) => e);
    expect(tauri.invoke).toHaveBeenCalledWith("connect", { taskId: "task-1", spec });
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      kind: "credentials",
      message: "Run `aws sso login --profile org-admin`, then connect again.",
      detail: "ExpiredToken",
    });
  });

  it("an IpcError without detail has detail null", async () => {
    tauri.invoke.mockRejectedValue({ kind: "cancelled", message: "Cancelled." });
    await expect(api.refreshConnection()).rejects.toMatchObject({ kind: "cancelled", message: "Cancelled.", detail: null });
  });

  it("a plain string rejection (a Tauri failure) becomes kind internal with the string as detail", async () => {
    tauri.invoke.mockRejectedValue("command connection_status not allowed by ACL");
    const error: unknown = await api.connectionStatus().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({
      kind: "internal",
      message: "Gatehouse could not complete the request.",
      detail: "command connection_status not allowed by ACL",
    });
  });

  it("an unknown kind is treated as internal, keeping the message", async () => {
    tauri.invoke.mockRejectedValue({ kind: "brand_new", message: "Something new." });
    await expect(api.appInfo()).rejects.toMatchObject({ kind: "internal", message: "Something new." });
  });

  it("wraps every generated command", async () => {
    expect(Object.keys(api).sort()).toEqual(Object.keys(commands).sort());
    tauri.invoke.mockRejectedValue("boom");
    for (const call of Object.values(api) as ((...args: unknown[]) => Promise<unknown>)[]) {
      await expect(call()).rejects.toBeInstanceOf(GatehouseError);
    }
  });

  it("passes results through and sends the arguments the backend expects", async () => {
    tauri.invoke.mockResolvedValue(null);
    await expect(api.storeAccessKeys("AKIAIOSFODNN7EXAMPLE", "s3cret", null)).resolves.toBeNull();
    expect(tauri.invoke).toHaveBeenCalledWith("store_access_keys", {
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: "s3cret",
      sessionToken: null,
    });
  });
});

describe("runTask", () => {
  it("streams progress, and cancel reaches cancel_task with the same task id", async () => {
    let release: (value: unknown) => void = () => undefined;
    tauri.invoke.mockImplementation((cmd) =>
      cmd === "find_instance_regions" ? new Promise((resolve) => (release = resolve)) : Promise.resolve(true),
    );
    const seen: unknown[] = [];
    const task = runTask((taskId, channel) => api.findInstanceRegions(taskId, channel), (p) => seen.push(p));

    expect(task.taskId).toMatch(/^[0-9a-f-]{36}$/);
    const [cmd, args] = tauri.invoke.mock.calls[0] ?? [];
    expect(cmd).toBe("find_instance_regions");
    expect(args).toEqual({ taskId: task.taskId, onProgress: tauri.Channel.last });

    tauri.Channel.last?.onmessage({ done: 1, total: 17, message: "Asked 1 of 17 regions, found 0" });
    expect(seen).toEqual([{ done: 1, total: 17, message: "Asked 1 of 17 regions, found 0" }]);

    await expect(task.cancel()).resolves.toBe(true);
    expect(tauri.invoke).toHaveBeenLastCalledWith("cancel_task", { taskId: task.taskId });

    release([]);
    await expect(task.promise).resolves.toEqual([]);
  });

  it("each task gets its own id and rejects with a GatehouseError", async () => {
    tauri.invoke.mockRejectedValue({ kind: "cancelled", message: "Cancelled." });
    const a = runTask((id, ch) => api.findInstanceRegions(id, ch), () => undefined);
    const b = runTask((id, ch) => api.findInstanceRegions(id, ch), () => undefined);
    expect(a.taskId).not.toBe(b.taskId);
    await expect(a.promise).rejects.toBeInstanceOf(GatehouseError);
    await expect(b.promise).rejects.toMatchObject({ kind: "cancelled" });
  });
});
