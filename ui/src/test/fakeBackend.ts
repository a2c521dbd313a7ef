/**
 * A fake of the backend module for component tests: `vi.mock("../backend/api", …)` and
 * `vi.mock("../backend/progress", …)` return these; each test sets what the commands answer.
 */
import { vi, type Mock } from "vitest";
import type { api as realApi, ConnectionSpec, ConnectionStatus, IpcError, Progress, ProfileInfo } from "../backend/api";
import { GatehouseError, toGatehouseError } from "../backend/errors";

type Api = typeof realApi;
type FakeApi = { [K in keyof Api]: Mock<Api[K]> };

/**
 * Every command is a `vi.fn()`, created on first use, so commands added to the bindings need
 * no change here until a test exercises them.
 */
const mocks = new Map<string, Mock>();
export const fakeApi = new Proxy({} as FakeApi, {
  get(_target, name) {
    if (typeof name !== "string") return undefined;
    let mock = mocks.get(name);
    if (mock === undefined) {
      mock = vi.fn(() => Promise.reject(new GatehouseError("internal", `No fake answer for ${name}.`)));
      mocks.set(name, mock);
    }
    return mock;
  },
});

/** What the mocked `../backend/api` module exports. */
export function apiModule() {
  return { api: fakeApi, GatehouseError, toGatehouseError };
}

/** A task the test drives: send progress, then resolve or reject. */
export interface FakeTask<T> {
  taskId: string;
  progress: (p: Progress) => void;
  resolve: (value: T) => void;
  reject: (error: IpcError) => void;
  cancel: Mock<() => Promise<boolean>>;
}

export const tasks: FakeTask<unknown>[] = [];

/** The mocked `runTask`: records each task so the test can emit progress and settle it. */
export const fakeRunTask = vi.fn(
  (_start: (taskId: string, channel: never) => Promise<unknown>, onProgress: (p: Progress) => void) => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = (e) => rej(toGatehouseError(e));
    });
    const taskId = `task-${tasks.length + 1}`;
    const cancel = vi.fn(() => {
      reject({ kind: "cancelled", message: "Cancelled." });
      return Promise.resolve(true);
    });
    tasks.push({ taskId, progress: onProgress, resolve, reject, cancel });
    return { taskId, promise, cancel };
  },
);

export function progressModule() {
  return { runTask: fakeRunTask };
}

/**
 * A `runTask` that calls the command for real — the fake api's mock, with a channel whose
 * messages go to `onProgress` (a mock sends progress with `channel.onmessage(p)`); cancel calls
 * `fakeApi.cancelTask(taskId)`.
 */
export function passthroughProgressModule() {
  return {
    runTask: (start: (taskId: string, channel: never) => Promise<unknown>, onProgress: (p: Progress) => void) => {
      const taskId = `task-${tasks.length + 1}`;
      const channel = { onmessage: onProgress };
      const promise = start(taskId, channel as never).catch((e: unknown) => {
        throw toGatehouseError(e);
      });
      return { taskId, promise, cancel: () => fakeApi.cancelTask(taskId) };
    },
  };
}

export const PROFILES: ProfileInfo[] = [
  { name: "org-admin", kind: "sso", region: "eu-west-1", sso_account_id: "111122223333", sso_role_name: "AdministratorAccess" },
  { name: "sandbox", kind: "assume_role", region: "us-east-1", sso_account_id: null, sso_role_name: null },
  { name: "legacy-keys", kind: "access_keys", region: null, sso_account_id: null, sso_role_name: null },
];

export const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2"];

export const PROFILE_SPEC: ConnectionSpec = {
  credentials: { kind: "profile", name: "org-admin" },
  region: "eu-west-1",
  endpoint_url: null,
};

export const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6";

export function connectedStatus(spec: ConnectionSpec = PROFILE_SPEC, withInstance = true): ConnectionStatus {
  return {
    spec,
    identity: {
      account_id: "111122223333",
      caller_arn: "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0a1b/alice",
      region: spec.region,
      role: "management",
      role_note: "The organisation's management account: everything can be managed from here.",
      organization: { id: "o-a1b2c3d4e5", management_account_id: "111122223333" },
      instance: withInstance
        ? {
            instance_arn: INSTANCE_ARN,
            identity_store_id: "d-9367012345",
            owner_account_id: "111122223333",
            name: null,
            status: "ACTIVE",
            region: spec.region,
          }
        : null,
    },
    refreshed_at: new Date().toISOString(),
  };
}

/** Sensible answers for every command; tests override what they exercise. */
export function resetFakeBackend() {
  mocks.clear();
  fakeRunTask.mockClear();
  tasks.length = 0;
  fakeApi.appInfo.mockResolvedValue({ version: "0.1.0", data_dir: "/home/admin/.local/share/dev.gatehouse.app" });
  fakeApi.listProfiles.mockResolvedValue(PROFILES);
  fakeApi.identityCenterRegions.mockResolvedValue(REGIONS);
  fakeApi.startupConnection.mockResolvedValue(null);
  fakeApi.connectionStatus.mockResolvedValue(null);
  fakeApi.connect.mockImplementation((_taskId, spec) => Promise.resolve(connectedStatus(spec)));
  fakeApi.refreshConnection.mockRejectedValue(new GatehouseError("not_connected", "Not connected."));
  fakeApi.disconnect.mockResolvedValue(null);
  fakeApi.storedAccessKeyId.mockResolvedValue(null);
  fakeApi.storeAccessKeys.mockResolvedValue(null);
  fakeApi.forgetAccessKeys.mockResolvedValue(true);
  fakeApi.findInstanceRegions.mockRejectedValue(new Error("use runTask"));
  fakeApi.cancelTask.mockResolvedValue(true);
}

/** A promise the test settles by hand. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
