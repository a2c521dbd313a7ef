import type { ErrorKind, IpcError } from "./bindings";

/**
 * The one error type the UI sees. Backend commands reject with an `IpcError`
 * (`{kind, message, detail?}`); Tauri itself (unknown command, missing permission,
 * a plugin failure) rejects with a plain string, which becomes kind "internal".
 */
export class GatehouseError extends Error {
  override readonly name = "GatehouseError";
  readonly kind: ErrorKind;
  readonly detail: string | null;

  constructor(kind: ErrorKind, message: string, detail: string | null = null) {
    super(message);
    this.kind = kind;
    this.detail = detail;
  }
}

const KINDS: ReadonlySet<string> = new Set<ErrorKind>([
  "validation",
  "credentials",
  "access_denied",
  "throttled",
  "not_found",
  "network",
  "keychain",
  "conflict",
  "cancelled",
  "not_connected",
  "storage",
  "internal",
]);

function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.kind === "string" && typeof v.message === "string";
}

/** Converts whatever a backend call rejected with into a `GatehouseError`. */
export function toGatehouseError(reason: unknown): GatehouseError {
  if (reason instanceof GatehouseError) return reason;
  if (isIpcError(reason)) {
    const kind = KINDS.has(reason.kind) ? reason.kind : "internal";
    const detail = typeof reason.detail === "string" && reason.detail !== "" ? reason.detail : null;
    return new GatehouseError(kind, reason.message, detail);
  }
  if (typeof reason === "string") {
    return new GatehouseError("internal", "Gatehouse could not complete the request.", reason);
  }
  if (reason instanceof Error) {
    return new GatehouseError("internal", "Gatehouse could not complete the request.", reason.message);
  }
  return new GatehouseError("internal", "Gatehouse could not complete the request.", safeString(reason));
}

function safeString(value: unknown): string | null {
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}
