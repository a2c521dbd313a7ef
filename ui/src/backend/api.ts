/**
 * Typed backend calls. Every call rejects with a `GatehouseError`, never a raw value.
 * This (with progress.ts, shell.ts and dialog.ts) is the only code that reaches Tauri.
 */
import { commands } from "./bindings";
import { toGatehouseError } from "./errors";

export { GatehouseError, toGatehouseError } from "./errors";
export type {
  AccountRole,
  AppInfo,
  ConnectionSpec,
  ConnectionStatus,
  CredentialSource,
  ErrorKind,
  Identity,
  InstanceInfo,
  IpcError,
  OrganizationInfo,
  ProfileInfo,
  ProfileKind,
  Progress,
  RegionInstance,
} from "./bindings";

type Commands = typeof commands;

/** Wraps a command so that whatever it rejects with becomes a `GatehouseError`. */
function wrap<A extends unknown[], R>(call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await call(...args);
    } catch (reason) {
      throw toGatehouseError(reason);
    }
  };
}

export const api: { [K in keyof Commands]: Commands[K] } = {
  appInfo: wrap(commands.appInfo),
  listProfiles: wrap(commands.listProfiles),
  identityCenterRegions: wrap(commands.identityCenterRegions),
  startupConnection: wrap(commands.startupConnection),
  connect: wrap(commands.connect),
  refreshConnection: wrap(commands.refreshConnection),
  disconnect: wrap(commands.disconnect),
  connectionStatus: wrap(commands.connectionStatus),
  storeAccessKeys: wrap(commands.storeAccessKeys),
  storedAccessKeyId: wrap(commands.storedAccessKeyId),
  forgetAccessKeys: wrap(commands.forgetAccessKeys),
  findInstanceRegions: wrap(commands.findInstanceRegions),
  cancelTask: wrap(commands.cancelTask),
};
