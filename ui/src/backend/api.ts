/**
 * Typed backend calls. Every call rejects with a `GatehouseError`, never a raw value.
 * This (with progress.ts, shell.ts, dialog.ts and dragdrop.ts) is the only code that reaches Tauri.
 */
import { commands } from "./bindings";
import { toGatehouseError } from "./errors";

export { GatehouseError, toGatehouseError } from "./errors";
export type * from "./bindings";

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

/**
 * Every generated command, each wrapped so that it rejects with a `GatehouseError`.
 * Built from `commands`, so commands added on the Rust side appear here by themselves.
 */
export const api: Commands = Object.fromEntries(
  Object.entries(commands).map(([name, call]) => [name, wrap(call as (...args: unknown[]) => Promise<unknown>)]),
) as Commands;
