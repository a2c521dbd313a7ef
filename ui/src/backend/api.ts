/**
 * Typed backend calls. Every call rejects with a `GatehouseError`, never a raw value.
 * This (with progress.ts, shell.ts, dialog.ts and dragdrop.ts) is the only code that reaches Tauri.
 */
import { commands } from "./bindings";
import { toGatehouseError } from "./errors";

export { GatehouseError, toGatehouseError } from "./errors";
export type * from "./bindings";

type Commands = typeof commands;

/** The global a test harness sets to an array to record what the UI receives over IPC. */
export const IPC_LOG_GLOBAL = "__GATEHOUSE_IPC_LOG__";

/**
 * The IPC payload recorder (for the end-to-end secrets test): when
 * `globalThis.__GATEHOUSE_IPC_LOG__` is an array, every command's settled value is pushed to it
 * as `JSON.stringify({command, result})` or `JSON.stringify({command, error})`. The arguments
 * (which may hold a secret on their way to the keychain) are never recorded. Without the
 * array this costs one property read per call.
 */
function recordIpc(command: string, outcome: { result: unknown } | { error: unknown }): void {
  const log: unknown = (globalThis as Record<string, unknown>)[IPC_LOG_GLOBAL];
  if (!Array.isArray(log)) return;
  try {
    const entry =
      "result" in outcome
        ? { command, result: outcome.result }
        : {
            command,
            // An Error's own fields do not serialise; keep what it says.
            error: outcome.error instanceof Error ? { name: outcome.error.name, message: outcome.error.message } : outcome.error,
          };
    (log as unknown[]).push(JSON.stringify(entry));
  } catch {
    // A value JSON cannot represent must not break the call being recorded.
  }
}

/** Wraps a command so that whatever it rejects with becomes a `GatehouseError`. */
function wrap<A extends unknown[], R>(command: string, call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    let result: R;
    try {
      result = await call(...args);
    } catch (reason) {
      recordIpc(command, { error: reason });
      throw toGatehouseError(reason);
    }
    recordIpc(command, { result });
    return result;
  };
}

/**
 * Every generated command, each wrapped so that it rejects with a `GatehouseError`.
 * Built from `commands`, so commands added on the Rust side appear here by themselves.
 */
export const api: Commands = Object.fromEntries(
  Object.entries(commands).map(([name, call]) => [name, wrap(name, call as (...args: unknown[]) => Promise<unknown>)]),
) as Commands;
